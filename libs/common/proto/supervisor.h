#pragma once
#include <message.h> /* <idl.h>: BADGE_LOOKUP_END */
#include <stdint.h>

/*
 * init's protocol (servers/init, docs/supervision.md). init watches every
 * task it starts and starts it again when it ends, from the same boot
 * entry and copy number and with the same badged handles, at most
 * RESTART_MAX times in RESTART_WINDOW_MS (servers/init/Kconfig); then it
 * leaves it down. A restarted server is a new task: every handle to the
 * old one is dead. Each task init starts finds a handle to init under
 * TAG_SUPERVISOR, badged for its place in init's table, and asks through
 * it for fresh handles. All requests are calls; the reply's words[0] is
 * an error_t. init answers at once: it never calls, sends to or waits on
 * a task it supervises.
 *
 * SUPERVISOR_RENEW_MSG  words[0] = a start-up tag: TAG_NAME,
 *                       TAG_NAME_SERVE or TAG_CONSOLE. The reply moves a
 *                       fresh handle (call with ipc_call_handle; the
 *                       library's startup_renew does), minted exactly as
 *                       at start: same server, rights and badge.
 *                       ERR_NOT_PERMITTED: the caller is not the task in
 *                       the badge's place, or was not given that tag.
 *                       ERR_INVALID_ARG: a tag that is not renewed.
 *                       ERR_NOT_FOUND: the server is down (it ended more
 *                       often than the bound allows, or could not be
 *                       started); init restarts a server before it
 *                       answers, so there is no "being restarted".
 * SUPERVISOR_KILL_MSG   words[0] = a task id. Only through a handle with
 *                       SUPERVISOR_BADGE_ADMIN: init ends that task if it
 *                       is one it supervises (and then restarts it, within
 *                       the bound). ERR_NOT_PERMITTED: no admin badge.
 *                       ERR_NOT_FOUND: not a task init supervises.
 *
 * Unknown types: ERR_UNKNOWN_MESSAGE.
 *
 * init is also a pager (vm.h), for the stacks of the tasks it starts and
 * of the tasks they start: each gets, under TAG_PAGER, a handle to init
 * badged PAGER_BADGE, which it passes on (libs/resea does). At start-up a
 * task holding one reserves the stack's growth with vm_pager: the
 * USER_STACK_MAX - USER_STACK_SIZE bytes below its stack (layout.h).
 * init zero-fills a fault there (the page is charged to the task) and
 * refuses a fault in any other region, which ends the faulting task.
 */
/* The badge of the supervisor handle of the task in init's place i; the
 * task on the operator's terminal (console port 0) also gets
 * SUPERVISOR_BADGE_ADMIN. Minted by init only: no other task holds an
 * unbadged handle to it. */
#define SUPERVISOR_BADGE(i) (BADGE_LOOKUP_END + (uint64_t) (i))
#define SUPERVISOR_BADGE_ADMIN (1ull << 32)
/* The pager handle's badge: never a place's. */
#define PAGER_BADGE (BADGE_LOOKUP_END + (1ull << 40))
#define SUPERVISOR_PLACE(badge)                                                \
    ((uint32_t) (((badge) - BADGE_LOOKUP_END) & ~SUPERVISOR_BADGE_ADMIN))
