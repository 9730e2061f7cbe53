srcs-y := main.c
priority := 20
caps := ioport irq
serves := console
