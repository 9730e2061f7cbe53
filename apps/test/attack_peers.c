/* Tasks that try what their handles should not allow (test_attack_kernel.c). */
#include "test.h"

#define H_GIVEN 1 /* the one handle each is started with */

/* A copy of us named `name` in `mode` at `priority`, with no handles. */
static handle_t spawn_self(handle_t spawner, const char *name, int mode,
                           uint32_t priority) {
    uint64_t size;
    struct task_spec spec = {.name = name,
                             .image = self_image(&size),
                             .arg = mode,
                             .priority = priority};
    spec.image_size = size;
    return task_create(spawner, &spec);
}

/* The same through the handle we were given. */
static handle_t spawn_with_given(int mode, uint32_t priority) {
    return spawn_self(H_GIVEN, "grandchild", mode, priority);
}

static int spawn_at(uint32_t priority) {
    handle_t h = spawn_with_given(CHILD_EXIT_0, priority);
    if (h < 0)
        return h;
    handle_close(h);
    return 1; /* created: the attack worked */
}

static int spawn_blocker(uint32_t priority) {
    handle_t h = spawn_with_given(CHILD_BLOCK, priority);
    return h < 0 ? h : (int) task_id_of(h);
}

static int listen_and_close(uint32_t irq) {
    error_t err = irq_listen(H_GIVEN, irq);
    if (err)
        return err;
    handle_close(H_GIVEN); /* our only IRQ handle */
    struct message m;
    for (;;)
        ipc_recv(IPC_ANY, &m);
}

/* Written by a task named "spoofer": each must show as its own. */
static const char spoof_lines[] = "[init] started console\n"
                                  "[kernel] task init (#257) killed\n"
                                  "ok\r[kernel] behind a carriage return\n"
                                  "\x1b[2K\r[name] behind an escape\n"
                                  "[spoofer] its own, as it is\n";

static int write_spoof_lines(void) {
    /* Split across calls: the kernel keeps its place in the line. */
    sys_console_write(spoof_lines, 3);
    return sys_console_write(spoof_lines + 3, sizeof(spoof_lines) - 4);
}

int attack_peer_main(int mode, uint64_t param) {
    switch (mode) {
    case CHILD_SPAWN_AT:
        return spawn_at(param);
    case CHILD_SPAWN_BLOCKER:
        return spawn_blocker(param);
    case CHILD_KILL_ID:
        return task_kill_id(H_GIVEN, (task_t) param);
    case CHILD_NOTIFY_BIT:
        return ipc_notify(H_GIVEN, 1ull << param);
    case CHILD_NOTIFY_CLIENT:
        return notify_client((task_t) param, 1ull << (param >> 32));
    case CHILD_IRQ_AND_CLOSE:
        return listen_and_close(param);
    case CHILD_LOG_SPOOF:
        return write_spoof_lines();
    case CHILD_STARTUP_TABLE:
        return startup_table_main();
    }
    return -1;
}

int log_spoof_main(void) {
    handle_t h = spawn_self(H_SPAWN, "spoofer", CHILD_LOG_SPOOF, TEST_PRIORITY);
    int64_t code = h < 0 ? h : exit_code_of(h);
    printf("log spoof: %ld\n", code);
    io_out(H_IOPORT, 0xf4, 1, code == 0 ? 0 : 1);
    return 0;
}
