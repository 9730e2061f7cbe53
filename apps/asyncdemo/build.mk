# A producer and its consumer over the async layer (docs/async.md).
srcs-y := main.c
caps := spawn
# Its producer and consumer get the default budget each.
memory := 6M
