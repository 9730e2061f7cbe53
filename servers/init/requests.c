/*
 * Requests through the supervisor handles init gives (proto/supervisor.h).
 * init answers each at once and never calls, sends to or waits on a task
 * it supervises: a reply never blocks.
 */
#include "init.h"
#include <msgtypes.h>
#include <proto/console.h>
#include <proto/supervisor.h>
#include <resea/ipc.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <layout.h>
#include <string.h>
#include <vm.h>

static bool alive(handle_t h) {
    struct handle_info info;
    return h > 0 && handle_info(h, &info) == OK && info.task_alive;
}

/* The handle p's task was given under tag, minted again: *out, or an
 * error (and nothing minted). */
static error_t mint(const struct place *p, uint32_t tag, handle_t *out) {
    const struct bootfs_entry *e = p->entry;
    handle_t server = tag == TAG_CONSOLE ? console_task : name_task;
    uint64_t badge;
    if (tag == TAG_NAME)
        badge = NAME_BADGE_PLAIN;
    else if (tag == TAG_NAME_SERVE && bootfs_serves_any(bootfs, e))
        badge = NAME_BADGE_ENTRY(p->index);
    else if (tag == TAG_CONSOLE && (e->flags & BOOTFS_CAP_CONSOLE) &&
             p->copy < CONSOLE_PORTS)
        badge = CONSOLE_PORT_BADGE(p->copy);
    else if (tag == TAG_NAME_SERVE || tag == TAG_CONSOLE)
        return ERR_NOT_PERMITTED; /* never given to this task */
    else
        return ERR_INVALID_ARG;
    if (!strcmp(e->name, "name"))
        return ERR_NOT_PERMITTED; /* the name server holds none of these */
    if (!alive(server))
        return ERR_NOT_FOUND;
    *out = badged(server, badge);
    return *out ? OK : ERR_FULL;
}

static void renew(const struct place *p, struct message *m) {
    /* A server that ended while its death is still unread here is
     * started again first, so a client that saw it end gets the new one. */
    reap();
    handle_t h = 0;
    struct message r = {.type = SUPERVISOR_RENEW_REPLY_MSG};
    r.words[0] = mint(p, m->words[0], &h);
    if (h) {
        r.type |= MSG_HANDLE_MOVE;
        r.handle = h;
    }
    if (ipc_reply(m->src, &r) != OK && h)
        handle_close(h); /* not delivered: still ours */
}

/* End a system task for the operator; its death brings the restart. */
static error_t end_for_operator(uint64_t badge, uint64_t id) {
    if (!(badge & SUPERVISOR_BADGE_ADMIN))
        return ERR_NOT_PERMITTED;
    struct place *p = id <= UINT32_MAX ? place_of_task(id) : NULL;
    return p ? task_kill(p->task) : ERR_NOT_FOUND;
}

/* A fault in a task's stack growth region: a zeroed page. Anything else
 * is refused (proto/supervisor.h). The kernel made the request, so the
 * words are true; a task that sends one itself gets a reply and nothing
 * more. */
static void answer_fault(const struct message *m) {
    struct page_fault pf = page_fault_of(m);
    bool stack = pf.base == USER_STACK_TOP - USER_STACK_MAX &&
                 pf.size == USER_STACK_MAX - USER_STACK_SIZE;
    struct message r = {.type = stack ? MSG_PAGE_REPLY : ERR_NOT_PERMITTED};
    ipc_reply(m->src, &r);
}

/* QEMU's isa-debug-exit device: a write ends QEMU with (code << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4

/* Only for the task init started from an entry with caps := exit. */
static error_t end_machine(const struct place *p, uint64_t code) {
    if (!(p->entry->flags & BOOTFS_CAP_EXIT))
        return ERR_NOT_PERMITTED;
    printf("[init] %s ends the machine (code %lu)\n", p->entry->name, code);
    error_t err =
        io_out(startup_handle(TAG_IOPORT), DEBUG_EXIT_PORT, 1, (uint32_t) code);
    return err ? err : ERR_NOT_FOUND; /* still here: no such device */
}

void handle_request(struct message *m) {
    if (m->type == MSG_PAGE_FAULT && m->badge == PAGER_BADGE) {
        answer_fault(m);
        return;
    }
    const struct place *p = place_of_caller(m->badge, m->src);
    struct message r = {.type = msg_reply_type(m->type)};
    if (m->type == BENCHMARK_NOP_MSG) { /* for anyone: it costs us nothing */
        r.benchmark_nop_reply.value = m->benchmark_nop.value * 7;
    } else if (m->type == BENCHMARK_NOP_WITH_OOL_MSG) {
        static char answer[] = "reply!";
        r.benchmark_nop_with_ool_reply.data = answer;
        r.benchmark_nop_with_ool_reply.data_len = sizeof(answer);
    } else if (!p) {
        r.words[0] = ERR_NOT_PERMITTED;
    } else if (m->type == SUPERVISOR_RENEW_MSG) {
        renew(p, m);
        return;
    } else if (m->type == SUPERVISOR_KILL_MSG) {
        r.words[0] = end_for_operator(m->badge, m->words[0]);
    } else if (m->type == SUPERVISOR_EXIT_MSG) {
        r.words[0] = end_machine(p, m->supervisor_exit.code);

    } else {
        r.type = ERR_UNKNOWN_MESSAGE;
        r.words[0] = ERR_UNKNOWN_MESSAGE;
    }
    ipc_reply(m->src, &r); /* fails harmlessly if it was a send */
}
