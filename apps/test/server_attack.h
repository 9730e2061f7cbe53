#pragma once
/*
 * The attack suite (test_attack_*.c, issue 10): each attack is made by a
 * plain app, a child that holds what an app with no caps holds: the name
 * server as handle 1 and the handles it looks up there (server_attackers.c).
 * The victims are the real servers, started afresh from the boot image
 * (server_victims.c); after each attack a fresh client must still get its
 * answer, within LIVE_MS, while the attacker is still there.
 */
#include "test.h"

enum victim { VICTIM_NAME, VICTIM_CHAT, VICTIM_CONSOLE, VICTIM_LOOP };
/* How an attacker stops answering: it never receives again, or it takes
 * the first call (a pull) and never replies. */
enum hold { HOLD_SLEEP, HOLD_PULL };
#define ATTACK_PARAM(victim, hold)                                             \
    ((uint64_t) (victim) | (uint64_t) (hold) << 8)
#define ATTACK_PRIORITY (TEST_PRIORITY + 1) /* it acts before we look */
#define LIVE_MS 2000 /* a server that has not answered by then is stuck */
#define CONSOLE_TEST_PORT 1 /* COM2, which the test image sends nowhere */
#define LOOP_NAME "t-loop"
#define LOOP_PEERS_WORD 1 /* the loop server's replies: how many peers */

extern const char *const attack_victims[];

/* What CHILD_ATTACK_SYSTEM_NAMES got: one bit per name it registered. */
#define SQUAT_CONSOLE 1
#define SQUAT_CHAT 2
#define SQUAT_OWN_NAME 4 /* "t-squat": a name no boot entry lists */

/* A fresh victim: the name server is always there (0); the others are
 * started, and registered by the time this returns. */
handle_t start_victim(enum victim v);
/* An attacker child in `mode` against v. */
handle_t attacker(int mode, enum victim v, enum hold how);
void end_task(handle_t h);
/* A handle to the console victim for one port, as init gives its shell. */
handle_t terminal_handle(int port);
/* Handles in a task's table (-1 if we cannot tell). */
int handles_of(handle_t task);

/* A fresh client's requests, each answered within LIVE_MS or failed:
 * OK, or why not. */
error_t chat_open_answers(void);
error_t console_write_answers(void);
error_t console_attach_answers(void);
error_t loop_answers(uint64_t *peers);
error_t name_register_and_lookup_answers(void);
/* A fresh victim v, an attacker in `mode` that holds on, and a fresh
 * client's answer meanwhile; both tasks are ended after. */
error_t answers_while_attacked(enum victim v, int mode,
                               error_t (*answers)(void));
