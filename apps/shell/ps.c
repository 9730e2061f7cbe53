/* `ps`: who runs, who waits on whom, who can wake whom; and the words
 * for a task's state that `top` uses too. */
#include "shell.h"
#include <format.h>
#include <string.h>

static const char *wait_name(uint32_t wait) {
    switch (wait) {
    case WAIT_RECEIVE:
        return "receive-blocked";
    case WAIT_SEND:
        return "send-blocked";
    case WAIT_REPLY:
        return "reply-blocked";
    case WAIT_SLEEP:
        return "sleeping";
    }
    return "blocked";
}

const struct task_status *find_id(const struct task_status *all, int n,
                                  task_t id) {
    for (int i = 0; i < n; i++) {
        if (all[i].id == id)
            return &all[i];
    }
    return NULL;
}

static const char *name_of(const struct task_status *all, int n, task_t id) {
    const struct task_status *t = find_id(all, n, id);
    return t ? t->name : "?";
}

/* init's id: no task but the root is named init (kernel/task.c). */
task_t init_id(const struct task_status *all, int n) {
    for (int i = 0; i < n; i++) {
        if (!strcmp(all[i].name, "init") && !all[i].creator)
            return all[i].id;
    }
    return 0;
}

/* Who started it: "system" for the tasks init supervises. */
static void started_by(const struct task_status *all, int n,
                       const struct task_status *t, char *buf, size_t len) {
    if (!t->creator)
        strlcpy(buf, "kernel", len);
    else if (t->creator == init_id(all, n))
        strlcpy(buf, "system", len);
    else
        format(buf, len, "%u", t->creator);
}

/* Append ", item" (or " (woken by item" for the first) to buf. */
static void add_waker(char *buf, size_t len, bool *first, const char *item) {
    size_t used = strlen(buf);
    if (used < len)
        format(buf + used, len - used, "%s%s", *first ? " (woken by " : ", ",
               item);
    *first = false;
}

/* A receive from any sender: who can wake it, besides a message, as
 * QNX's sin shows: the tasks holding a notify handle to it, its timer,
 * its interrupt lines. */
static void woken_by(const struct task_status *all, int n,
                     const struct task_status *t, char *buf, size_t len) {
    bool first = true;
    char item[24];
    strlcpy(buf, wait_name(t->wait), len);
    for (uint32_t i = 0; i < t->num_wakers && i < TASK_WAKERS_MAX; i++)
        add_waker(buf, len, &first, name_of(all, n, t->wakers[i]));
    if (t->num_wakers > TASK_WAKERS_MAX) {
        format(item, sizeof(item), "+%u", t->num_wakers - TASK_WAKERS_MAX);
        add_waker(buf, len, &first, item);
    }
    if (t->timer_armed)
        add_waker(buf, len, &first, "timer");
    for (int line = 0; line < 32; line++) {
        format(item, sizeof(item), "irq %d", line);
        if (t->irq_lines & (1u << line))
            add_waker(buf, len, &first, item);
    }
    size_t used = strlen(buf);
    if (!first && used < len)
        format(buf + used, len - used, ")");
}

void task_state(const struct task_status *all, int n,
                const struct task_status *t, char *state, size_t len) {
    if (t->state == TASK_RUNNING)
        strlcpy(state, "running", len);
    else if (t->state == TASK_READY)
        strlcpy(state, "ready", len);
    else if (t->wait_peer)
        format(state, len, "%s on %u (%s)", wait_name(t->wait), t->wait_peer,
               name_of(all, n, t->wait_peer));
    else if (t->wait == WAIT_RECEIVE)
        woken_by(all, n, t, state, len);
    else
        strlcpy(state, wait_name(t->wait), len);
}

/* Like QNX's sin: who runs, who waits on whom; BY says who started each
 * ("system": init, which restarts it), MEM what it holds of its budget. */
void cmd_ps(struct shell *sh) {
    static struct task_status all[TASK_MAX];
    int n = task_list(sh->caps.spawn, all, TASK_MAX);
    say(sh, "%-6s %-16s %-6s %-4s %-7s %-6s %s\n", "ID", "NAME", "BY", "PRIO",
        "HANDLES", "MEM", "STATE");
    for (int i = 0; i < n; i++) {
        const struct task_status *t = &all[i];
        char state[128], by[16];
        task_state(all, n, t, state, sizeof(state));
        started_by(all, n, t, by, sizeof(by));
        char mem[16];
        format(mem, sizeof(mem), "%luK", t->mem_used / 1024);
        say(sh, "%-6u %-16s %-6s %-4u %-7u %-6s %s\n", t->id, t->name, by,
            t->priority, t->num_handles, mem, state);
    }
}
