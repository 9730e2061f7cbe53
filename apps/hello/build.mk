srcs-y := main.c
