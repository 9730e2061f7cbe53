srcs-y := main.c
priority := 10
