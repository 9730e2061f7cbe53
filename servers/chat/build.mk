name := chat-server
srcs-y := main.c
priority := 15
serves := chat
