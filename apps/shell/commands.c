/* The shell's commands. */
#include "shell.h"
#include <resea/bootfs_task.h>
#include <format.h>
#include <resea/name.h>
#include <resea/supervisor.h>
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

static void cmd_names(struct shell *sh) {
    char buf[2048];
    int n = name_list(buf, sizeof(buf));
    if (n < 0)
        say(sh, "names: %s\n", err_str(n));
    else
        say(sh, "%s(%d names)\n", buf, n);
}

/* Start a program from the boot image, giving it the name server and the
 * capabilities its build.mk asks for (of those we hold), and a lease of
 * our terminal (leases.c): read and write in the foreground, write only
 * in the background. Its argument is our port (the chat client's
 * terminal), but for the test task, where a non-zero argument names one
 * of its own child modes. */
static handle_t start(struct shell *sh, const char *prog, const char *task_name,
                      const char *cmdline, bool foreground, uint64_t *lease) {
    struct held_caps held = sh->caps;
    *lease = 0;
    const struct bootfs_entry *e = bootfs_find(bootfs_image(), prog);
    if (!e || !strcmp(prog, "init"))
        return ERR_NOT_FOUND;
    held.console = shell_lend(sh, foreground, lease);
    uint64_t arg = strcmp(prog, "test") ? sh->port : 0;
    handle_t h = bootfs_start(e, &held, task_name, arg, cmdline);
    if (held.console)
        handle_close(held.console); /* the program has its copy */
    if (h < 0)
        shell_end_lease(sh, lease);
    return h;
}

static void run_foreground(struct shell *sh, handle_t h, uint64_t lease,
                           const char *what) {
    if (h < 0) {
        say(sh, "%s: %s\n", what, err_str(h));
        return;
    }
    sh->foreground = h;
    sh->foreground_lease = lease;
}

static void cmd_start(struct shell *sh, char *prog) {
    uint64_t lease;
    handle_t h = start(sh, prog, prog, "", false, &lease);
    if (h < 0) {
        say(sh, "start: %s: %s\n", prog, err_str(h));
        return;
    }
    struct task_status st;
    task_status(h, &st);
    if (lease)
        say(sh, "started %s (id %u)\n", prog, st.id);
    else
        say(sh,
            "started %s (id %u), without a terminal: its output goes "
            "to the kernel log\n",
            prog, st.id);
    shell_keep_background(sh, h, lease); /* in the background */
}

static void cmd_run(struct shell *sh, const char *prog) {
    uint64_t lease;
    handle_t h = start(sh, prog, prog, "", true, &lease);
    run_foreground(sh, h, lease, prog);
}

static task_t own_id(void) {
    struct handle_info info;
    handle_t self = task_self();
    task_t id = self > 0 && handle_info(self, &info) == OK ? info.task_id : 0;
    if (self > 0)
        handle_close(self);
    return id;
}

/* The one task named `what` whose creator is `creator` (any: 0): its id,
 * 0 if none, or ERR_ALREADY_EXISTS if several are. */
static int64_t named(const struct task_status *all, int n, const char *what,
                     task_t creator) {
    int64_t id = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].name, what) || (creator && all[i].creator != creator))
            continue;
        if (id)
            return ERR_ALREADY_EXISTS;
        id = all[i].id;
    }
    return id;
}

/* kill <id|name>: a name is first one of the tasks this shell started,
 * then a system task (started by init), then any, so that a user's task
 * is never taken for the system's. The operator's shell ends system
 * tasks through init; other shells end only what they started. */
static void cmd_kill(struct shell *sh, const char *what) {
    static struct task_status all[TASK_MAX];
    int n = task_list(sh->caps.spawn, all, TASK_MAX);
    int64_t id = 0;
    for (int i = 0; i < n && !id; i++) {
        char num[16];
        format(num, sizeof(num), "%u", all[i].id);
        if (!strcmp(num, what))
            id = all[i].id;
    }
    task_t system = init_id(all, n);
    if (!id)
        id = named(all, n, what, own_id());
    if (!id && system)
        id = named(all, n, what, system);
    if (!id)
        id = named(all, n, what, 0);
    if (id == ERR_ALREADY_EXISTS) {
        say(sh, "kill: %s: several tasks have that name; give an id\n", what);
        return;
    }
    /* A shell may end what it started (and what those started) only. */
    error_t err = id ? task_kill_id(sh->caps.spawn, id) : ERR_NOT_FOUND;
    const struct task_status *t = find_id(all, n, id);
    if (err == ERR_NOT_PERMITTED && t && t->creator == system)
        err = supervisor_kill(id); /* the operator's shell only */
    if (err == ERR_NOT_PERMITTED)
        say(sh, "kill: %s: not started from this shell\n", what);
    else if (err)
        say(sh, "kill: %s: %s\n", what, err_str(err));
    else
        say(sh, "killed %u\n", (task_t) id);
}

/* "chat:alice": a ':' no system task's name has, so that `ps` and
 * `kill` never confuse a chat client with a system task. The client
 * checks the nickname and says what is wrong with it; its task name only
 * has to be one the kernel takes (printable ASCII, no brackets), so other
 * bytes show there as '?'. */
static void cmd_chat(struct shell *sh, const char *nick) {
    char name[TASK_NAME_MAX];
    format(name, sizeof(name), "chat:%s", nick);
    for (char *p = name; *p; p++) {
        if (*p < 0x21 || *p > 0x7e || *p == '[' || *p == ']')
            *p = '?';
    }
    uint64_t lease;
    handle_t h = start(sh, "chat", name, nick, true, &lease);
    run_foreground(sh, h, lease, "chat");
}

static void cmd_help(struct shell *sh) {
    say(sh,
        "help               this list\n"
        "ps                 tasks: state, who waits on whom, priority\n"
        "top [refreshes]    tasks every second: CPU and IPC (Ctrl-C stops)\n"
        "names              names registered with the name server\n"
        "start <program>    start a program from the boot image\n"
        "run <program>      run one in the foreground, on this terminal\n"
        "kill <id|name>     end a task\n"
        "chat <nickname>    join the chat (leave with /quit or Ctrl-D)\n"
        "test               run the test task\n"
        "echo <text>        print the text\n"
        "trace <status|start|stop>  the kernel trace (make trace)\n");
}

#define ONE_OPTIONAL (-2) /* args: none or one */

struct command {
    const char *name;
    int args; /* exactly this many after the name, or ONE_OPTIONAL */
    const char *usage;
};

static const struct command commands[] = {
    {"help", 0, "help"},
    {"ps", 0, "ps"},
    {"names", 0, "names"},
    {"start", 1, "start <program>"},
    {"kill", 1, "kill <id|name>"},
    {"chat", 1, "chat <nickname>"},
    {"test", 0, "test"},
    {"run", 1, "run <program>"},
    {"echo", -1, "echo <text>"},
    {"trace", 1, "trace <status|start|stop>"},
    {"top", ONE_OPTIONAL, "top [refreshes]"},
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
    if (c->args == ONE_OPTIONAL ? argc > 2 : argc - 1 != c->args) {
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
    else if (!strcmp(c->name, "run"))
        cmd_run(sh, argv[1]);
    else if (!strcmp(c->name, "kill"))
        cmd_kill(sh, argv[1]);
    else if (!strcmp(c->name, "chat"))
        cmd_chat(sh, argv[1]);
    else if (!strcmp(c->name, "test"))
        cmd_run(sh, "test");
    else if (!strcmp(c->name, "trace"))
        cmd_trace(sh, argv[1]);
    else if (!strcmp(c->name, "top"))
        cmd_top(sh, argc > 1 ? argv[1] : NULL);
}
