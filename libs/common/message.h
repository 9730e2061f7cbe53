#pragma once
#include <stdint.h>

/*
 * The fixed-size inline message. The kernel fills src and badge; the rest is
 * the sender's. A receive from any sender returns pending notifications
 * first, as one message of type MSG_NOTIFICATIONS.
 */
#define MSG_DATA_SIZE 48

struct message {
    int32_t type;
    uint32_t src;   /* sender's task id */
    uint64_t badge; /* badge of the handle the sender used */
    union {
        uint8_t data[MSG_DATA_SIZE];
        uint64_t words[MSG_DATA_SIZE / 8];
        struct {
            uint64_t bits;
        } notifications;
    };
};

_Static_assert(sizeof(struct message) == 64, "message is one cache line");

/* Message types the kernel itself produces. */
#define MSG_NOTIFICATIONS 1

/* Notification bits the kernel raises; bits 16..63 are the tasks' own. */
#define NOTIFY_TIMER (1ull << 0)
#define NOTIFY_IRQ (1ull << 1)
#define NOTIFY_DEATH (1ull << 2) /* a task this one watches has ended */
#define NOTIFY_ASYNC (1ull << 3)

/* ipc() flags. */
#define IPC_SEND (1u << 0)
#define IPC_RECV (1u << 1)
#define IPC_CALL (IPC_SEND | IPC_RECV)

/* ipc() timeouts, in milliseconds. */
#define IPC_POLL 0
#define IPC_FOREVER (-1)

/* The `src` argument of a receive that takes any sender. */
#define IPC_ANY 0
