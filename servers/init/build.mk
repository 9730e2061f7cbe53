srcs-y := main.c places.c requests.c
priority := 20
