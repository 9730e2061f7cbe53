srcs-y := main.c
# Below the programs it watches: reading the ring should not change the
# run it records more than it must.
priority := 3
caps := trace ioport
