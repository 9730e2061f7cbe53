/*
 * The chat server (servers/chat, proto/chat.h): every request and error,
 * joins and leaves, ordering, a client that falls out of the history,
 * notifications, a stuck member, a member that dies, what posts and
 * nicknames may hold, and the chat client (apps/chat) rejoining a
 * restarted server. Each test starts a
 * fresh server from the boot image and kills it at the end. The test task
 * is a client twice over: each lookup gives a handle with its own badge.
 */
#include "server_attack.h"
#include "test.h"
#include <bootfs.h>
#include <layout.h>
#include <msgtypes.h>
#include <proto/chat.h>
#include <resea/name.h>
#include <string.h>

const char *const chat_nicks[] = {"carol", "dave", "erin"};
enum { CAROL, DAVE, ERIN };

static handle_t server; /* the one we started, with control rights */

static void stop_server(void) {
    if (server > 0) {
        task_kill(server);
        handle_close(server);
    }
    server = 0;
}

/* A new server from the boot image, with the name server and our right to
 * serve "chat". */
static handle_t start_server(void) {
    stop_server(); /* one a failed test left behind */
    handle_t given[] = {H_NAME, H_SERVE};
    return server = start_boot_task("chat-server", 2, given);
}

/* A fresh server and two clients of it (two lookups, two badges). */
static error_t setup(handle_t *a, handle_t *b) {
    handle_t s = start_server();
    if (s < 0)
        return s;
    *a = ipc_lookup_timeout("chat", 2000);
    *b = *a < 0 ? *a : name_lookup_new("chat", 2000);
    return *a < 0 ? *a : *b < 0 ? *b : OK;
}

static void teardown(handle_t a, handle_t b) {
    handle_close(a);
    handle_close(b);
    stop_server();
}

/* Handles in the server's table: shows whether it kept a handle. */
static int server_handles(void) {
    struct task_status st;
    return task_status(server, &st) == OK ? (int) st.num_handles : -1;
}

/* A request; the reply's words[0] is the server's answer. */
static error_t call(handle_t h, struct message *m) {
    error_t err = ipc_call(h, m);
    return err ? err : (error_t) m->words[0];
}

/* The same, the reply's out-of-line data landing at m->ool_ptr. */
static error_t call_into(handle_t h, struct message *m) {
    error_t err = ipc_call_into(h, m);
    return err ? err : (error_t) m->words[0];
}

/* OPEN with `len` bytes of data and `notify` moved (0: none). */
static error_t open_raw(handle_t h, const void *data, size_t len,
                        handle_t notify, uint64_t *sid) {
    struct message m = {.type = CHAT_OPEN_MSG};
    memcpy(m.data, data, len);
    if (notify) {
        m.type |= MSG_HANDLE_MOVE;
        m.handle = notify;
    }
    error_t err = call(h, &m);
    if (!err && sid)
        *sid = m.words[1];
    return err;
}

static handle_t notify_handle(void) {
    return handle_dup(self_handle(), RIGHT_NOTIFY, 0);
}

static error_t open_as(handle_t h, const char *nick, uint64_t *sid) {
    return open_raw(h, nick, strlen(nick) + 1, notify_handle(), sid);
}

static error_t post_n(handle_t h, uint64_t sid, const void *text, size_t len) {
    struct message m = {.type = CHAT_POST_MSG | MSG_OOL,
                        .ool_ptr = (uint64_t) text,
                        .ool_len = len};
    m.words[0] = sid;
    return call(h, &m);
}

static error_t post(handle_t h, uint64_t sid, const char *text) {
    return post_n(h, sid, text, strlen(text));
}

static error_t close_session(handle_t h, uint64_t sid) {
    struct message m = {.type = CHAT_CLOSE_MSG};
    m.words[0] = sid;
    return call(h, &m);
}

struct fetched {
    int lines, missed;
    char text[CHAT_FETCH_BYTES + 1];
};

/* One FETCH, its lines NUL-terminated in f->text. */
static error_t fetch(handle_t h, uint64_t sid, struct fetched *f) {
    struct message m = {.type = CHAT_FETCH_MSG,
                        .ool_ptr = (uint64_t) f->text,
                        .ool_len = CHAT_FETCH_BYTES};
    m.words[0] = sid;
    error_t err = call_into(h, &m);
    if (err)
        return err;
    f->lines = m.words[1];
    f->missed = m.words[2];
    f->text[m.ool_len] = '\0';
    return OK;
}

/* What the last transcript() took: lines, lines missed, fetches. */
static struct { int lines, missed, fetches; } got;

/* Every line the session has not seen, fetched until a fetch is empty;
 * an error comes back as its name. */
static const char *transcript(handle_t h, uint64_t sid) {
    static char out[CHAT_HISTORY * CHAT_LINE_MAX + 1];
    static struct fetched f;
    size_t len = 0;
    got.lines = got.missed = got.fetches = 0;
    do {
        error_t err = fetch(h, sid, &f);
        if (err)
            return err_name(err);
        got.fetches++;
        got.lines += f.lines;
        got.missed += f.missed;
        len += strlcpy(out + len, f.text, sizeof(out) - len);
    } while (f.lines > 0 && len < sizeof(out) - 1);
    return out;
}

/* Text with its line ends shown as "|", for a failure message. */
static const char *shown(char *buf, size_t size, const char *s) {
    size_t i;
    for (i = 0; s[i] && i < size - 1; i++)
        buf[i] = s[i] == '\n' ? '|' : s[i];
    buf[i] = '\0';
    return buf;
}

#define CHECK_STR(actual, expected)                                            \
    do {                                                                       \
        const char *a_ = (actual), *e_ = (expected);                           \
        if (strcmp(a_, e_)) {                                                  \
            char ab_[96], eb_[96];                                             \
            test_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"",     \
                      #actual, shown(ab_, sizeof(ab_), a_),                    \
                      shown(eb_, sizeof(eb_), e_));                            \
            return;                                                            \
        }                                                                      \
    } while (0)

/* Whether NOTIFY_CHAT came; takes every pending notification. */
static bool chat_notified(void) {
    struct message m;
    bool notified = false;
    while (ipc_recv_timeout(IPC_ANY, &m, IPC_POLL) == OK) {
        if (m.type == MSG_NOTIFICATIONS && (m.notifications.bits & NOTIFY_CHAT))
            notified = true;
    }
    return notified;
}

/* Wait (at most a second or so) until the task blocks in a receive. */
static bool wait_receiving(handle_t h) {
    for (int i = 0; i < 200; i++) {
        struct task_status st;
        if (task_status(h, &st) != OK || st.state == TASK_DEAD)
            return false;
        if (st.state == TASK_BLOCKED && st.wait == WAIT_RECEIVE)
            return true;
        drain_ms(5);
    }
    return false;
}

static handle_t chat_child(int mode, int nick) {
    handle_t name_server = H_NAME;
    return spawn_peer(mode, nick, TEST_PRIORITY + 1, 1, &name_server);
}

/* The children: clients in their own tasks. */
static int listen_for_ping(handle_t h, uint64_t sid) {
    static struct fetched f;
    error_t err;
    do { /* catch up: our own "joined" line */
        if ((err = fetch(h, sid, &f)))
            return err;
    } while (f.lines);
    struct message m;
    do {
        if ((err = ipc_recv(IPC_ANY, &m)))
            return err;
    } while (m.type != MSG_NOTIFICATIONS ||
             !(m.notifications.bits & NOTIFY_CHAT));
    if ((err = fetch(h, sid, &f)))
        return err;
    if (f.lines != 1 || strcmp(f.text, "<alice> ping\n"))
        return -100 - f.lines;
    return 42;
}

/* Wait for a message the name server will never send: nothing reaches
 * us, not even notifications. */
__attribute__((noreturn)) static void never_receive(void) {
    struct message m;
    for (;;)
        ipc_recv(task_id_of(H_NAME), &m);
}

/* CHAT_SESSIONS_PER_TASK sessions, kept while we live. */
static int hold_sessions(handle_t h, uint64_t param) {
    for (int i = 0; i < CHAT_SESSIONS_PER_TASK; i++) {
        char nick[CHAT_NICK_MAX];
        format(nick, sizeof(nick), "h%lu-%d", param, i);
        error_t err = open_as(h, nick, NULL);
        if (err)
            return err;
    }
    never_receive();
}

int chat_peer_main(int mode, uint64_t param) {
    handle_t h = ipc_lookup_timeout("chat", 2000);
    if (mode == CHILD_CHAT_HOLDER)
        return h < 0 ? h : hold_sessions(h, param);
    uint64_t sid;
    error_t err = h < 0 ? h : open_as(h, chat_nicks[param], &sid);
    if (err)
        return err;
    switch (mode) {
    case CHILD_CHAT_QUITTER:
        return 0; /* no CLOSE */
    case CHILD_CHAT_STUCK:
        never_receive();
    case CHILD_CHAT_LISTENER:
        return listen_for_ping(h, sid);
    }
    return -1;
}

TEST(chat_version) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    struct message m = {.type = CHAT_VERSION_MSG};
    CHECK_ERR(call(a, &m), OK);
    CHECK_EQ(m.type, CHAT_VERSION_REPLY_MSG);
    CHECK_EQ(m.words[1], CHAT_VERSION);
    teardown(a, b);
}

TEST(chat_open_post_fetch_close) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t sid = 0;
    CHECK_ERR(open_as(a, "alice", &sid), OK);
    CHECK(sid != 0);
    CHECK_STR(transcript(a, sid), "* alice joined\n");
    CHECK_EQ(got.lines, 1);
    CHECK_ERR(post(a, sid, "hello, world"), OK);
    CHECK_STR(transcript(a, sid), "<alice> hello, world\n");
    CHECK_STR(transcript(a, sid), ""); /* nothing new */
    CHECK_EQ(got.fetches, 1);
    CHECK_ERR(close_session(a, sid), OK);
    CHECK_ERR(close_session(a, sid), ERR_NOT_FOUND);
    CHECK_ERR(post(a, sid, "anyone?"), ERR_NOT_FOUND);
    CHECK_ERR(post(a, 0, "anyone?"), ERR_NOT_FOUND); /* 0 is no session */
    CHECK_STR(transcript(a, sid), "ERR_NOT_FOUND");
    teardown(a, b);
}

TEST(chat_join_and_leave_lines) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, bob;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    CHECK_ERR(open_as(b, "bob", &bob), OK);
    CHECK_STR(transcript(a, alice), "* alice joined\n* bob joined\n");
    CHECK_STR(transcript(b, bob), "* bob joined\n"); /* starts at its join */
    CHECK_ERR(close_session(b, bob), OK);
    CHECK_STR(transcript(a, alice), "* bob left\n");
    teardown(a, b);
}

TEST(chat_everyone_sees_one_order) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, bob;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    CHECK_ERR(open_as(b, "bob", &bob), OK);
    transcript(a, alice);
    transcript(b, bob);
    static char want[1024];
    size_t len = 0;
    for (int i = 0; i < 10; i++) { /* 20 lines: more than one fetch */
        char text[16];
        format(text, sizeof(text), "a%d", i);
        CHECK_ERR(post(a, alice, text), OK);
        len += format(want + len, sizeof(want) - len, "<alice> %s\n", text);
        format(text, sizeof(text), "b%d", i);
        CHECK_ERR(post(b, bob, text), OK);
        len += format(want + len, sizeof(want) - len, "<bob> %s\n", text);
    }
    CHECK_STR(transcript(a, alice), want);
    CHECK_EQ(got.lines, 20);
    CHECK_EQ(got.fetches, 3); /* 16, 4, then none */
    CHECK_STR(transcript(b, bob), want);
    teardown(a, b);
}

TEST(chat_nickname_taken) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, other;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    int handles = server_handles();
    CHECK_ERR(open_as(b, "alice", &other), ERR_ALREADY_EXISTS);
    CHECK_EQ(server_handles(), handles); /* the moved handle was dropped */
    CHECK_STR(transcript(a, alice), "* alice joined\n");
    CHECK_ERR(close_session(a, alice), OK);
    CHECK_ERR(open_as(b, "alice", &other), OK); /* free again */
    teardown(a, b);
}

TEST(chat_bad_nicknames) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    int handles = server_handles();
    char full[MSG_DATA_SIZE];
    memset(full, 'x', sizeof(full)); /* no NUL in the message */
    CHECK_ERR(open_raw(a, full, sizeof(full), notify_handle(), NULL),
              ERR_TOO_LARGE);
    CHECK_ERR(open_as(a, "sixteen-letters!", NULL), ERR_TOO_LARGE);
    CHECK_ERR(open_as(a, "", NULL), ERR_INVALID_ARG);
    CHECK_ERR(open_as(a, "two words", NULL), ERR_INVALID_ARG);
    CHECK_ERR(open_as(a, "bell\a", NULL), ERR_INVALID_ARG);
    CHECK_ERR(open_as(a, "tab\t", NULL), ERR_INVALID_ARG);
    /* Refused, never changed: "ab\x01cd" must not join as "abcd". */
    static const char *const unshowable[] = {
        "ab\001cd",              /* octal: the escape ends after 3 digits */
        "\x1b[31mred",           /* ESC */
        "del\x7f",               /* DEL */
        "ab\302\233cd",          /* U+009B, a C1 control */
        "ab\233cd",              /* 0x9b alone: not UTF-8 */
        "caf\xc3",               /* cut short */
        "\xc0\xa0",              /* overlong */
        "no\302\240break",       /* a no-break space */
        "zero\xe2\x80\x8bwidth", /* a zero-width space */
    };
    for (size_t i = 0; i < sizeof(unshowable) / sizeof(unshowable[0]); i++) {
        error_t err = open_as(a, unshowable[i], NULL);
        if (err != ERR_INVALID_ARG) {
            test_fail(__FILE__, __LINE__, "unshowable[%lu]: %s", i,
                      err_name(err));
            return;
        }
    }
    /* CHAT_NICK_MAX counts bytes: 8 two-byte characters are too many. */
    static const char eight_e[] = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
    CHECK_ERR(open_as(a, eight_e, NULL), ERR_TOO_LARGE);
    /* The notify handle: missing, without RIGHT_NOTIFY, someone else's. */
    CHECK_ERR(open_raw(a, "alice", 6, 0, NULL), ERR_INVALID_ARG);
    handle_t send_only = handle_dup(self_handle(), RIGHT_SEND, 0);
    CHECK_ERR(open_raw(a, "alice", 6, send_only, NULL), ERR_INVALID_ARG);
    handle_t other = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    handle_t theirs = handle_dup(other, RIGHT_NOTIFY, 0);
    CHECK_ERR(open_raw(a, "alice", 6, theirs, NULL), ERR_INVALID_ARG);
    CHECK_EQ(server_handles(), handles); /* none of them kept */
    uint64_t sid;
    CHECK_ERR(open_as(a, "fifteen-letters", &sid), OK);
    CHECK_STR(transcript(a, sid), "* fifteen-letters joined\n");
    CHECK_ERR(open_as(b, "caf\xc3\xa9\xe2\x98\x95", &sid), OK); /* UTF-8 */
    CHECK_STR(transcript(b, sid), "* caf\xc3\xa9\xe2\x98\x95 joined\n");
    task_kill(other);
    handle_close(other);
    teardown(a, b);
}

TEST(chat_bad_text) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t sid;
    CHECK_ERR(open_as(a, "alice", &sid), OK);
    transcript(a, sid);
    static char text[CHAT_TEXT_MAX + 1];
    memset(text, 'x', sizeof(text));
    /* Too long: the kernel refuses it, the server never sees it. */
    struct message m = {.type = CHAT_POST_MSG | MSG_OOL,
                        .ool_ptr = (uint64_t) text,
                        .ool_len = CHAT_TEXT_MAX + 1};
    m.words[0] = sid;
    CHECK_ERR(ipc_call(a, &m), ERR_TOO_LARGE);
    CHECK_ERR(post_n(a, sid, text, 0), ERR_INVALID_ARG);
    m = (struct message){.type = CHAT_POST_MSG}; /* no text at all */
    m.words[0] = sid;
    CHECK_ERR(call(a, &m), ERR_INVALID_ARG);
    CHECK_STR(transcript(a, sid), ""); /* none of them became a line */
    CHECK_ERR(post_n(a, sid, text, CHAT_TEXT_MAX), OK);
    static char want[CHAT_LINE_MAX * 2];
    format(want, sizeof(want), "<alice> %.*s\n", CHAT_TEXT_MAX, text);
    CHECK_STR(transcript(a, sid), want);
    teardown(a, b);
}

/* What a post may hold: anything; the line holds it as text_shown shows
 * it, so what reaches the members' terminals is text, never a command. */
TEST(chat_post_is_stored_escaped) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t sid;
    CHECK_ERR(open_as(a, "alice", &sid), OK);
    transcript(a, sid);
    CHECK_ERR(post(a, sid, "\x1b[2Jclear \x1b]0;title\a"), OK);
    /* 0x9b alone, then U+009B; an octal escape ends after three digits */
    CHECK_ERR(post(a, sid, "csi \23331m and \302\23331m"), OK);
    CHECK_ERR(post(a, sid, "two\nlines\r, rub\x7fout"), OK);
    CHECK_ERR(post_n(a, sid, "nul\0inside", 10), OK);
    CHECK_ERR(post(a, sid, "bad \xed\xa0\x80 \xc0\xaf cut \xe2\x98"), OK);
    CHECK_ERR(post(a, sid, "a\ttab, caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80"),
              OK);
    CHECK_STR(transcript(a, sid),
              "<alice> ^[[2Jclear ^[]0;title^G\n"
              "<alice> csi \\x9b31m and <U+009B>31m\n"
              "<alice> two^Jlines^M, rub^?out\n"
              "<alice> nul^@inside\n"
              "<alice> bad \\xed\\xa0\\x80 \\xc0\\xaf cut \\xe2\\x98\n"
              "<alice> a\ttab, caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80\n");
    /* The worst case, every byte escaped, still fits one line. */
    static char worst[CHAT_TEXT_MAX];
    memset(worst, 0x9b, sizeof(worst));
    CHECK_ERR(post_n(a, sid, worst, sizeof(worst)), OK);
    static struct fetched f;
    CHECK_ERR(fetch(a, sid, &f), OK);
    CHECK_EQ(f.lines, 1);
    CHECK_EQ(strlen(f.text), strlen("<alice> \n") + 4 * CHAT_TEXT_MAX);
    CHECK(!strncmp(f.text + 8 + 4 * (CHAT_TEXT_MAX - 1), "\\x9b\n", 6));
    teardown(a, b);
}

TEST(chat_session_belongs_to_its_client) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, bob;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    CHECK_ERR(post(a, alice + 1000, "wrong id"), ERR_NOT_FOUND);
    CHECK_ERR(post(a, 0, "no id"), ERR_NOT_FOUND);
    /* b has no session: alice's id means nothing through it. */
    CHECK_ERR(post(b, alice, "forged"), ERR_NOT_FOUND);
    CHECK_STR(transcript(b, alice), "ERR_NOT_FOUND");
    CHECK_ERR(close_session(b, alice), ERR_NOT_FOUND);
    CHECK_ERR(open_as(b, "bob", &bob), OK);
    CHECK_ERR(post(b, alice, "forged"), ERR_NOT_FOUND);
    CHECK_ERR(post(a, bob, "forged"), ERR_NOT_FOUND);
    /* A copy of a's handle carries a's badge: it is the same client. */
    handle_t copy = handle_dup(a, RIGHT_CALL, 0);
    CHECK(copy > 0);
    CHECK_ERR(post(copy, alice, "via a copy"), OK);
    handle_close(copy);
    CHECK_STR(transcript(a, alice),
              "* alice joined\n* bob joined\n<alice> via a copy\n");
    teardown(a, b);
}

TEST(chat_unknown_type) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    struct message m = {.type = CHAT_VERSION_MSG + 100};
    CHECK_ERR(call(a, &m), ERR_UNKNOWN_MESSAGE);
    CHECK_EQ(m.type, ERR_UNKNOWN_MESSAGE);
    int handles = server_handles();
    m = (struct message){.type = MSG_USER | MSG_HANDLE_MOVE,
                         .handle = notify_handle()};
    CHECK_ERR(call(a, &m), ERR_UNKNOWN_MESSAGE);
    m = (struct message){.type = CHAT_VERSION_MSG | MSG_HANDLE_MOVE,
                         .handle = notify_handle()};
    CHECK_ERR(call(a, &m), ERR_UNKNOWN_MESSAGE); /* not the protocol's type */
    CHECK_EQ(server_handles(), handles);         /* neither handle kept */
    teardown(a, b);
}

TEST(chat_notifies_members_that_are_up_to_date) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, bob;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    transcript(a, alice);
    chat_notified();
    CHECK_ERR(post(a, alice, "alone"), OK);
    CHECK(!chat_notified()); /* the author is not notified */
    transcript(a, alice);
    CHECK_ERR(open_as(b, "bob", &bob), OK);
    CHECK(chat_notified()); /* alice was up to date */
    transcript(b, bob);
    CHECK_ERR(post(b, bob, "one"), OK);
    CHECK(!chat_notified()); /* alice has not fetched bob's join yet */
    transcript(a, alice);
    transcript(b, bob);
    CHECK_ERR(post(a, alice, "two"), OK);
    CHECK(chat_notified()); /* bob was up to date */
    teardown(a, b);
}

TEST(chat_notify_wakes_another_client) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    handle_t carol = chat_child(CHILD_CHAT_LISTENER, CAROL);
    CHECK(wait_receiving(carol));
    CHECK_STR(transcript(a, alice), "* alice joined\n* carol joined\n");
    CHECK_ERR(post(a, alice, "ping"), OK);
    struct task_status st;
    CHECK_ERR(wait_dead(carol, &st), OK);
    CHECK_EQ(st.exit_code, 42);
    handle_close(carol);
    CHECK_STR(transcript(a, alice),
              "<alice> ping\n* carol left unexpectedly\n");
    teardown(a, b);
}

TEST(chat_client_falls_out_of_the_history) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, bob;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    CHECK_ERR(open_as(b, "bob", &bob), OK);
    transcript(a, alice);
    static char want[CHAT_HISTORY * CHAT_LINE_MAX];
    size_t len = 0;
    for (int i = 0; i < CHAT_HISTORY + 10; i++) {
        char text[16];
        format(text, sizeof(text), "line %d", i);
        CHECK_ERR(post(b, bob, text), OK);
        if (i >= 10) /* the ones still kept */
            len += format(want + len, sizeof(want) - len, "<bob> %s\n", text);
    }
    static struct fetched f;
    CHECK_ERR(fetch(a, alice, &f), OK);
    CHECK_EQ(f.missed, 10);
    CHECK_EQ(f.lines, CHAT_FETCH_LINES);
    CHECK(!strncmp(f.text, "<bob> line 10\n", 14)); /* the oldest kept */
    static char rest_of_it[CHAT_LINE_MAX * CHAT_HISTORY];
    strlcpy(rest_of_it, f.text, sizeof(rest_of_it));
    size_t n = strlen(rest_of_it);
    strlcpy(rest_of_it + n, transcript(a, alice), sizeof(rest_of_it) - n);
    CHECK_EQ(got.missed, 0); /* only once */
    CHECK_STR(rest_of_it, want);
    teardown(a, b);
}

TEST(chat_stuck_member_delays_nobody) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    handle_t dave = chat_child(CHILD_CHAT_STUCK, DAVE);
    CHECK(wait_receiving(dave));
    CHECK_STR(transcript(a, alice), "* alice joined\n* dave joined\n");
    /* Dave never fetches nor receives; a server that waited for him, or
     * queued lines for him, would stall or fill up here. */
    for (int i = 0; i < 3 * CHAT_HISTORY; i++) {
        char text[16];
        format(text, sizeof(text), "msg %d", i);
        CHECK_ERR(post(a, alice, text), OK);
        if (i % CHAT_FETCH_LINES == CHAT_FETCH_LINES - 1) {
            transcript(a, alice);
            CHECK_EQ(got.lines, CHAT_FETCH_LINES);
            CHECK_EQ(got.missed, 0);
        }
    }
    struct task_status st;
    CHECK_ERR(task_status(server, &st), OK);
    CHECK_EQ(st.wait, WAIT_RECEIVE); /* waiting for anyone, not for dave */
    CHECK_EQ(st.wait_peer, 0);
    task_kill(dave);
    handle_close(dave);
    CHECK_STR(transcript(a, alice), "* dave left unexpectedly\n");
    teardown(a, b);
}

TEST(chat_member_that_dies_is_announced) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, erin;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    transcript(a, alice);
    int handles = server_handles();
    handle_t child = chat_child(CHILD_CHAT_QUITTER, ERIN);
    struct task_status st;
    CHECK_ERR(wait_dead(child, &st), OK);
    CHECK_EQ(st.exit_code, 0); /* it had joined */
    handle_close(child);
    CHECK_STR(transcript(a, alice),
              "* erin joined\n* erin left unexpectedly\n");
    CHECK_EQ(server_handles(), handles);      /* its notify handle is gone */
    CHECK_ERR(open_as(b, "erin", &erin), OK); /* the nickname is free */
    teardown(a, b);
}

/* The room: CHAT_SESSIONS, held by tasks of CHAT_SESSIONS_PER_TASK each. */
TEST(chat_sessions_are_bounded) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    enum { HOLDERS = CHAT_SESSIONS / CHAT_SESSIONS_PER_TASK };
    handle_t holders[HOLDERS];
    for (int i = 0; i < HOLDERS; i++) {
        holders[i] = chat_child(CHILD_CHAT_HOLDER, i);
        CHECK(wait_receiving(holders[i]));
    }
    int handles = server_handles();
    uint64_t sid;
    CHECK_ERR(open_as(b, "late", &sid), ERR_FULL);
    CHECK_EQ(server_handles(), handles);
    task_kill(holders[3]); /* its sessions end with it */
    drain_ms(50);
    CHECK_ERR(open_as(b, "late", &sid), OK);
    for (int i = 0; i < HOLDERS; i++) {
        task_kill(holders[i]);
        handle_close(holders[i]);
    }
    teardown(a, b);
}

/* One task holds CHAT_SESSIONS_PER_TASK at most, through any handles. */
TEST(chat_sessions_per_task_are_bounded) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t alice, bob, carl;
    CHECK_ERR(open_as(a, "alice", &alice), OK);
    CHECK_ERR(open_as(b, "bob", &bob), OK);
    int handles = server_handles();
    CHECK_ERR(open_as(a, "carl", &carl), ERR_FULL);
    CHECK_ERR(open_as(b, "carl", &carl), ERR_FULL);
    CHECK_EQ(server_handles(), handles);
    handle_t erin = chat_child(CHILD_CHAT_QUITTER, ERIN); /* others may */
    CHECK_EQ(exit_code_of(erin), 0);
    CHECK_ERR(close_session(b, bob), OK);
    CHECK_ERR(open_as(a, "carl", &carl), OK); /* its share again */
    teardown(a, b);
}

TEST(chat_fetch_into_too_small_a_buffer_loses_nothing) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t sid;
    CHECK_ERR(open_as(a, "alice", &sid), OK);
    CHECK_ERR(post(a, sid, "a line longer than the buffer"), OK);
    char small[8];
    struct message m = {.type = CHAT_FETCH_MSG,
                        .ool_ptr = (uint64_t) small,
                        .ool_len = sizeof(small)};
    m.words[0] = sid;
    CHECK_ERR(call_into(a, &m), ERR_TOO_LARGE);
    CHECK_STR(transcript(a, sid),
              "* alice joined\n<alice> a line longer than the buffer\n");
    teardown(a, b);
}

TEST(chat_name_goes_with_the_server) {
    handle_t a, b;
    CHECK_ERR(setup(&a, &b), OK);
    uint64_t sid;
    CHECK_ERR(open_as(a, "alice", &sid), OK);
    stop_server();
    CHECK_ERR(post(a, sid, "hello?"), ERR_ABORTED);
    CHECK_ERR(ipc_lookup_timeout("chat", IPC_POLL), ERR_NOT_FOUND);
    handle_close(a);
    handle_close(b);
}

/* The chat client (apps/chat) on a terminal of a console of our own, as
 * the shell starts it, below our priority so that we act first. */
static handle_t start_client(const char *nick, handle_t terminal) {
    const void *bootfs = (const void *) BOOTFS_ADDR;
    const struct bootfs_entry *e = bootfs_find(bootfs, "chat");
    if (!e)
        return ERR_NOT_FOUND;
    struct task_spec spec = {.name = "chat-client",
                             .image = bootfs_data(bootfs, e),
                             .image_size = e->size,
                             .priority = TEST_PRIORITY - 1,
                             .arg = CONSOLE_TEST_PORT,
                             .cmdline = nick,
                             .num_handles = 2,
                             .handles = {H_NAME, terminal},
                             .tags = {TAG_NAME, TAG_CONSOLE}};
    return task_create(H_SPAWN, &spec);
}

/* Fetch until `line` comes (within about 5 s). */
static bool line_comes(handle_t h, uint64_t sid, const char *line) {
    for (int i = 0; i < 100; i++) {
        if (strstr(transcript(h, sid), line))
            return true;
        drain_ms(50);
    }
    return false;
}

/* A console, a chat server, and alice's client on the console, in the
 * chat with bob (us, through a; b is a second client of ours). */
struct with_client {
    handle_t console, client, a, b;
    uint64_t bob;
};

static error_t client_in_chat(struct with_client *w) {
    *w = (struct with_client){.console = start_victim(VICTIM_CONSOLE)};
    if (w->console < 0)
        return w->console;
    handle_t terminal = terminal_handle(CONSOLE_TEST_PORT);
    error_t err = setup(&w->a, &w->b);
    if (!err)
        err = open_as(w->a, "bob", &w->bob);
    w->client = err ? err : start_client("alice", terminal);
    handle_close(terminal);
    if (w->client < 0)
        return w->client;
    return line_comes(w->a, w->bob, "* alice joined\n") ? OK : ERR_TIMEOUT;
}

static void end_client(struct with_client *w) {
    end_task(w->client);
    end_task(w->console);
    teardown(w->a, w->b);
}

/* The server ends and another takes its place: the client joins it as
 * the same nickname, which the members see as a join. */
TEST(chat_client_rejoins_a_restarted_server) {
    struct with_client w;
    CHECK_ERR(client_in_chat(&w), OK);
    handle_close(w.a);
    handle_close(w.b);
    stop_server();
    CHECK_ERR(setup(&w.a, &w.b), OK); /* nothing survived: no members */
    CHECK_ERR(open_as(w.a, "bob", &w.bob), OK);
    bool rejoined = line_comes(w.a, w.bob, "* alice joined\n");
    error_t taken = open_as(w.b, "alice", NULL);
    struct task_status st;
    error_t status = task_status(w.client, &st);
    end_client(&w);
    CHECK(rejoined);
    CHECK_ERR(taken, ERR_ALREADY_EXISTS);
    CHECK_ERR(status, OK);
    CHECK(st.state != TASK_DEAD);
}

/* No server takes its place: after its bounded tries the client says so
 * and ends. */
TEST(chat_client_ends_when_no_server_returns) {
    struct with_client w;
    CHECK_ERR(client_in_chat(&w), OK);
    stop_server();
    struct task_status st;
    error_t err = wait_dead(w.client, &st);
    if (err == ERR_TIMEOUT) /* the tries take up to 6 s; wait_dead 5 */
        err = wait_dead(w.client, &st);
    end_client(&w);
    CHECK_ERR(err, OK);
    CHECK_EQ(st.exit_code, 1);
}
