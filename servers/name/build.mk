srcs-y := main.c
priority := 25
