srcs-y := main.c
priority := 11
memory := 32M
caps := spawn ioport trace
