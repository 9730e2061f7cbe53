srcs-y := main.c commands.c leases.c ps.c top.c trace.c
priority := 12
caps := spawn ioport irq console trace
