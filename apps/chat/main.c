/*
 * The chat client: one per terminal. Its console port is task_arg(), its
 * nickname task_cmdline(), and its terminal the console handle for that
 * port its shell lent it (TAG_CONSOLE). It attaches to the port, opens a
 * chat session and waits for notifications: NOTIFY_CONSOLE_INPUT means typed
 * lines to read and post, NOTIFY_CHAT means new lines to fetch and write out.
 * "/quit" or Ctrl-D on an empty line leaves. The chat server never blocks
 * on us; we pull. Whatever the server sends is shown through text_shown,
 * so no other member can act on our terminal. When the chat server ends
 * we join the one that takes its place, as the same nickname.
 */
#include <msgtypes.h>
#include <proto/chat.h>
#include <resea/console.h>
#include <resea/event_loop.h>
#include <resea/name.h>
#include <resea/printf.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <string.h>
#include <text.h>

#define LOOKUP_MS 5000 /* how long to wait for the chat server to appear */
/* How often to look for the servers' death when we could not watch them
 * (one had ended already). */
#define CHECK_MS 1000
/* Rejoining a chat server that took the place of one that ended: so many
 * lookups of REJOIN_LOOKUP_MS each, REJOIN_PAUSE_MS apart when the name
 * still led to the old one. */
#define REJOIN_TRIES 3
#define REJOIN_LOOKUP_MS 2000
#define REJOIN_PAUSE_MS 200

static handle_t console, chat;
static int port;
static const char *nick;
static char nick_shown[64]; /* as our messages show it */
static uint64_t session;
static int exit_code;
static bool left; /* by /quit or Ctrl-D */
static char raw[CHAT_FETCH_BYTES];
/* What a fetch brought, as text_shown shows it, after room for a
 * "(N lines missed)" notice. */
#define NOTE_MAX 48
static char fetched[NOTE_MAX + CHAT_FETCH_BYTES * TEXT_SHOWN_PER_BYTE + 1];
/* Output the console refused (ERR_FULL), kept to write when it has room:
 * meanwhile we fetch nothing, and the chat server counts what we miss. */
static char *kept;
static size_t kept_len;
static bool retrying; /* the timer is set to RETRY_MS */
/* While output is kept, it is tried again this often, besides on
 * NOTIFY_CONSOLE_WRITABLE. */
#define RETRY_MS 500

/* --- the console (resea/console.h), on our port --- */

#define say(...) console_printf(console, port, __VA_ARGS__)

/* The most of text one write takes, ending at a line's end if any does. */
static size_t piece(const char *text, size_t len) {
    if (len <= CONSOLE_WRITE_MAX)
        return len;
    for (size_t n = CONSOLE_WRITE_MAX; n > 0; n--) {
        if (text[n - 1] == '\n')
            return n;
    }
    return CONSOLE_WRITE_MAX;
}

/* Write the kept output, whole lines at a time, until the console refuses
 * a piece (kept: true, and the retry timer set) or it is all out. Text
 * the console fails to take otherwise is dropped: it has gone, which
 * check_servers sees. */
static bool write_kept(void) {
    while (kept_len) {
        size_t n = piece(kept, kept_len);
        error_t err = console_write_keep(console, port, kept, n);
        if (err == ERR_FULL) {
            retrying = retrying || timer_set(RETRY_MS, RETRY_MS) == OK;
            return true;
        }
        kept += n;
        kept_len = err ? 0 : kept_len - n;
    }
    if (retrying) /* back to the servers' check, which is harmless */
        timer_set(CHECK_MS, CHECK_MS);
    retrying = false;
    return false;
}

/* The next typed line, NUL-terminated: its length, or ERR_EMPTY. */
static int read_line(char line[CONSOLE_LINE_MAX]) {
    return console_read(console, port, line, CONSOLE_LINE_MAX);
}

/* --- the chat server --- */

/* A call whose reply carries an error_t in words[0]. */
static error_t call(struct message *m) {
    error_t err = ipc_call(chat, m);
    return err ? err : (error_t) m->words[0];
}

/* A FETCH whose lines land in m's buffer as text_shown shows them: the
 * server escapes what members post, and we trust no server to. */
static error_t fetch(struct message *m) {
    char *out = (char *) m->ool_ptr;
    size_t size = m->ool_len;
    m->ool_ptr = (uint64_t) raw;
    m->ool_len = sizeof(raw);
    error_t err = ipc_call_into(chat, m);
    if (!err)
        err = (error_t) m->words[0];
    if (!err)
        m->ool_len =
            text_shown(out, size, raw, m->ool_len, TEXT_KEEP_NEWLINE, NULL);
    return err;
}

/* OPEN moves the server a handle through which it can notify us. */
static error_t chat_open(const char *nick) {
    handle_t self = task_self();
    handle_t notify = self < 0 ? self : handle_dup(self, RIGHT_NOTIFY, 0);
    if (self >= 0)
        handle_close(self);
    if (notify < 0)
        return notify;
    struct message m = {.type = CHAT_OPEN_MSG | MSG_HANDLE_MOVE,
                        .handle = notify};
    strlcpy((char *) m.data, nick, sizeof(m.data));
    error_t err = call(&m);
    if (!err)
        session = m.words[1];
    else if (handle_info(notify, &(struct handle_info){0}) == OK)
        handle_close(notify); /* never reached the server */
    return err;
}

static error_t chat_post(const char *text, size_t len) {
    struct message m = {.type = CHAT_POST_MSG | MSG_OOL,
                        .ool_ptr = (uint64_t) text,
                        .ool_len = len};
    m.words[0] = session;
    return call(&m);
}

static void chat_close(void) {
    struct message m = {.type = CHAT_CLOSE_MSG};
    m.words[0] = session;
    call(&m);
}

/* One fetch, to keep: the lines, after the server's notice of those we
 * missed. *more: the reply was full, so more wait. */
static error_t fetch_once(bool *more) {
    struct message m = {.type = CHAT_FETCH_MSG,
                        .ool_ptr = (uint64_t) (fetched + NOTE_MAX),
                        .ool_len = sizeof(fetched) - NOTE_MAX};
    m.words[0] = session;
    error_t err = fetch(&m);
    if (err)
        return err;
    kept = fetched + NOTE_MAX;
    kept_len = m.ool_len;
    if (m.words[2]) {
        char note[NOTE_MAX];
        int n = format(note, sizeof(note), "(%lu lines missed)\n", m.words[2]);
        n = n < NOTE_MAX ? n : NOTE_MAX - 1;
        kept -= n;
        memcpy(kept, note, n);
        kept_len += n;
    }
    *more = m.words[1] >= CHAT_FETCH_LINES;
    return OK;
}

/* Write out what we kept, then pull every line we have not seen and write
 * it out; stop while the console refuses our output. */
static error_t chat_fetch_all(void) {
    bool more = true; /* after kept output, there may be more */
    if (write_kept())
        return OK;
    while (more) {
        error_t err = fetch_once(&more);
        if (err)
            return err;
        if (write_kept())
            return OK; /* until NOTIFY_CONSOLE_WRITABLE or the timer */
    }
    return OK; /* we are up to date: the next line notifies us */
}

/* --- the session --- */

static void quit(struct event_loop *loop, int code) {
    exit_code = code;
    event_loop_stop(loop);
}

static bool alive(handle_t h) {
    struct handle_info info;
    return handle_info(h, &info) == OK && info.task_alive;
}

static void rejoin(struct event_loop *loop);

/* A request failed: the server ended (we rejoin its successor), or it
 * refused. */
static void chat_failed(struct event_loop *loop, error_t err) {
    if (err == ERR_ABORTED || !alive(chat))
        rejoin(loop);
    else
        say("chat: %s\n", err_str(err));
}

static void leave(struct event_loop *loop) {
    left = true;
    quit(loop, 0);
}

/* A post is sent whole or not at all: a longer line is refused, never cut
 * into several posts. */
static void post_line(struct event_loop *loop, const char *line, size_t len) {
    error_t err = len > CHAT_TEXT_MAX ? ERR_TOO_LARGE : chat_post(line, len);
    if (err == ERR_TOO_LARGE)
        say("(not sent: the line is %lu bytes; a post is at most %d)\n",
            (unsigned long) len, CHAT_TEXT_MAX);
    else if (err)
        chat_failed(loop, err);
}

static void on_input(struct event_loop *loop) {
    char line[CONSOLE_LINE_MAX];
    int n;
    while (!loop->stop && (n = read_line(line)) >= 0) {
        if (!strcmp(line, "/quit"))
            leave(loop);
        else if (n > 0)
            post_line(loop, line, n);
    }
    if (loop->stop || n == ERR_EMPTY)
        return;
    if (n == ERR_EOF) { /* Ctrl-D on an empty line */
        leave(loop);
        return;
    }
    printf("chat: console port %d: %s\n", port, err_str(n));
    quit(loop, 1);
}

static void on_notify(struct event_loop *loop, uint64_t bits) {
    if (bits & NOTIFY_CONSOLE_INPUT)
        on_input(loop);
    error_t err; /* after input too: our own posts, in their place */
    uint64_t output =
        NOTIFY_CHAT | NOTIFY_CONSOLE_INPUT | NOTIFY_CONSOLE_WRITABLE;
    if (!loop->stop && (bits & output) && (err = chat_fetch_all()))
        chat_failed(loop, err);
}

/* NOTIFY_DEATH, or the timer when we could not watch the servers. */
static void check_servers(struct event_loop *loop) {
    if (!alive(console)) {
        printf("chat: the console server has gone\n");
        quit(loop, 1);
    } else if (!alive(chat)) {
        chat_failed(loop, ERR_ABORTED);
    }
}

/* The timer: the servers, and output the console refused. */
static void on_timer(struct event_loop *loop) {
    check_servers(loop);
    error_t err;
    if (!loop->stop && kept_len && (err = chat_fetch_all()))
        chat_failed(loop, err);
}

/* Both servers, so that we learn when one ends; if a watch fails (it had
 * ended already), the timer checks on them. */
static void watch_servers(void) {
    if (task_watch(chat) || task_watch(console))
        timer_set(CHECK_MS, CHECK_MS);
}

/* Why the server refused our nickname, in the user's terms. */
static void report_bad_nick(error_t err) {
    static const char *const why[] = {
        [TEXT_NOT_UTF8] = "must be valid UTF-8",
        [TEXT_CONTROL] = "may not contain control characters",
        [TEXT_INVISIBLE] = "may not contain spaces or invisible characters",
    };
    size_t len = strlen(nick);
    enum text_fault fault = text_check_name(nick, len);
    if (err == ERR_TOO_LARGE || len >= CHAT_NICK_MAX)
        say("chat: a nickname is at most %d bytes; \"%s\" is %lu\n",
            CHAT_NICK_MAX - 1, nick_shown, (unsigned long) len);
    else if (len == 0)
        say("chat: a nickname may not be empty\n");
    else if (fault != TEXT_OK)
        say("chat: a nickname %s: \"%s\"\n", why[fault], nick_shown);
    else
        say("chat: the nickname \"%s\" was refused: %s\n", nick_shown,
            err_str(err));
}

static void report_open_error(error_t err) {
    if (err == ERR_ALREADY_EXISTS)
        say("chat: the nickname \"%s\" is taken; try another\n", nick_shown);
    else if (err == ERR_INVALID_ARG || err == ERR_TOO_LARGE)
        report_bad_nick(err);
    else if (err == ERR_FULL)
        say("chat: the chat is full (%d members)\n", CHAT_SESSIONS);
    else
        say("chat: cannot join: %s\n", err_str(err));
}

/* Look the chat server up and join; says what went wrong if we cannot. */
static error_t join(void) {
    chat = ipc_lookup_timeout("chat", LOOKUP_MS);
    if (chat < 0) {
        say("chat: no chat server: %s\n", err_str(chat));
        return chat;
    }
    error_t err = chat_open(nick);
    if (err)
        report_open_error(err);
    else
        say("chat: you are %s; type /quit or Ctrl-D to leave\n", nick_shown);
    return err;
}

/* One try at the chat server that now has the name: ERR_ABORTED when the
 * name still led to the one that ended. */
static error_t join_again(void) {
    chat = ipc_lookup_timeout("chat", REJOIN_LOOKUP_MS);
    if (chat < 0)
        return chat;
    error_t err = alive(chat) ? chat_open(nick) : ERR_ABORTED;
    if (err) {
        handle_close(chat);
        chat = 0;
    }
    return err;
}

/* The chat server ended. Its members and history went with it; join the
 * server that takes its place (init restarts it), as the same nickname,
 * a bounded number of times. Called again while at it: we give up. */
static void rejoin(struct event_loop *loop) {
    static bool rejoining;
    handle_close(chat);
    chat = 0;
    session = 0;
    if (rejoining) {
        say("chat: the chat server has gone again; bye\n");
        quit(loop, 1);
        return;
    }
    rejoining = true;
    say("(the chat server stopped; rejoining...)\n");
    error_t err = ERR_NOT_FOUND;
    for (int i = 0; i < REJOIN_TRIES && err; i++) {
        if (i > 0)
            sleep_ms(REJOIN_PAUSE_MS);
        err = join_again();
        if (err != ERR_ABORTED && err != ERR_TIMEOUT && err != ERR_NOT_FOUND)
            break; /* a server answered: it will not change its mind */
    }
    if (err) {
        if (err == ERR_ABORTED || err == ERR_TIMEOUT || err == ERR_NOT_FOUND)
            say("(could not rejoin: no chat server: %s)\n", err_str(err));
        else
            report_open_error(err);
        say("chat: the chat server has gone; bye\n");
        quit(loop, 1);
    } else {
        say("(rejoined as %s)\n", nick_shown);
        watch_servers();
        if ((err = chat_fetch_all())) /* our "joined" line, and what is new */
            chat_failed(loop, err);
    }
    rejoining = false;
}

static int run(void) {
    struct event_loop loop = {.on_notify = on_notify,
                              .on_death = check_servers,
                              .on_timer = on_timer};
    watch_servers();
    error_t err = chat_fetch_all(); /* our own "joined" line */
    if (err)
        chat_failed(&loop, err);
    if (!loop.stop)
        event_loop_run(&loop);
    if (session)
        chat_close();
    if (left)
        say("chat: you left the chat\n");
    return exit_code;
}

int main(void) {
    port = task_arg();
    nick = task_cmdline();
    text_shown(nick_shown, sizeof(nick_shown), nick, strlen(nick), 0, NULL);
    console = startup_handle(TAG_CONSOLE); /* lent by our shell */
    if (console < 0) {
        printf("chat: no terminal: start me with a shell's 'chat'\n");
        return 1;
    }
    error_t err = console_attach(console, port);
    if (err) {
        printf("chat: cannot attach to console port %d: %s\n", port,
               err_str(err));
        return 1;
    }
    int code = join() ? 1 : run();
    console_detach(console, port);
    return code;
}
