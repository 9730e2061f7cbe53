name := chat-server
srcs-y := main.c
priority := 15
