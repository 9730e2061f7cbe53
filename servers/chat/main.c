/*
 * The chat server (proto/chat.h), after the QNX Chat design: a
 * state-oriented server that never blocks on a client. It keeps a bounded
 * history of lines and, for each session, the next line that session has
 * not fetched. When a line is added it notifies (NOTIFY_CHAT) the members
 * that had nothing pending; they pull the lines with CHAT_FETCH. A client
 * that never fetches costs one notification and delays nobody.
 *
 * A session belongs to the handle (badge) it was opened through, so a
 * client cannot use another's session even if it guesses its id. The
 * handle each client moves us with OPEN is both how we notify it and how
 * we notice that it died.
 */
#include <msgtypes.h>
#include <proto/chat.h>
#include <resea/event_loop.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/syscall.h>
#include <stdarg.h>
#include <string.h>
#include <text.h>

struct session {
    uint64_t id;     /* 0: the slot is free */
    uint64_t badge;  /* of the handle that opened it */
    task_t client;   /* the task that opened it (its notify handle's) */
    handle_t notify; /* to the client, RIGHT_NOTIFY */
    uint64_t next;   /* sequence number of the first line not fetched */
    char nick[CHAT_NICK_MAX];
};

struct line {
    uint32_t len; /* including the "\n" */
    char text[CHAT_LINE_MAX];
};

static struct session sessions[CHAT_SESSIONS];
static struct line history[CHAT_HISTORY]; /* line n is history[n % size] */
static uint64_t head;                     /* the next line's number */
static uint64_t next_id = 1;
/* POST text lands here; the kernel refuses longer text (ERR_TOO_LARGE). */
static char text_in[CHAT_TEXT_MAX];
static char shown_text[CHAT_SHOWN_MAX + 1]; /* text_in, escaped */
static char fetch_out[CHAT_FETCH_BYTES];

/* The oldest line still kept. */
static uint64_t oldest(void) {
    return head > CHAT_HISTORY ? head - CHAT_HISTORY : 0;
}

/* Add a line and tell every member but `author` that was up to date. */
static void append(const struct session *author, const char *fmt, ...) {
    struct line *l = &history[head % CHAT_HISTORY];
    va_list ap;
    va_start(ap, fmt);
    int n = vformat(l->text, sizeof(l->text), fmt, ap);
    va_end(ap);
    l->len = n < (int) sizeof(l->text) ? n : sizeof(l->text) - 1;
    for (int i = 0; i < CHAT_SESSIONS; i++) {
        struct session *s = &sessions[i];
        if (s->id && s != author && s->next == head)
            ipc_notify(s->notify, NOTIFY_CHAT); /* never blocks */
    }
    head++;
}

/* The session named by words[0], if it was opened through this badge. */
static struct session *find_session(const struct message *m) {
    for (int i = 0; i < CHAT_SESSIONS; i++) {
        struct session *s = &sessions[i];
        if (s->id && s->id == m->words[0] && s->badge == m->badge)
            return s;
    }
    return NULL;
}

static struct session *find_nick(const char *nick) {
    for (int i = 0; i < CHAT_SESSIONS; i++) {
        if (sessions[i].id && !strcmp(sessions[i].nick, nick))
            return &sessions[i];
    }
    return NULL;
}

static int sessions_of(task_t client) {
    int n = 0;
    for (int i = 0; i < CHAT_SESSIONS; i++)
        n += sessions[i].id && sessions[i].client == client;
    return n;
}

static struct session *free_session(void) {
    for (int i = 0; i < CHAT_SESSIONS; i++) {
        if (!sessions[i].id)
            return &sessions[i];
    }
    return NULL;
}

/* A nickname: 1..CHAT_NICK_MAX-1 bytes ending inside data, that show as
 * themselves (no spaces either: "* a b joined" is ambiguous). Refused,
 * never changed: a nickname is how the others know who speaks. */
static error_t check_nick(const struct message *m) {
    const char *nick = (const char *) m->data;
    size_t len = strnlen(nick, CHAT_NICK_MAX);
    if (len == CHAT_NICK_MAX)
        return ERR_TOO_LARGE;
    if (len == 0 || text_check_name(nick, len) != TEXT_OK)
        return ERR_INVALID_ARG;
    return OK;
}

/* The handle OPEN moved: one to the caller itself, with RIGHT_NOTIFY. */
static error_t check_notify(const struct message *m) {
    struct handle_info info;
    if (m->handle <= 0 || handle_info(m->handle, &info) != OK ||
        info.kind != KOBJ_TASK || !(info.rights & RIGHT_NOTIFY) ||
        info.task_id != m->src)
        return ERR_INVALID_ARG;
    return OK;
}

/* Everything OPEN needs, checked before anything changes. */
static error_t check_open(const struct message *m, struct session **slot) {
    error_t err = check_nick(m);
    if (!err)
        err = check_notify(m);
    if (!err && find_nick((const char *) m->data))
        err = ERR_ALREADY_EXISTS;
    if (!err && sessions_of(m->src) >= CHAT_SESSIONS_PER_TASK)
        err = ERR_FULL; /* its share: the room stays open to others */
    if (!err && !(*slot = free_session()))
        err = ERR_FULL;
    if (!err)
        err = task_watch(m->handle); /* idempotent: nothing to undo */
    return err;
}

/* A handle we do not take is closed by the event loop. */
static error_t open_session(struct message *m, struct message *r) {
    struct session *s = NULL;
    error_t err = check_open(m, &s);
    if (err)
        return err;
    *s = (struct session){.id = next_id++,
                          .badge = m->badge,
                          .client = m->src,
                          .notify = msg_take_handle(m),
                          .next = head};
    strlcpy(s->nick, (const char *) m->data, sizeof(s->nick));
    append(s, "* %s joined\n", s->nick); /* its first line */
    r->words[1] = s->id;
    return OK;
}

/* Text: 1..CHAT_TEXT_MAX bytes out of line, whatever they are. */
static error_t check_text(const struct message *m) {
    if (!(m->type & MSG_OOL) || m->ool_len == 0)
        return ERR_INVALID_ARG;
    if (m->ool_len > CHAT_TEXT_MAX)
        return ERR_TOO_LARGE; /* the kernel already refuses it */
    return OK;
}

/* The line keeps the text as it may reach every member's terminal:
 * escaped here, once, so no client has to be trusted to do it. */
static error_t post(const struct message *m) {
    struct session *s = find_session(m);
    if (!s)
        return ERR_NOT_FOUND;
    error_t err = check_text(m);
    if (err)
        return err;
    text_shown(shown_text, sizeof(shown_text), (const char *) m->ool_ptr,
               m->ool_len, 0, NULL);
    append(s, "<%s> %s\n", s->nick, shown_text);
    return OK;
}

static void reply_error(task_t client, int type, error_t err) {
    struct message r = {.type = type};
    r.words[0] = err;
    ipc_reply(client, &r);
}

/* Copy lines from `start` into fetch_out, at most CHAT_FETCH_LINES;
 * returns the bytes and sets *end to the first line not copied. */
static uint32_t collect(uint64_t start, uint64_t *end) {
    uint32_t len = 0;
    uint64_t seq;
    for (seq = start; seq < head && seq - start < CHAT_FETCH_LINES; seq++) {
        const struct line *l = &history[seq % CHAT_HISTORY];
        memcpy(fetch_out + len, l->text, l->len);
        len += l->len;
    }
    *end = seq;
    return len;
}

/* The session's next lines, out of line; it moves on only once the reply
 * has been delivered, so a failed reply loses nothing. */
static void fetch(const struct message *m) {
    struct session *s = find_session(m);
    if (!s) {
        reply_error(m->src, CHAT_FETCH_MSG, ERR_NOT_FOUND);
        return;
    }
    uint64_t start = s->next < oldest() ? oldest() : s->next, end;
    uint32_t len = collect(start, &end);
    struct message r = {.type = CHAT_FETCH_REPLY_MSG};
    r.words[1] = end - start;
    r.words[2] = start - s->next; /* fell out of the history unseen */
    if (len) {
        r.type |= MSG_OOL;
        r.ool_ptr = (uint64_t) fetch_out;
        r.ool_len = len;
    }
    /* If its buffer is too small, its call ends with ERR_TOO_LARGE and the
     * lines stay unfetched. */
    if (ipc_reply(m->src, &r) == OK)
        s->next = end;
}

/* End a session and tell the others how it ended. */
static void leave(struct session *s, const char *how) {
    char nick[CHAT_NICK_MAX];
    memcpy(nick, s->nick, sizeof(nick));
    handle_close(s->notify);
    s->id = 0;
    append(NULL, "* %s %s\n", nick, how);
}

static error_t close_session(const struct message *m) {
    struct session *s = find_session(m);
    if (!s)
        return ERR_NOT_FOUND;
    leave(s, "left");
    return OK;
}

/* NOTIFY_DEATH: the sessions whose client ended without CLOSE. */
static void on_death(struct event_loop *loop) {
    (void) loop;
    for (int i = 0; i < CHAT_SESSIONS; i++) {
        struct handle_info info;
        struct session *s = &sessions[i];
        if (s->id && (handle_info(s->notify, &info) != OK || !info.task_alive))
            leave(s, "left unexpectedly");
    }
}

static void on_request(struct event_loop *loop, struct message *m) {
    (void) loop;
    struct message r = {.type = msg_reply_type(m->type)};
    switch (m->type) {
    case CHAT_OPEN_MSG:
        r.words[0] = open_session(m, &r);
        break;
    case CHAT_POST_MSG:
        r.words[0] = post(m);
        break;
    case CHAT_FETCH_MSG:
        fetch(m);
        return;
    case CHAT_CLOSE_MSG:
        r.words[0] = close_session(m);
        break;
    case CHAT_VERSION_MSG:
        r.words[1] = CHAT_VERSION;
        break;
    default:
        r.type = ERR_UNKNOWN_MESSAGE;
        r.words[0] = ERR_UNKNOWN_MESSAGE;
    }
    ipc_reply(m->src, &r); /* fails harmlessly if it was a send */
}

int main(void) {
    ipc_ool_buffer(text_in, sizeof(text_in));
    error_t err = ipc_serve("chat");
    if (err) {
        printf("[chat-server] cannot register \"chat\": %s\n", err_name(err));
        return err;
    }
    printf("[chat-server] ready\n");
    /* OPEN carries a handle; the loop closes any we do not keep. */
    struct event_loop loop = {
        .on_request = on_request, .on_death = on_death, .accept_handles = true};
    return event_loop_run(&loop);
}
