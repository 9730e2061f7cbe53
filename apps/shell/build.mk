srcs-y := main.c commands.c leases.c ps.c top.c trace.c
priority := 12
# What it runs gets the default budget from it.
memory := 16M
caps := spawn ioport irq console trace
