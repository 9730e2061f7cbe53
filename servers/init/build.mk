srcs-y := main.c
priority := 20
