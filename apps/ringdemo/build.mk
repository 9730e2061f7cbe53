# A producer and its consumer sharing a ring buffer (docs/memory.md).
srcs-y := main.c
caps := spawn
# Its own pages, the ring, and the consumer's budget (CONSUMER_MEMORY).
memory := 1M
