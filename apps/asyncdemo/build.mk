# A producer and its consumer over the async layer (docs/async.md).
srcs-y := main.c
caps := spawn
