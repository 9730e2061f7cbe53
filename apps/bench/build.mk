srcs-y := main.c
priority := 11
caps := spawn ioport trace
