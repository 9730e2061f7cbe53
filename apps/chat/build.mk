srcs-y := main.c
priority := 10
caps := console
