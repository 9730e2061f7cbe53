srcs-y := main.c commands.c
priority := 12
caps := spawn ioport irq console
