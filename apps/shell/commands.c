/* The shell's commands. */
#include "shell.h"
#include <resea/bootfs_task.h>
#include <format.h>
#include <resea/name.h>
#include <string.h>

#define ARGS_MAX 4

static int split(char *line, char **argv) {
    int argc = 0;
    for (char *p = line; *p && argc < ARGS_MAX;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return argc;
}

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

static const char *name_of(const struct task_status *all, int n, task_t id) {
    for (int i = 0; i < n; i++) {
        if (all[i].id == id)
            return all[i].name;
    }
    return "?";
}

/* Like QNX's sin: who runs, who waits on whom. */
static void cmd_ps(struct shell *sh) {
    static struct task_status all[TASK_MAX];
    int n = task_list(sh->caps.spawn, all, TASK_MAX);
    say(sh, "%-6s %-16s %-4s %-7s %s\n", "ID", "NAME", "PRIO", "HANDLES",
        "STATE");
    for (int i = 0; i < n; i++) {
        const struct task_status *t = &all[i];
        char state[64];
        if (t->state == TASK_RUNNING)
            strlcpy(state, "running", sizeof(state));
        else if (t->state == TASK_READY)
            strlcpy(state, "ready", sizeof(state));
        else if (t->wait_peer)
            format(state, sizeof(state), "%s on %u (%s)", wait_name(t->wait),
                   t->wait_peer, name_of(all, n, t->wait_peer));
        else
            strlcpy(state, wait_name(t->wait), sizeof(state));
        say(sh, "%-6u %-16s %-4u %-7u %s\n", t->id, t->name, t->priority,
            t->num_handles, state);
    }
}

static void cmd_names(struct shell *sh) {
    char buf[2048];
    int n = name_list(buf, sizeof(buf));
    if (n < 0)
        say(sh, "names: %s\n", err_str(n));
    else
        say(sh, "%s(%d names)\n", buf, n);
}

/* Start a program from the boot image, giving it the name server and the
 * capabilities its build.mk asks for (of those we hold); our terminal
 * only if it runs in the foreground. Its argument is our port (the chat
 * client's terminal), but for the test task, where a non-zero argument
 * names one of its own child modes. */
static handle_t start(struct shell *sh, const char *prog, const char *task_name,
                      const char *cmdline, bool foreground) {
    struct held_caps held = sh->caps;
    if (!foreground)
        held.console = 0;
    const struct bootfs_entry *e = bootfs_find(bootfs_image(), prog);
    if (!e || !strcmp(prog, "init"))
        return ERR_NOT_FOUND;
    uint64_t arg = strcmp(prog, "test") ? sh->port : 0;
    return bootfs_start(e, &held, task_name, arg, cmdline);
}

static void run_foreground(struct shell *sh, handle_t h, const char *what) {
    if (h < 0)
        say(sh, "%s: %s\n", what, err_str(h));
    else
        sh->foreground = h;
}

static void cmd_start(struct shell *sh, char *prog) {
    handle_t h = start(sh, prog, prog, "", false);
    if (h < 0) {
        say(sh, "start: %s: %s\n", prog, err_str(h));
        return;
    }
    struct task_status st;
    task_status(h, &st);
    say(sh, "started %s (id %u)\n", prog, st.id);
    handle_close(h); /* in the background: we do not wait for it */
}

/* kill <id|name>: a number is an id, else the first task of that name. */
static void cmd_kill(struct shell *sh, const char *what) {
    static struct task_status all[TASK_MAX];
    int n = task_list(sh->caps.spawn, all, TASK_MAX);
    task_t id = 0;
    for (int i = 0; i < n && !id; i++) {
        char num[16];
        format(num, sizeof(num), "%u", all[i].id);
        if (!strcmp(num, what) || !strcmp(all[i].name, what))
            id = all[i].id;
    }
    /* A shell may end what it started (and what those started) only. */
    error_t err = id ? task_kill_id(sh->caps.spawn, id) : ERR_NOT_FOUND;
    if (err == ERR_NOT_PERMITTED)
        say(sh, "kill: %s: not started from this shell\n", what);
    else if (err)
        say(sh, "kill: %s: %s\n", what, err_str(err));
    else
        say(sh, "killed %u\n", id);
}

static void cmd_chat(struct shell *sh, const char *nick) {
    char name[TASK_NAME_MAX];
    format(name, sizeof(name), "chat-%s", nick);
    run_foreground(sh, start(sh, "chat", name, nick, true), "chat");
}

static void cmd_help(struct shell *sh) {
    say(sh, "help               this list\n"
            "ps                 tasks: state, who waits on whom, priority\n"
            "names              names registered with the name server\n"
            "start <program>    start a program from the boot image\n"
            "kill <id|name>     end a task\n"
            "chat <nickname>    join the chat (leave with /quit)\n"
            "test               run the test task\n"
            "echo <text>        print the text\n");
}

struct command {
    const char *name;
    int args; /* exactly this many after the name */
    const char *usage;
};

static const struct command commands[] = {
    {"help", 0, "help"},           {"ps", 0, "ps"},
    {"names", 0, "names"},         {"start", 1, "start <program>"},
    {"kill", 1, "kill <id|name>"}, {"chat", 1, "chat <nickname>"},
    {"test", 0, "test"},           {"echo", -1, "echo <text>"},
};

static const struct command *find_command(const char *name) {
    for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    }
    return NULL;
}

#define WORD_MAX 16

static int min(int a, int b) { return a < b ? a : b; }

/* Edits (insert, delete, change, swap two neighbours) from a to b. */
static int distance(const char *a, const char *b) {
    int la = strlen(a), lb = strlen(b), d[WORD_MAX + 1][WORD_MAX + 1];
    for (int i = 0; i <= la; i++) {
        for (int j = 0; j <= lb; j++) {
            if (!i || !j) {
                d[i][j] = i + j;
                continue;
            }
            d[i][j] = min(d[i - 1][j - 1] + (a[i - 1] != b[j - 1]),
                          min(d[i - 1][j], d[i][j - 1]) + 1);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[la][lb];
}

/* The command a typo most likely meant: the word case folded, one edit
 * from a name (two for a word of five letters or more); or NULL. */
static const char *suggestion(const char *word) {
    char low[WORD_MAX + 1];
    size_t n = strlen(word);
    if (n > WORD_MAX)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        low[i] =
            word[i] >= 'A' && word[i] <= 'Z' ? word[i] + 'a' - 'A' : word[i];
    const char *best = NULL;
    int best_d = n < 5 ? 2 : 3; /* what is too far */
    for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        int d = distance(low, commands[i].name);
        if (d < best_d) {
            best = commands[i].name;
            best_d = d;
        }
    }
    return best;
}

static void unknown_command(struct shell *sh, const char *word) {
    const char *maybe = suggestion(word);
    if (maybe)
        say(sh, "%s: unknown command; did you mean '%s'?\n", word, maybe);
    else
        say(sh, "%s: unknown command (try 'help')\n", word);
}

void shell_run(struct shell *sh, char *line) {
    while (*line == ' ')
        line++;
    /* echo takes the rest of the line as it is, spaces and all. */
    if (!strncmp(line, "echo", 4) && (line[4] == ' ' || !line[4])) {
        say(sh, "%s\n", line[4] ? line + 5 : "");
        return;
    }
    char *argv[ARGS_MAX];
    int argc = split(line, argv);
    if (argc == 0)
        return;
    const struct command *c = find_command(argv[0]);
    if (!c) {
        unknown_command(sh, argv[0]);
        return;
    }
    if (argc - 1 != c->args) {
        say(sh, "usage: %s\n", c->usage);
        return;
    }
    if (!strcmp(c->name, "help"))
        cmd_help(sh);
    else if (!strcmp(c->name, "ps"))
        cmd_ps(sh);
    else if (!strcmp(c->name, "names"))
        cmd_names(sh);
    else if (!strcmp(c->name, "start"))
        cmd_start(sh, argv[1]);
    else if (!strcmp(c->name, "kill"))
        cmd_kill(sh, argv[1]);
    else if (!strcmp(c->name, "chat"))
        cmd_chat(sh, argv[1]);
    else if (!strcmp(c->name, "test"))
        run_foreground(sh, start(sh, "test", "test", "", true), "test");
}
