/*
 * `top [N]`: the tasks, redrawn every second: what each does (in the words
 * of `ps`), its share of the CPU and the IPC calls it made over the last
 * interval, and its CPU time in all. N refreshes, or until Ctrl-C or a
 * line typed (Enter). The figures are differences of two task lists
 * (cpu_ticks, ipc_calls): a task that started in between counts from 0,
 * one that ended drops out.
 */
#include "shell.h"
#include <format.h>
#include <proto/console.h>
#include <resea/ipc.h>
#include <string.h>

#define PERIOD_MS 1000
#define FOREVER UINT64_MAX
#define TOP_REFRESHES_MAX 100000 /* `top N`: N at most this */
#define STATE_COLUMNS 30         /* what is left of 80 after the figures */
/* Home the cursor and clear the screen: one table on the terminal. */
#define CLEAR "\x1b[H\x1b[2J"

struct sample {
    struct task_status tasks[TASK_MAX];
    int n;
    uint64_t ms; /* uptime when taken */
};

/* One interval's figures for a task. */
struct row {
    const struct task_status *t;
    uint64_t cpu_permille; /* of the interval */
    uint64_t ipc_per_s;
};

/* Output gathered into writes the console takes whole. */
struct out {
    struct shell *sh;
    char buf[CONSOLE_WRITE_MAX];
    size_t len;
};

/* A terminal that stops reading misses refreshes, not counted as lost
 * characters: the next one draws the whole table again. */
static void flush(struct out *o) {
    if (o->len)
        console_write_keep(o->sh->console, o->sh->port, o->buf, o->len);
    o->len = 0;
}

static void put_line(struct out *o, const char *line) {
    size_t n = strlen(line);
    if (o->len + n > sizeof(o->buf))
        flush(o);
    memcpy(o->buf + o->len, line, n);
    o->len += n;
}

static void take(struct shell *sh, struct sample *s) {
    s->n = task_list(sh->caps.spawn, s->tasks, TASK_MAX);
    s->ms = uptime_ms();
    if (s->n < 0)
        s->n = 0;
}

static struct row figures(const struct sample *before,
                          const struct task_status *t, uint64_t ms) {
    const struct task_status *was = find_id(before->tasks, before->n, t->id);
    uint64_t ticks = t->cpu_ticks - (was ? was->cpu_ticks : 0);
    uint64_t calls = t->ipc_calls - (was ? was->ipc_calls : 0);
    uint64_t interval_ticks = ms * TASK_TICKS_PER_SECOND / 1000;
    return (struct row){.t = t,
                        .cpu_permille =
                            interval_ticks ? ticks * 1000 / interval_ticks : 0,
                        .ipc_per_s = ms ? calls * 1000 / ms : 0};
}

static bool busier(const struct row *a, const struct row *b) {
    if (a->cpu_permille != b->cpu_permille)
        return a->cpu_permille > b->cpu_permille;
    if (a->ipc_per_s != b->ipc_per_s)
        return a->ipc_per_s > b->ipc_per_s;
    return a->t->id < b->t->id;
}

static void sort_rows(struct row *rows, int n) {
    for (int i = 1; i < n; i++) {
        struct row r = rows[i];
        int j = i;
        for (; j > 0 && busier(&r, &rows[j - 1]); j--)
            rows[j] = rows[j - 1];
        rows[j] = r;
    }
}

static void header(struct out *o, const struct sample *now, uint64_t ms,
                   uint64_t refresh, uint64_t refreshes) {
    char line[160], count[32] = "";
    struct sysinfo si = {0};
    sys_sysinfo(o->sh->caps.spawn, &si);
    if (refreshes != FOREVER)
        format(count, sizeof(count), " %lu of %lu,", refresh, refreshes);
    format(line, sizeof(line),
           "top: up %lu.%01lu s, %d tasks, %lu of %lu pages free; the last "
           "%lu ms,%s Ctrl-C or Enter stops\n",
           now->ms / 1000, now->ms % 1000 / 100, now->n, si.free_pages,
           si.total_pages, ms, count);
    put_line(o, line);
    format(line, sizeof(line), "%-6s %-16s %6s %7s %8s %s\n", "ID", "NAME",
           "CPU%", "IPC/s", "CPU TIME", "STATE");
    put_line(o, line);
}

static void draw(struct shell *sh, const struct sample *before,
                 const struct sample *now, uint64_t refresh,
                 uint64_t refreshes) {
    static struct row rows[TASK_MAX];
    static struct out o;
    uint64_t ms = now->ms - before->ms;
    o = (struct out){.sh = sh};
    for (int i = 0; i < now->n; i++)
        rows[i] = figures(before, &now->tasks[i], ms);
    sort_rows(rows, now->n);
    put_line(&o, CLEAR);
    header(&o, now, ms, refresh, refreshes);
    for (int i = 0; i < now->n; i++) {
        const struct row *r = &rows[i];
        char state[128], line[160];
        task_state(now->tasks, now->n, r->t, state, sizeof(state));
        if (strlen(state) > STATE_COLUMNS) /* cut, and say so */
            strlcpy(state + STATE_COLUMNS - 3, "...", 4);
        uint64_t cs = r->t->cpu_ticks * 100 / TASK_TICKS_PER_SECOND;
        format(line, sizeof(line), "%-6u %-16s %4lu.%01lu %7lu %5lu.%02lu %s\n",
               r->t->id, r->t->name, r->cpu_permille / 10, r->cpu_permille % 10,
               r->ipc_per_s, cs / 100, cs % 100, state);
        put_line(&o, line);
    }
    flush(&o);
}

/* Wait ms, unless the user stops us: Ctrl-C, or a line typed (taken).
 * Deaths of our programs and servers are seen to meanwhile. */
static bool stopped_within(struct shell *sh, uint64_t ms) {
    uint64_t deadline = uptime_ms() + ms;
    for (uint64_t now; (now = uptime_ms()) < deadline;) {
        struct message m;
        if (ipc_recv_timeout(IPC_ANY, &m, deadline - now) != OK ||
            m.type != MSG_NOTIFICATIONS)
            continue;
        uint64_t bits = m.notifications.bits;
        if (bits & NOTIFY_DEATH)
            shell_handle_deaths(sh);
        if (bits & NOTIFY_CONSOLE_INTERRUPT)
            return true;
        static char line[CONSOLE_LINE_MAX];
        int n = (bits & NOTIFY_CONSOLE_INPUT)
                    ? console_read(sh->console, sh->port, line, sizeof(line))
                    : ERR_EMPTY;
        if (n >= 0 || n == ERR_EOF)
            return true;
    }
    return false;
}

/* N of `top N`: 1 to TOP_REFRESHES_MAX, else 0; no N: FOREVER. */
static uint64_t refreshes_of(const char *count) {
    uint64_t n = 0;
    if (!count)
        return FOREVER;
    for (const char *p = count; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        n = n * 10 + (uint64_t) (*p - '0');
        if (n > TOP_REFRESHES_MAX)
            return 0;
    }
    return n;
}

void cmd_top(struct shell *sh, const char *count) {
    static struct sample samples[2];
    uint64_t refreshes = refreshes_of(count);
    if (!refreshes) {
        say(sh, "usage: top [refreshes]\n");
        return;
    }
    struct sample *before = &samples[0], *now = &samples[1];
    take(sh, before);
    for (uint64_t i = 1; i <= refreshes; i++) {
        if (stopped_within(sh, PERIOD_MS))
            break;
        take(sh, now);
        draw(sh, before, now, i, refreshes);
        struct sample *t = before;
        before = now;
        now = t;
    }
}
