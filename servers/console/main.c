/*
 * The console: a user-space driver for the PC's UARTs (COM1..COM4), which
 * it owns through I/O-port and IRQ handles. Input is interrupt-driven and
 * cooked: a line editor per port (resea/line.h) echoes, edits and redraws
 * the line around the output; each port has a stack of readers, the last
 * attached reading, each with its own history, and the reader is told of
 * a complete line by NOTIFY_CONSOLE_INPUT and pulls it (CONSOLE_READ_MSG).
 * A port is used only through a handle badged for it (CONSOLE_PORT_BADGE),
 * which whoever started us minted: init gives one to the shell of that
 * port, its owner, which has us mint leases of it (lease.c) for the
 * programs it runs, and revokes them when they end. A handle from a
 * lookup reaches no port. Output is all or nothing per write, and what
 * was refused is reported on the terminal (resea/tx_ring.h). The kernel
 * keeps writing its own log to COM1 directly.
 */
#include "lease.h"
#include <msgtypes.h>
#include <proto/console.h>
#include <resea/event_loop.h>
#include <resea/line.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <resea/tx_ring.h>
#include <string.h>

#define READERS_MAX 4

#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCRATCH 7
#define LSR_DATA_READY 0x01
#define LSR_TX_EMPTY 0x20
#define IER_RX 0x01
#define IER_TX 0x02 /* interrupt when the transmitter is empty */
#define MCR_DTR_RTS_OUT2 0x0b
#define UART_FIFO 16
#define CTRL_C 0x03
#define HELD_MAX 64 /* input taken while the lines queued are full */
/* A lease's handle: to call us, and to pass on at a task's creation. */
#define LEASE_HANDLE_RIGHTS (RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT)

/* Below TX_LOW_WATER any one write fits, with the line being edited
 * hidden before it and shown again after it. */
_Static_assert(TX_RING - TX_LOW_WATER >=
                   2 * (CONSOLE_WRITE_MAX + LINE_OUT_MAX) + TX_NOTICE_MAX,
               "a write fits once drained");

struct reader {
    task_t id;
    handle_t notify;
    uint64_t badge;  /* of the handle it attached through */
    bool wants_room; /* refused a write it keeps: NOTIFY_CONSOLE_WRITABLE */
    struct line_history history; /* its own: the shell's is not chat's */
};

/* A finished line, or the end of input (Ctrl-D), in the order typed. */
struct queued {
    bool eof;
    char text[CONSOLE_LINE_MAX];
};

struct port {
    uint16_t base;
    uint8_t irq;
    handle_t io;      /* 0: no UART here */
    struct line line; /* the line being edited, and the prompt */
    struct queued queued[CONSOLE_LINES_QUEUED];
    unsigned q_head, q_count;
    char held[HELD_MAX]; /* typed after them, for the editor later */
    unsigned held_count;
    struct reader readers[READERS_MAX];
    int num_readers;
    /* Output waits here for the transmitter; a terminal that stops
     * reading has its writers refused rather than stalling the others. */
    struct tx_ring tx;
};

static struct port ports[CONSOLE_PORTS] = {
    {.base = 0x3f8, .irq = 4},
    {.base = 0x2f8, .irq = 3},
    {.base = 0x3e8, .irq = 4},
    {.base = 0x2e8, .irq = 3},
};
static char write_buf[CONSOLE_WRITE_MAX];
static handle_t self; /* unbadged, to mint leases from */
/* What the editor sends for one key, and around one write. */
static struct line_out echo, before_write, after_write;
static handle_t ioports, irqs; /* from init: TAG_IOPORT, TAG_IRQ */

static uint8_t in(struct port *p, int reg) {
    return io_in(p->io, p->base + reg, 1);
}

static void out(struct port *p, int reg, uint8_t v) {
    io_out(p->io, p->base + reg, 1, v);
}

/* Interrupts wanted: input while the reader has room, output while any
 * waits. Writing 0 first makes a fresh edge if one is still pending (the
 * PIC triggers on edges and two UARTs share each line). */
static bool can_take_input(const struct port *p) {
    return p->q_count < CONSOLE_LINES_QUEUED || p->held_count < HELD_MAX;
}

static void update_ier(struct port *p) {
    uint8_t ier = (can_take_input(p) ? IER_RX : 0) | (p->tx.count ? IER_TX : 0);
    out(p, UART_IER, 0);
    out(p, UART_IER, ier);
}

/* Readers whose writes were refused and kept: there is room now. */
static void tell_writers(struct port *p) {
    for (int i = 0; i < p->num_readers; i++) {
        if (p->readers[i].wants_room)
            ipc_notify(p->readers[i].notify, NOTIFY_CONSOLE_WRITABLE);
        p->readers[i].wants_room = false;
    }
}

/* Move queued output into the UART's FIFO when it is empty. */
static void transmit(struct port *p) {
    if (!(in(p, UART_LSR) & LSR_TX_EMPTY))
        return;
    char c;
    for (int n = 0; n < UART_FIFO && tx_pop(&p->tx, &c); n++)
        out(p, UART_DATA, c);
    if (tx_drained(&p->tx))
        tell_writers(p);
}

/* Our own output (echo): what does not fit is lost, and reported. */
static void queue_text(struct port *p, const char *s, size_t len) {
    if (!tx_put(&p->tx, s, len))
        tx_lose(&p->tx, s, len);
}

static void start_output(struct port *p) {
    transmit(p);
    update_ier(p);
}

/* Take a UART we can see (its scratch register keeps what we write). */
static void probe(struct port *p) {
    p->io = handle_narrow(ioports, p->base, 8);
    if (p->io < 0) {
        p->io = 0;
        return;
    }
    out(p, UART_SCRATCH, 0x5a);
    if (in(p, UART_SCRATCH) != 0x5a) {
        handle_close(p->io);
        p->io = 0;
        return;
    }
    out(p, UART_LCR, 0x80); /* divisor latch: 115200 baud */
    out(p, UART_DATA, 1);
    out(p, UART_IER, 0);
    out(p, UART_LCR, 0x03); /* 8N1 */
    out(p, UART_FCR, 0xc7);
    out(p, UART_MCR, MCR_DTR_RTS_OUT2);
    tx_init(&p->tx);
    irq_listen(irqs, p->irq); /* two ports share a line: ours already */
    update_ier(p);
}

static struct reader *top(struct port *p) {
    return p->num_readers ? &p->readers[p->num_readers - 1] : NULL;
}

static void tell_reader(struct port *p) {
    if (p->q_count && top(p))
        ipc_notify(top(p)->notify, NOTIFY_CONSOLE_INPUT);
}

/* The top reader's history is the one up and down browse. The output
 * so far was the last reader's: a prompt it printed after type-ahead is
 * no prompt of the new one. */
static void readers_changed(struct port *p) {
    line_set_history(&p->line, top(p) ? &top(p)->history : NULL);
    line_prompt_clear(&p->line);
    tell_reader(p);
}

static void queue_line(struct port *p, bool eof) {
    struct queued *q =
        &p->queued[(p->q_head + p->q_count++) % CONSOLE_LINES_QUEUED];
    q->eof = eof;
    memcpy(q->text, p->line.buf, eof ? 1 : p->line.len + 1);
    line_reset(&p->line);
    tell_reader(p);
}

/* Ctrl-C: what was typed for the program in the foreground is dropped
 * and whoever lent it the terminal is told (the reader below the top);
 * alone, the reader is told itself (a shell whose program does not read
 * the terminal) and its prompt shows again. */
static void interrupt(struct port *p) {
    p->q_count = p->held_count = 0;
    if (p->num_readers >= 2) {
        ipc_notify(p->readers[p->num_readers - 2].notify,
                   NOTIFY_CONSOLE_INTERRUPT);
        line_prompt_clear(&p->line); /* the one below prompts anew */
    } else {
        if (top(p))
            ipc_notify(top(p)->notify, NOTIFY_CONSOLE_INTERRUPT);
        line_redraw(&p->line, &echo);
    }
}

static void got_char(struct port *p, char c) {
    echo.len = 0;
    enum line_event e = line_key(&p->line, c, &echo);
    if (e == LINE_INTERRUPT)
        interrupt(p);
    queue_text(p, echo.buf, echo.len); /* sent by receive() */
    if (e == LINE_DONE || e == LINE_EOF)
        queue_line(p, e == LINE_EOF);
}

/* A byte typed: to the editor while there is room for the line it may
 * end; else held back, but for a Ctrl-C, which drops what was typed
 * ahead with the lines queued. */
static void typed(struct port *p, char c) {
    if (p->q_count < CONSOLE_LINES_QUEUED || c == CTRL_C)
        got_char(p, c);
    else
        p->held[p->held_count++] = c;
}

static void feed_held(struct port *p) {
    unsigned n = 0;
    while (n < p->held_count && p->q_count < CONSOLE_LINES_QUEUED)
        got_char(p, p->held[n++]);
    memmove(p->held, p->held + n, p->held_count - n);
    p->held_count -= n;
}

/*
 * Take what the UART received. Flow control: while the reader has a full
 * queue of lines and HELD_MAX bytes are held after them, leave input in
 * the UART (its interrupt off), so the sender waits instead of losing
 * lines; reading a line resumes it.
 */
static void receive(struct port *p) {
    feed_held(p);
    while (can_take_input(p) && (in(p, UART_LSR) & LSR_DATA_READY))
        typed(p, in(p, UART_DATA));
    transmit(p);
    update_ier(p);
}

static void on_notify(struct event_loop *loop, uint64_t bits) {
    (void) loop;
    if (!(bits & NOTIFY_IRQ))
        return;
    for (int i = 0; i < CONSOLE_PORTS; i++) {
        if (ports[i].io)
            receive(&ports[i]);
    }
}

/* The port a request names, if it came through a handle for that port
 * (its owner's or a live lease of it), and what that handle allows. */
static error_t port_of(const struct message *m, struct port **p,
                       uint8_t *rights) {
    int mine = 0;
    error_t err = lease_check(m->badge, &mine, rights);
    uint64_t n = m->words[0];
    if (n == (uint64_t) CONSOLE_HANDLE_PORT)
        n = mine; /* 0 for a handle of no port's: refused below */
    if (n >= CONSOLE_PORTS || !ports[n].io)
        return ERR_INVALID_ARG;
    if (err || (int) n != mine)
        return ERR_NOT_PERMITTED;
    *p = &ports[n];
    return OK;
}

/* What each request needs of the handle it came through. */
static uint8_t rights_needed(int32_t type) {
    switch (type) {
    case CONSOLE_ATTACH_MSG:
    case CONSOLE_DETACH_MSG:
    case CONSOLE_READ_MSG:
        return CONSOLE_LEASE_READ;
    case CONSOLE_WRITE_MSG:
        return CONSOLE_LEASE_WRITE;
    case CONSOLE_LEND_MSG:
    case CONSOLE_REVOKE_MSG:
        return LEASE_OWNER;
    }
    return 0;
}

static bool is_reader(const struct port *p, task_t who) {
    for (int i = 0; i < p->num_readers; i++) {
        if (p->readers[i].id == who)
            return true;
    }
    return false;
}

/* The handle attach carries: one to the caller itself, to notify. */
static bool notify_handle_ok(const struct message *m) {
    struct handle_info info;
    return m->handle > 0 && handle_info(m->handle, &info) == OK &&
           info.kind == KOBJ_TASK && info.task_id == m->src &&
           (info.rights & RIGHT_NOTIFY);
}

/* A reader holds one of our handles: one place per task and port, so a
 * client holds at most CONSOLE_PORTS of them. A handle we do not take is
 * closed by the event loop. */
static error_t attach(struct port *p, struct message *m) {
    if (!notify_handle_ok(m))
        return ERR_INVALID_ARG;
    if (is_reader(p, m->src))
        return ERR_ALREADY_EXISTS;
    if (p->num_readers == READERS_MAX)
        return ERR_FULL;
    error_t err = task_watch(m->handle); /* else its death goes unseen */
    if (err)
        return err;
    struct reader *r = &p->readers[p->num_readers++];
    r->id = m->src;
    r->notify = msg_take_handle(m);
    r->badge = m->badge;
    r->wants_room = false;
    r->history.len = 0;
    readers_changed(p);
    return OK;
}

static void remove_reader(struct port *p, int i) {
    handle_close(p->readers[i].notify);
    memmove(&p->readers[i], &p->readers[i + 1],
            (p->num_readers - i - 1) * sizeof(p->readers[0]));
    p->num_readers--;
    readers_changed(p); /* the one below may have lines waiting */
}

static error_t detach(struct port *p, task_t who) {
    for (int i = p->num_readers - 1; i >= 0; i--) {
        if (p->readers[i].id == who) {
            remove_reader(p, i);
            return OK;
        }
    }
    return ERR_NOT_FOUND;
}

static void taken(struct port *p) {
    p->q_head = (p->q_head + 1) % CONSOLE_LINES_QUEUED;
    p->q_count--;
    receive(p); /* room again: take what waited in the UART */
}

static void read_line(struct port *p, struct message *m) {
    struct message r = {.type = CONSOLE_READ_REPLY_MSG};
    if (!top(p) || top(p)->id != m->src) {
        r.words[0] = ERR_NOT_PERMITTED;
    } else if (!p->q_count) {
        r.words[0] = ERR_EMPTY;
    } else if (p->queued[p->q_head].eof) {
        r.words[0] = ERR_EOF;
        if (ipc_reply(m->src, &r) == OK)
            taken(p);
        return;
    } else {
        const char *line = p->queued[p->q_head].text;
        r.type |= MSG_OOL;
        r.ool_ptr = (uint64_t) line;
        r.ool_len = strlen(line);
        /* A reader gone, or one whose buffer is too small (its call ends
         * with ERR_TOO_LARGE), leaves the line queued. */
        if (ipc_reply(m->src, &r) == OK)
            taken(p);
        return;
    }
    ipc_reply(m->src, &r);
}

static struct reader *reader_of(struct port *p, task_t who) {
    for (int i = 0; i < p->num_readers; i++) {
        if (p->readers[i].id == who)
            return &p->readers[i];
    }
    return NULL;
}

/* Program output, with the line being edited hidden before it and the
 * prompt and the line shown again after it (resea/line.h, line_output):
 * all of it is queued, or none and the editor is as it was. */
static bool put_output(struct port *p, task_t writer, const char *text,
                       size_t len) {
    static struct line saved;
    static char all[2 * LINE_OUT_MAX + CONSOLE_WRITE_MAX];
    saved = p->line;
    before_write.len = after_write.len = 0;
    line_output(&p->line, writer, text, len, &before_write, &after_write);
    size_t n = before_write.len;
    memcpy(all, before_write.buf, n);
    memcpy(all + n, text, len);
    memcpy(all + n + len, after_write.buf, after_write.len);
    if (tx_put(&p->tx, all, n + len + after_write.len))
        return true;
    p->line = saved;
    return false;
}

/* All or nothing; a writer that keeps its text is not counted, and is
 * told when there is room again if it is a reader (it has given us a
 * handle to notify). */
static error_t write_text(struct port *p, const struct message *m) {
    uint64_t flags = m->words[1];
    if (!(m->type & MSG_OOL) || (flags & ~(uint64_t) CONSOLE_WRITE_KEEP))
        return ERR_INVALID_ARG;
    const char *text = (const char *) m->ool_ptr;
    if (m->ool_len > CONSOLE_WRITE_MAX)
        return ERR_TOO_LARGE; /* our buffer holds no more */
    bool queued = put_output(p, m->src, text, m->ool_len);
    start_output(p);
    if (queued)
        return OK;
    struct reader *r = reader_of(p, m->src);
    if (!(flags & CONSOLE_WRITE_KEEP))
        tx_lose(&p->tx, text, m->ool_len);
    else if (r)
        r->wants_room = true;
    return ERR_FULL;
}

/* A new handle to us, badged for a lease of p, moved to the caller. */
static void lend(struct port *p, struct message *m) {
    uint64_t rights = m->words[1];
    struct message r = {.type = CONSOLE_LEND_REPLY_MSG};
    uint64_t badge = 0;
    error_t err = ERR_INVALID_ARG;
    if (rights &&
        !(rights & ~(uint64_t) (CONSOLE_LEASE_READ | CONSOLE_LEASE_WRITE)))
        err = lease_new(p - ports, rights, &badge);
    handle_t h = err ? err : handle_dup(self, LEASE_HANDLE_RIGHTS, badge);
    if (h < 0) {
        if (!err)
            lease_end(p - ports, badge);
        r.words[0] = h;
        ipc_reply(m->src, &r);
        return;
    }
    r.type |= MSG_HANDLE_MOVE;
    r.handle = h;
    r.words[1] = badge;
    if (ipc_reply(m->src, &r) != OK) { /* the caller took nothing */
        handle_close(h);
        lease_end(p - ports, badge);
    }
}

/* Readers that attached through a lease stop reading when it ends. */
static void drop_readers_of(struct port *p, uint64_t badge) {
    for (int i = p->num_readers - 1; i >= 0; i--) {
        if (p->readers[i].badge == badge)
            remove_reader(p, i);
    }
}

static error_t revoke_one(struct port *p, uint64_t badge) {
    error_t err = lease_end(p - ports, badge);
    if (!err)
        drop_readers_of(p, badge);
    return err;
}

static error_t revoke(struct port *p, uint64_t which) {
    if (which != CONSOLE_LEASE_ALL)
        return revoke_one(p, which);
    for (int i = 0; i < CONSOLE_LEASES; i++) {
        uint64_t badge = lease_badge(p - ports, i);
        if (badge)
            revoke_one(p, badge);
    }
    return OK;
}

static void status(struct port *p, struct message *r) {
    r->words[1] = p->tx.count;
    r->words[2] = p->tx.lost;
    r->words[3] = TX_RING;
}

static void on_request(struct event_loop *loop, struct message *m) {
    (void) loop;
    struct port *p = NULL;
    uint8_t rights = 0;
    error_t err = port_of(m, &p, &rights);
    if (!err && (rights_needed(m->type) & ~rights))
        err = ERR_NOT_PERMITTED;
    struct message r = {.type = msg_reply_type(m->type)};
    if (m->type == CONSOLE_READ_MSG && !err) {
        read_line(p, m);
        return;
    }
    if (m->type == CONSOLE_LEND_MSG && !err) {
        lend(p, m);
        return;
    }
    if (err) {
        r.words[0] = err;
    } else if (m->type == CONSOLE_ATTACH_MSG) {
        r.words[0] = attach(p, m);
    } else if (m->type == CONSOLE_DETACH_MSG) {
        r.words[0] = detach(p, m->src);
    } else if (m->type == CONSOLE_WRITE_MSG) {
        r.words[0] = write_text(p, m);
    } else if (m->type == CONSOLE_REVOKE_MSG) {
        r.words[0] = revoke(p, m->words[1]);
    } else if (m->type == CONSOLE_STATUS_MSG) {
        status(p, &r);
    } else {
        r.type = ERR_UNKNOWN_MESSAGE;
        r.words[0] = ERR_UNKNOWN_MESSAGE;
    }
    ipc_reply(m->src, &r);
}

/* Readers that ended stop reading; the one below takes over. */
static void on_death(struct event_loop *loop) {
    (void) loop;
    for (int i = 0; i < CONSOLE_PORTS; i++) {
        for (int j = ports[i].num_readers - 1; j >= 0; j--) {
            struct handle_info info;
            if (handle_info(ports[i].readers[j].notify, &info) != OK ||
                !info.task_alive)
                remove_reader(&ports[i], j);
        }
    }
}

int main(void) {
    ioports = startup_handle(TAG_IOPORT);
    irqs = startup_handle(TAG_IRQ);
    for (int i = 0; i < CONSOLE_PORTS; i++)
        probe(&ports[i]);
    ipc_ool_buffer(write_buf, sizeof(write_buf));
    self = task_self();
    error_t err = ipc_serve(CONSOLE_NAME);
    if (err) {
        printf("[console] cannot register: %s\n", err_str(err));
        return err;
    }
    /* Attach carries a handle; the loop closes any we do not keep. */
    struct event_loop loop = {.on_request = on_request,
                              .on_notify = on_notify,
                              .on_death = on_death,
                              .accept_handles = true};
    return event_loop_run(&loop);
}
