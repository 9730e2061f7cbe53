srcs-y := main.c lease.c
priority := 20
caps := ioport irq
serves := console
