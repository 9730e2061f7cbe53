/*
 * Supervision (docs/supervision.md): what task_status says wakes a task,
 * the renewal of start-up handles (the test task plays init for a fresh
 * name server and chat server) and init's refusal to answer a task it did
 * not start.
 */
#include "test.h"
#include <msgtypes.h>
#include <proto/supervisor.h>
#include <resea/name.h>
#include <resea/startup.h>
#include <string.h>

#define OUR_BADGE SUPERVISOR_BADGE(7) /* any place: we are the supervisor */
#define NAME_RIGHTS (RIGHT_SEND | RIGHT_CALL | RIGHT_GRANT)

static void end(handle_t h) {
    if (h > 0) {
        task_kill(h);
        handle_close(h);
    }
}

/* Until the task behind h is blocked in a receive. */
static bool wait_receiving(handle_t h, struct task_status *st) {
    for (int i = 0; i < 200; i++) {
        if (task_status(h, st) == OK && st->state == TASK_BLOCKED &&
            st->wait == WAIT_RECEIVE)
            return true;
        drain_ms(5);
    }
    return false;
}

static const struct task_status *listed(const struct task_status *all, int n,
                                        task_t id) {
    for (int i = 0; i < n; i++) {
        if (all[i].id == id)
            return &all[i];
    }
    return NULL;
}

/* A blocked child is woken by the task holding a notify handle to it: not
 * by us, its creator, though we hold every right to it. */
TEST(task_status_names_who_can_wake_a_task) {
    handle_t waiter = spawn_child(CHILD_BLOCK, TEST_PRIORITY + 1);
    CHECK(waiter > 0);
    struct task_status st;
    CHECK(wait_receiving(waiter, &st));
    CHECK_EQ(st.num_wakers, 0);
    CHECK_EQ(st.creator, task_id_of(self_handle()));
    handle_t notify = handle_dup(waiter, RIGHT_NOTIFY | RIGHT_GRANT, 0);
    CHECK(notify > 0);
    handle_t holder = spawn_peer(CHILD_BLOCK, 0, TEST_PRIORITY + 1, 1, &notify);
    CHECK(holder > 0);
    handle_close(notify);
    CHECK(wait_receiving(waiter, &st));
    CHECK_EQ(st.num_wakers, 1);
    CHECK_EQ(st.wakers[0], task_id_of(holder));
    CHECK_EQ(st.timer_armed, 0);
    CHECK_EQ(st.irq_lines, 0);
    /* task_list says the same, computed for every task at once. */
    static struct task_status all[TASK_LIST_MAX];
    int n = task_list(H_SPAWN, all, TASK_LIST_MAX);
    const struct task_status *w = listed(all, n, task_id_of(waiter));
    CHECK(w);
    CHECK_EQ(w->num_wakers, 1);
    CHECK_EQ(w->wakers[0], task_id_of(holder));
    /* Once the holder is gone, nobody can. */
    end(holder);
    CHECK_ERR(task_status(waiter, &st), OK);
    CHECK_EQ(st.num_wakers, 0);
    end(waiter);
}

/* The test task's timer shows in its own entry of the list. */
TEST(task_list_shows_an_armed_timer) {
    static struct task_status all[TASK_LIST_MAX];
    task_t self = task_id_of(self_handle());
    CHECK_ERR(timer_set(10000, 0), OK);
    int n = task_list(H_SPAWN, all, TASK_LIST_MAX);
    const struct task_status *t = listed(all, n, self);
    CHECK(t);
    CHECK_EQ(t->timer_armed, 1);
    CHECK_ERR(timer_set(0, 0), OK);
    n = task_list(H_SPAWN, all, TASK_LIST_MAX);
    t = listed(all, n, self);
    CHECK(t);
    CHECK_EQ(t->timer_armed, 0);
}

/* Our entry's index in the image: the badge of our serve right says it. */
static uint64_t serve_badge(void) {
    struct handle_info info;
    return handle_info(H_SERVE, &info) == OK ? info.badge : 0;
}

/* A name server of our own, and the chat server started on it with a
 * supervisor handle to us, as init starts it. */
struct fresh {
    handle_t name, chat;
};

static handle_t minted(handle_t name, uint64_t badge) {
    return handle_dup(name, NAME_RIGHTS, badge);
}

static error_t start_chat(struct fresh *f) {
    handle_t given[] = {
        minted(f->name, NAME_BADGE_PLAIN), minted(f->name, serve_badge()),
        handle_dup(self_handle(), RIGHT_CALL | RIGHT_GRANT, OUR_BADGE)};
    const uint32_t tags[] = {TAG_NAME, TAG_NAME_SERVE, TAG_SUPERVISOR};
    f->chat = start_boot_task_tagged("chat-server", 3, given, tags);
    for (int i = 0; i < 3; i++)
        handle_close(given[i]);
    return f->chat < 0 ? f->chat : OK;
}

/* A lookup of "chat" in our name server, waiting up to 2 s. */
static error_t look_up_chat(handle_t name) {
    handle_t plain = minted(name, NAME_BADGE_PLAIN);
    struct message m = {.type = NAME_LOOKUP_MSG};
    struct name_request *req = (struct name_request *) m.data;
    strlcpy(req->name, "chat", sizeof(req->name));
    req->timeout_ms = 400;
    error_t err = ERR_TIMEOUT;
    for (int i = 0; i < 5 && err == ERR_TIMEOUT; i++) {
        struct message r = m;
        err = ipc_call_handle(plain, &r);
        if (!err)
            err = (error_t) r.words[0];
        if (r.handle > 0)
            handle_close(r.handle);
    }
    handle_close(plain);
    return err;
}

/* Answer the chat server's renewals, playing init: the tags it asked
 * for, as bits; stops when it has registered again or after 2 s. */
static uint32_t answer_renewals(struct fresh *f, task_t chat) {
    uint32_t asked = 0;
    uint64_t until = uptime_ms() + 2000;
    while (uptime_ms() < until &&
           asked != (1u << TAG_NAME | 1u << TAG_NAME_SERVE)) {
        struct message m;
        if (ipc_recv_timeout(IPC_ANY, &m, 100) != OK ||
            m.type != SUPERVISOR_RENEW_MSG || m.src != chat)
            continue;
        if (m.badge != OUR_BADGE || m.words[0] >= 32)
            continue;
        asked |= 1u << m.words[0];
        uint64_t badge =
            m.words[0] == TAG_NAME_SERVE ? serve_badge() : NAME_BADGE_PLAIN;
        struct message r = {.type = SUPERVISOR_RENEW_MSG | MSG_HANDLE_MOVE,
                            .handle = minted(f->name, badge)};
        ipc_reply(m.src, &r);
    }
    return asked;
}

/* A server whose name server is started again renews its handles through
 * its supervisor and registers its names again, with no handle left over
 * from the first. */
TEST(a_server_renews_its_handles_and_registers_again) {
    struct fresh f = {.name = start_boot_task_tagged("name", 0, NULL, NULL)};
    CHECK_ERR(f.name < 0 ? f.name : OK, OK);
    CHECK(serve_badge() >= NAME_BADGE_ENTRY(0));
    CHECK_ERR(start_chat(&f), OK);
    CHECK_ERR(look_up_chat(f.name), OK);
    struct task_status st;
    CHECK_ERR(task_status(f.chat, &st), OK);
    uint32_t handles = st.num_handles;
    end(f.name); /* the chat server sees it end */
    f.name = start_boot_task_tagged("name", 0, NULL, NULL);
    CHECK_ERR(f.name < 0 ? f.name : OK, OK);
    uint32_t asked = answer_renewals(&f, task_id_of(f.chat));
    CHECK_EQ(asked, 1u << TAG_NAME | 1u << TAG_NAME_SERVE);
    CHECK_ERR(look_up_chat(f.name), OK);
    CHECK_ERR(task_status(f.chat, &st), OK);
    CHECK_EQ(st.num_handles, handles); /* the old ones were closed */
    end(f.chat);
    end(f.name);
}

/* A supervisor handle passed on is worth nothing: init answers only the
 * task it gave it to (our runner passes us its own, if init started it). */
TEST(init_answers_no_task_it_did_not_start) {
    handle_t init = startup_handle(TAG_SUPERVISOR);
    if (init <= 0) { /* run from a shell, which passes on no supervisor */
        CHECK_ERR(startup_renew(TAG_NAME), ERR_NOT_FOUND);
        return;
    }
    struct message m = {.type = SUPERVISOR_RENEW_MSG};
    m.words[0] = TAG_NAME;
    CHECK_ERR(ipc_call_handle(init, &m), OK);
    CHECK_ERR((error_t) m.words[0], ERR_NOT_PERMITTED);
    CHECK(m.handle <= 0);
    CHECK_ERR(startup_renew(TAG_NAME), ERR_NOT_PERMITTED);
    m = (struct message){.type = SUPERVISOR_KILL_MSG};
    m.words[0] = task_id_of(self_handle());
    CHECK_ERR(ipc_call(init, &m), OK);
    CHECK_ERR((error_t) m.words[0], ERR_NOT_PERMITTED);
    CHECK_ERR(startup_renew(TAG_SUPERVISOR), ERR_INVALID_ARG);
}
