# A plain app: no caps, no names to serve.
srcs-y := main.c
