/*
 * Synchronous IPC.
 *
 * A sender either finds its receiver waiting (the message goes straight
 * into the receiver's buffer) or queues in the receiver's `senders` list,
 * ordered by priority, and the receiver pulls the message when it next
 * receives. A call then waits in the receiver's `reply_waiters` until the
 * receiver replies; meanwhile the receiver runs at least at the caller's
 * priority. Messages are copied between address spaces by the kernel and
 * never buffered in it: a blocked sender's message stays in its memory.
 *
 * Every transfer is checked in full before anything moves, so a message
 * either arrives whole (data, out-of-line bytes, handle) or not at all.
 */
#include "ipc.h"
#include "arch.h"
#include "handle.h"
#include "printk.h"
#include "sched.h"
#include "timeout.h"
#include "ktrace.h"
#include "usercopy.h"

void ipc_task_init(struct task *t) {
    list_init(&t->senders);
    list_init(&t->reply_waiters);
    list_init(&t->ipc_node);
}

static bool is_waiting(const struct task *t, enum block_reason why) {
    return t->state == TASK_STATE_BLOCKED && t->block_reason == why;
}

static bool accepts(const struct task *receiver, const struct task *sender) {
    return is_waiting(receiver, BLOCK_RECV) &&
           (receiver->recv_from == IPC_ANY ||
            receiver->recv_from == sender->id);
}

/* End a wait with `result`. */
static void finish_wait(struct task *t, error_t result) {
    if (list_linked(&t->ipc_node))
        list_remove(&t->ipc_node);
    t->ipc_result = result;
    sched_wake(t);
}

/*
 * Check the caller's message buffer once per system call. When it lies in
 * one page (the usual case) keep a kernel pointer to it: while the task
 * waits, peers read and write its message with no page-table walk. Pages
 * are never unmapped from a live task, so the pointer stays good.
 */
static error_t bind_buffer(struct message __user *um, bool write) {
    uint64_t addr = (uint64_t) um;
    /* A server loop or a client passes the same buffer every time. */
    if (um == current->ipc_buf && current->ipc_kbuf &&
        (current->ipc_kbuf_writable || !write))
        return OK;
    current->ipc_buf = um;
    current->ipc_kbuf = NULL;
    if ((addr & (PAGE_SIZE - 1)) <= PAGE_SIZE - sizeof(*um)) {
        uint64_t paddr = vm_user_lookup(current->arch.pml4, addr, write);
        if (!paddr)
            return ERR_BAD_POINTER;
        current->ipc_kbuf = PADDR2PTR(paddr);
        current->ipc_kbuf_writable = write;
        return OK;
    }
    return user_range_ok(um, sizeof(*um), write) ? OK : ERR_BAD_POINTER;
}

/* The bytes of a message that travel: the header and the data its type
 * says it uses, in whole words (the buffers are whole messages). */
static inline uint32_t msg_size(int32_t type) {
    if (type < 0)
        return MSG_HEADER_SIZE; /* an error: no data */
    return MSG_HEADER_SIZE + ((MSG_LEN(type) + 7) & ~7u);
}

/*
 * A message's data, four words at a time: short messages are the common
 * case, and this beats the call and set-up of memcpy's `rep movsq` for
 * them. n is in words, and may be rounded up to four: both buffers are
 * whole messages.
 */
__attribute__((always_inline)) static inline void
copy_words(uint64_t *dst, const uint64_t *src, uint32_t n) {
    for (uint32_t i = 0; i < n; i += 4) {
        uint64_t a = src[i], b = src[i + 1], c = src[i + 2], d = src[i + 3];
        dst[i] = a;
        dst[i + 1] = b;
        dst[i + 2] = c;
        dst[i + 3] = d;
        __asm__("" : : "r"(dst) : "memory"); /* not to become memcpy */
    }
}

static void msg_read(const struct task *t, struct message *m) {
    if (t->ipc_kbuf)
        *m = *t->ipc_kbuf;
    else
        ASSERT(copy_from_space(t->arch.pml4, m, t->ipc_buf, sizeof(*m)) == OK);
}

static void msg_write(struct task *t, const struct message *m) {
    uint32_t size = msg_size(m->type);
    if (t->ipc_kbuf)
        __builtin_memcpy(t->ipc_kbuf, m, size);
    else
        ASSERT(copy_to_space(t->arch.pml4, t->ipc_buf, m, size) == OK);
}

/* Would `t` waiting on `target` close a cycle of waits? */
static bool would_deadlock(const struct task *t, const struct task *target) {
    for (int i = 0; i < TASK_MAX && target; i++) {
        if (target == t)
            return true;
        if (!is_waiting(target, BLOCK_SEND) && !is_waiting(target, BLOCK_REPLY))
            return false;
        target = target->ipc_peer;
    }
    return false;
}

/* Client-driven priority: a server runs at least at the priority of the
 * callers it owes a reply and of the senders waiting for it, so a busy
 * low-priority server does not keep an urgent client waiting behind
 * medium-priority work (priority inversion). The senders queue is sorted:
 * its first entry is its most urgent. */
__attribute__((always_inline)) static inline void
update_server_priority(struct task *server) {
    int prio = server->base_priority;
    struct list *it;
    list_for_each(it, &server->reply_waiters) {
        struct task *c = container_of(it, struct task, ipc_node);
        if (c->priority > prio)
            prio = c->priority;
    }
    if (!list_empty(&server->senders)) {
        struct task *s =
            container_of(server->senders.next, struct task, ipc_node);
        if (s->priority > prio)
            prio = s->priority;
    }
    if (prio != server->priority)
        sched_set_priority(server, prio);
}

/* The caller's deadline, if any, is its own business: see pull(). */
__attribute__((always_inline)) static inline void
wait_for_reply(struct task *caller, struct task *server) {
    caller->block_reason = BLOCK_REPLY;
    caller->ipc_peer = server;
    list_push_back(&server->reply_waiters, &caller->ipc_node);
    update_server_priority(server);
}

#define TYPE_RESERVED (1 << 30)
/* The sender's out-of-line bytes: no more than IPC_OOL_MAX, readable. */
__attribute__((always_inline)) static inline error_t
ool_source_ok(struct task *sender, const struct message *m, uint64_t len) {
    if (len > IPC_OOL_MAX)
        return ERR_TOO_LARGE;
    if (!space_range_ok(sender->arch.pml4, (void __user *) m->ool_ptr, len,
                        false))
        return ERR_BAD_POINTER;
    return OK;
}

/* The handle and out-of-line bytes a message carries, checked. */
__attribute__((always_inline)) static inline error_t
check_attachments(struct task *sender, const struct message *m,
                  struct handle **h, uint32_t *ool_len) {
    int32_t type = m->type;
    if (((type & MSG_OOL_STR) && !(type & MSG_OOL)) ||
        (type & MSG_HANDLE_MOVE && type & MSG_HANDLE_COPY))
        return ERR_INVALID_ARG;
    if ((type & (MSG_HANDLE_MOVE | MSG_HANDLE_COPY)) && m->handle != 0) {
        error_t err;
        uint32_t rights = (type & MSG_HANDLE_COPY) ? RIGHT_GRANT : 0;
        if (!(*h = handle_get(sender, m->handle, KOBJ_ANY, rights, &err)))
            return err;
    }
    if (!(type & MSG_OOL))
        return OK;
    uint64_t len = m->ool_len;
    if (type & MSG_OOL_STR) { /* measured here: the NUL travels too */
        int64_t n = space_strnlen(
            sender->arch.pml4, (const char __user *) m->ool_ptr, IPC_OOL_MAX);
        if (n < 0)
            return (error_t) n;
        len = (uint64_t) n + 1;
    }
    error_t err = ool_source_ok(sender, m, len);
    *ool_len = (uint32_t) len;
    return err;
}

/*
 * Everything about a message that can be checked on the sender's side.
 * Only what its type names is read: fields it does not name may hold
 * anything. A type the kernel cannot act on is refused: a reserved bit, a
 * length without MSG_SIZED or past the data, a string not out of line,
 * both ways of passing a handle. Errors (negative) are header only.
 */
__attribute__((always_inline)) static inline error_t
check_outgoing(struct task *sender, const struct message *m, struct handle **h,
               uint32_t *ool_len) {
    int32_t type = m->type;
    *h = NULL;
    *ool_len = 0;
    if (type < 0)
        return OK;
    uint32_t len_limit =
        (type & MSG_SIZED) ? (uint32_t) MSG_DATA_SIZE << MSG_LEN_SHIFT : 0;
    if (((uint32_t) type & MSG_LEN_MASK) > len_limit || (type & TYPE_RESERVED))
        return ERR_INVALID_ARG;
    if (__builtin_expect(!(type & MSG_ATTRS), 1))
        return OK;
    return check_attachments(sender, m, h, ool_len);
}

/* The message in t's buffer: in place when bound, else copied to *tmp. */
static const struct message *msg_peek(const struct task *t,
                                      struct message *tmp) {
    if (t->ipc_kbuf)
        return t->ipc_kbuf;
    msg_read(t, tmp);
    return tmp;
}

/*
 * The receiver has no room for a message (a handle slot, out-of-line
 * space), or does not take a handle in this receive. A sender can send
 * something else; but a caller waiting for this reply could never take
 * it, so its call ends with the same error. Out of line: inlined, it
 * lengthens every transfer.
 */
__attribute__((noinline)) static error_t no_room(struct task *receiver,
                                                 error_t err) {
    if (is_waiting(receiver, BLOCK_REPLY)) {
        finish_wait(receiver, err);
        update_server_priority(current); /* the replier */
    }
    return err;
}

/* A handle arrives only where the receive asked for one (IPC_ACCEPT_HANDLE),
 * so nobody is handed handles it would have to close, and only where a
 * slot is free. Out of line: only messages with a handle get here. */
__attribute__((noinline)) static error_t handle_room(struct task *receiver) {
    if (!(receiver->ipc_flags & IPC_ACCEPT_HANDLE))
        return ERR_HANDLE_REFUSED;
    return handle_free_slots(receiver) ? OK : ERR_FULL;
}

/* A message moved (nothing without CONFIG_TRACE): a reply if the
 * receiver waits for one, else a call's request or a plain send. */
static void trace_transfer(const struct task *sender,
                           const struct task *receiver, const struct message *m,
                           const struct handle *h, uint32_t ool_len) {
    enum trace_kind kind = is_waiting(receiver, BLOCK_REPLY) ? TRACE_REPLY
                           : (sender->ipc_flags & IPC_RECV)  ? TRACE_CALL
                                                             : TRACE_SEND;
    uint32_t attrs = m->type < 0 ? 0 : (uint32_t) m->type & MSG_ATTRS;
    trace_record(kind, sender->id, receiver->id, (uint32_t) m->type, ool_len,
                 attrs);
    if (h)
        trace_record(TRACE_HANDLE, sender->id, receiver->id, h->kind, h->rights,
                     (m->type & MSG_HANDLE_MOVE) != 0);
}

/* The message as the receiver sees it: the type and the data it uses,
 * then the header the kernel fills (after any out-of-line bytes, which
 * must not stand in for src and badge). */
__attribute__((always_inline)) static inline void
deliver(struct message *out, const struct message *m, int32_t type,
        const struct task *sender, uint64_t badge, uint32_t ool_len,
        uint64_t landed) {
    out->type = type;
    copy_words(out->words, m->words,
               (msg_size(type) - MSG_HEADER_SIZE) / sizeof(uint64_t));
    out->src = sender->id;
    out->badge = badge;
    out->handle = 0;
    out->ool_len = ool_len;
    out->ool_ptr = landed;
}

/* Copy checked out-of-line bytes into the receiver's buffer, or the one a
 * caller waiting for this reply named; where they landed in *landed. */
__attribute__((always_inline)) static inline error_t
move_ool(struct task *sender, struct task *receiver, const struct message *m,
         uint32_t len, uint64_t *landed) {
    bool to_reply_buf =
        is_waiting(receiver, BLOCK_REPLY) && receiver->reply_ool_cap;
    uint64_t dst = to_reply_buf ? receiver->reply_ool_buf : receiver->ool_buf;
    uint32_t cap = to_reply_buf ? receiver->reply_ool_cap : receiver->ool_cap;
    if (len > cap)
        return no_room(receiver, ERR_TOO_LARGE);
    error_t err =
        copy_between_spaces(receiver->arch.pml4, (void __user *) dst,
                            sender->arch.pml4, (void __user *) m->ool_ptr, len);
    /* The sender's range was checked just now; the receiver's when it
     * registered it, and it may have unmapped it since (vm_unmap). */
    if (err)
        return no_room(receiver, err);
    *landed = dst;
    return OK;
}

/*
 * Move the message in the sender's buffer into the waiting receiver's
 * buffer, with its out-of-line bytes and handle. The common case copies
 * the header and the data the type uses from one bound buffer to the
 * other, and nothing else.
 */
__attribute__((noinline)) static error_t
transfer_any(struct task *sender, struct task *receiver, uint64_t badge) {
    struct message in_tmp, out_tmp;
    const struct message *m = msg_peek(sender, &in_tmp);
    struct handle *h;
    uint32_t ool_len;
    error_t err = check_outgoing(sender, m, &h, &ool_len);
    if (err)
        return err;
    if (h && (err = handle_room(receiver)))
        return no_room(receiver, err);
    bool ool = m->type >= 0 && (m->type & MSG_OOL);
    uint64_t landed = 0;
    if (ool && (err = move_ool(sender, receiver, m, ool_len, &landed)))
        return err;
    /* The header after the data: out-of-line bytes landing on the
     * receiver's message buffer must not stand in for src and badge. */
    struct message *out = receiver->ipc_kbuf ? receiver->ipc_kbuf : &out_tmp;
    deliver(out, m, m->type, sender, badge, ool_len, landed);
    trace_transfer(sender, receiver, m, h, ool_len);
    if (h) {
        out->handle = handle_install(receiver, h);
        if (m->type & MSG_HANDLE_MOVE)
            handle_close(sender, m->handle);
    }
    if (out == &out_tmp)
        msg_write(receiver, out);
    return OK;
}

/* Out-of-line bytes of the straight path: out of it, to keep it short. */
__attribute__((noinline)) static error_t plain_ool(struct task *sender,
                                                   struct task *receiver,
                                                   const struct message *m,
                                                   uint64_t *landed) {
    error_t err = ool_source_ok(sender, m, m->ool_len);
    return err ? err : move_ool(sender, receiver, m, m->ool_len, landed);
}

/* The common case straight: both buffers bound, a type with inline data
 * and perhaps plain out-of-line bytes. Everything else (a handle, a
 * string, an unbound buffer) and every refusal of the type goes the
 * whole way. */
__attribute__((always_inline)) static inline error_t
transfer(struct task *sender, struct task *receiver, uint64_t badge) {
    const struct message *m = sender->ipc_kbuf;
    struct message *out = receiver->ipc_kbuf;
    int32_t type = m ? m->type : -1;
    uint32_t len_limit =
        (type & MSG_SIZED) ? (uint32_t) MSG_DATA_SIZE << MSG_LEN_SHIFT : 0;
    if (__builtin_expect(!out || type < 0 || (type & (MSG_ATTRS & ~MSG_OOL)) ||
                             (type & TYPE_RESERVED) ||
                             ((uint32_t) type & MSG_LEN_MASK) > len_limit,
                         0))
        return transfer_any(sender, receiver, badge);
    uint32_t ool_len = 0;
    uint64_t landed = 0;
    if (type & MSG_OOL) {
        ool_len = m->ool_len;
        error_t err = plain_ool(sender, receiver, m, &landed);
        if (err)
            return err;
    }
    deliver(out, m, type, sender, badge, ool_len, landed);
    trace_transfer(sender, receiver, m, NULL, ool_len);
    return OK;
}

/* A call with IPC_REPLY_BUF: check the caller's buffer for the reply's
 * out-of-line data now, while the caller is current. */
static error_t bind_reply_buffer(uint32_t flags) {
    current->reply_ool_cap = 0;
    if (!(flags & IPC_REPLY_BUF))
        return OK;
    struct message tmp;
    const struct message *m = msg_peek(current, &tmp);
    if (m->type >= 0 && (m->type & MSG_OOL))
        return ERR_INVALID_ARG; /* ool_ptr and ool_len are the request's */
    if (m->ool_len > IPC_OOL_MAX)
        return ERR_TOO_LARGE;
    if (!user_range_ok((void __user *) m->ool_ptr, m->ool_len, true))
        return ERR_BAD_POINTER;
    current->reply_ool_buf = m->ool_ptr;
    current->reply_ool_cap = m->ool_len;
    return OK;
}

static void enqueue_sender(struct task *receiver, struct task *sender) {
    struct list *it;
    list_for_each(it, &receiver->senders) {
        if (container_of(it, struct task, ipc_node)->priority <
            sender->priority)
            break;
    }
    list_insert_between(&sender->ipc_node, it->prev, it);
}

/* Send the bound message to target, with the badge of the handle used. */
__attribute__((always_inline)) static inline error_t
send_to(struct task *target, uint64_t badge, uint32_t flags, int64_t timeout) {
    error_t err;
    bool call = flags & IPC_RECV;
    if (target->state == TASK_STATE_DEAD)
        return ERR_ABORTED;
    if (would_deadlock(current, target))
        return ERR_DEADLOCK;
    if (call && (err = bind_reply_buffer(flags)))
        return err;
    if (accepts(target, current)) {
        if ((err = transfer(current, target, badge)))
            return err;
        target->ipc_result = OK;
        if (!call) {
            sched_wake(target);
            return OK;
        }
        /* The fast path of a call: straight to the server, no queues. */
        current->ipc_result = IPC_PENDING;
        wait_for_reply(current, target);
        int64_t wait = IPC_FOREVER; /* the timeout covered the send */
        if (__builtin_expect(flags & IPC_BOUNDED, 0))
            wait = timeout;
        sched_block_switch(current, BLOCK_REPLY, (uint64_t) wait, target);
        return current->ipc_result;
    }

    struct message tmp;
    struct handle *unused;
    uint32_t unused_len;
    if ((err = check_outgoing(current, msg_peek(current, &tmp), &unused,
                              &unused_len)))
        return err;
    if (timeout == IPC_POLL)
        return ERR_WOULD_BLOCK;
    current->send_badge = badge;
    current->ipc_peer = target;
    current->ipc_result = IPC_PENDING;
    enqueue_sender(target, current);
    update_server_priority(target);
    sched_block(current, BLOCK_SEND, (uint64_t) timeout);
    return current->ipc_result; /* for a call: the reply's result */
}

static error_t send(handle_t dst, uint32_t flags, int64_t timeout) {
    error_t err;
    struct handle *h =
        handle_get(current, dst, KOBJ_TASK,
                   (flags & IPC_RECV) ? RIGHT_CALL : RIGHT_SEND, &err);
    if (!h)
        return err;
    return send_to(h->task, h->badge, flags, timeout);
}

error_t ipc_kernel_call(struct task *target, uint64_t badge,
                        struct message *m) {
    uint32_t ool_cap = current->ool_cap;
    current->ipc_buf = NULL;
    current->ipc_kbuf = m;
    current->ipc_kbuf_writable = true;
    current->ool_cap = 0; /* the reply can carry no out-of-line data */
    current->ipc_flags = IPC_CALL | IPC_ACCEPT_HANDLE;
    error_t err = send_to(target, badge, IPC_CALL, IPC_FOREVER);
    current->ool_cap = ool_cap;
    current->ipc_kbuf = NULL; /* m is on our kernel stack */
    return err;
}

/* Take the message of a queued sender. */
static error_t pull(struct task *s) {
    list_remove(&s->ipc_node);
    update_server_priority(current);
    error_t err = transfer(s, current, s->send_badge);
    if (err) {
        s->ipc_result = err; /* the sender's mistake: it hears of it */
        sched_wake(s);
        return err;
    }
    if (s->ipc_flags & IPC_RECV) {
        /* A call's timeout covers the send only, unless it is bounded:
         * then the same deadline ends the wait for our reply. */
        if (!(s->ipc_flags & IPC_BOUNDED))
            timeout_cancel(s);
        wait_for_reply(s, current);
    } else {
        finish_wait(s, OK);
    }
    return OK;
}

static struct task *find_sender(task_t src) {
    struct list *it;
    list_for_each(it, &current->senders) {
        struct task *s = container_of(it, struct task, ipc_node);
        if (src == IPC_ANY || s->id == src)
            return s;
    }
    return NULL;
}

static error_t deliver_notifications(void) {
    struct message m;
    m.type = MSG_NOTIFICATIONS;
    m.src = 0;
    m.badge = 0;
    m.handle = 0;
    m.ool_len = 0;
    m.ool_ptr = 0;
    m.notifications.bits = current->notifications;
    msg_write(current, &m);
    current->notifications = 0;
    return OK;
}

/* A receive that needs no waiting: IPC_PENDING when it must wait. */
static error_t try_recv(task_t src, int64_t timeout) {
    struct task *peer = NULL;
    if (src != IPC_ANY) {
        peer = task_lookup(src);
        if (!peer || peer->state == TASK_STATE_DEAD)
            return ERR_ABORTED; /* waiting for a task that is gone */
    }
    for (;;) {
        struct task *s;
        if (src == IPC_ANY && current->notifications)
            return deliver_notifications();
        if ((s = find_sender(src))) {
            if (pull(s) == OK)
                return OK;
            continue; /* that sender's message was bad: try the next */
        }
        /* Waiting for a task that waits (maybe through others) on us. */
        if (peer && would_deadlock(current, peer))
            return ERR_DEADLOCK;
        return timeout == IPC_POLL ? ERR_WOULD_BLOCK : IPC_PENDING;
    }
}

/*
 * Receive into the bound buffer. `replied` is a caller we have just
 * answered and not yet woken: if we must wait, it gets the CPU directly.
 */
static error_t recv(task_t src, int64_t timeout, struct task *replied) {
    error_t err;
    while ((err = try_recv(src, timeout)) == IPC_PENDING) {
        uint64_t start = arch_ticks();
        current->recv_from = src;
        current->ipc_result = IPC_PENDING;
        sched_block_switch(current, BLOCK_RECV, (uint64_t) timeout, replied);
        replied = NULL;
        /* Delivered, timed out, or the awaited sender died. */
        if (current->ipc_result != IPC_PENDING)
            return current->ipc_result;
        if (timeout != IPC_FOREVER) { /* woken early: wait out the rest */
            int64_t elapsed = (arch_ticks() - start) * 1000 / TIMER_HZ;
            timeout = elapsed < timeout ? timeout - elapsed : IPC_POLL;
        }
    }
    if (replied)
        sched_wake(replied);
    return err;
}

/* Answer a call. The caller gets the message but is not woken yet: the
 * receive that may follow decides how. */
static error_t reply(task_t dst, struct task **caller) {
    struct task *c = task_lookup(dst);
    if (!c || c->state == TASK_STATE_DEAD)
        return ERR_ABORTED;
    if (!is_waiting(c, BLOCK_REPLY) || c->ipc_peer != current)
        return ERR_BAD_STATE; /* no call of theirs is ours to answer */
    error_t err = transfer(current, c, 0);
    if (err)
        return err; /* ours to correct, or no_room() ended the call */
    list_remove(&c->ipc_node);
    c->ipc_result = OK;
    update_server_priority(current);
    *caller = c;
    return OK;
}

/* The flag combinations ipc() takes, as a bit mask indexed by the flags:
 * a send, a receive, a call, a reply, or a reply and receive; a receive
 * part may accept a handle, and a call may be bounded and name where its
 * reply's out-of-line data lands. */
#define IPC_OK(f) (1ull << (f))
#define IPC_OK_RECEIVING(f) (IPC_OK(f) | IPC_OK((f) | IPC_ACCEPT_HANDLE))
#define IPC_OK_CALL(f)                                                         \
    (IPC_OK_RECEIVING(f) | IPC_OK_RECEIVING((f) | IPC_REPLY_BUF))
#define IPC_VALID_FLAGS                                                        \
    (IPC_OK(IPC_SEND) | IPC_OK(IPC_REPLY) | IPC_OK_RECEIVING(IPC_RECV) |       \
     IPC_OK_CALL(IPC_CALL) | IPC_OK_RECEIVING(IPC_REPLY | IPC_RECV) |          \
     IPC_OK_CALL(IPC_CALL | IPC_BOUNDED))
#define IPC_FLAGS_END 64 /* every flag below this */
_Static_assert((IPC_ACCEPT_HANDLE | IPC_BOUNDED | IPC_REPLY_BUF) <
                   IPC_FLAGS_END,
               "flags index a mask");

error_t ipc(handle_t dst, task_t src, struct message __user *um, uint32_t flags,
            int64_t timeout) {
    if (flags >= IPC_FLAGS_END || !(IPC_VALID_FLAGS & (1ull << flags)) ||
        timeout < IPC_FOREVER || timeout > IPC_TIMEOUT_MAX)
        return ERR_INVALID_ARG;
    error_t err = bind_buffer(um, flags & IPC_RECV);
    if (err)
        return err;

    current->ipc_flags = flags; /* what our receive part accepts */
    if (flags & IPC_SEND)
        return send(dst, flags, timeout);
    struct task *replied = NULL;
    if (flags & IPC_REPLY) {
        if ((err = reply((task_t) dst, &replied)))
            return err;
        if (!(flags & IPC_RECV)) {
            sched_wake(replied);
            return OK;
        }
    }
    return recv(src, timeout, replied);
}

/* Sends, receives, sleeps and bounded calls' reply waits have deadlines.
 * The wait ends here and now, not when t next runs: until then a receive,
 * a death or a reply could find it still queued; a reply that comes later
 * finds no caller (ERR_BAD_STATE). */
void ipc_timeout(struct task *t) {
    struct task *peer =
        (t->block_reason == BLOCK_SEND || t->block_reason == BLOCK_REPLY)
            ? t->ipc_peer
            : NULL;
    finish_wait(t, ERR_TIMEOUT);
    if (peer)
        update_server_priority(peer); /* we no longer lend it ours */
}

/* Receivers waiting for t in particular. */
static void abort_receivers_of(struct task *t) {
    for (int i = 0; i < TASK_MAX; i++) {
        struct task *r = task_at_slot(i);
        if (r && is_waiting(r, BLOCK_RECV) && r->recv_from == t->id)
            finish_wait(r, ERR_ABORTED);
    }
}

void ipc_abort(struct task *t) {
    struct list *n;
    abort_receivers_of(t);
    while ((n = list_pop_front(&t->senders)))
        finish_wait(container_of(n, struct task, ipc_node), ERR_ABORTED);
    while ((n = list_pop_front(&t->reply_waiters)))
        finish_wait(container_of(n, struct task, ipc_node), ERR_ABORTED);
    if (list_linked(&t->ipc_node)) { /* t waited in a peer's list */
        list_remove(&t->ipc_node);
        update_server_priority(t->ipc_peer);
    }
}
