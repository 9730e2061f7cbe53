srcs-y := main.c commands.c leases.c
priority := 12
caps := spawn ioport irq console
