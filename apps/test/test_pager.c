/*
 * Pagers (vm_pager): a region whose pages come from another task. Here
 * the case itself is the pager of a child's region: it zero-fills the
 * first pages, gives a copy of one of its own pages for the next, and
 * refuses the one after, which ends the child.
 */
#include "test.h"
#include <layout.h>
#include <resea/startup.h>
#include <vm.h>

#define PAGE 4096
#define WORDS_PER_PAGE (PAGE / 8)
#define PAGER_PAGES 16
#define PAGER_ZERO 8          /* pages 0..7: zeroed */
#define PAGER_COPY PAGER_ZERO /* page 8: a copy of the pager's page */
#define PAGER_REFUSED (PAGER_COPY + 1)
#define PAGER_PATTERN 0x0123456789abcdefull

/* CHILD_PAGER_CLIENT: handle 1 is the pager. Reads each page first (a
 * read fault), then writes it (no fault: the page came writable). */
int pager_client_main(void) {
    int64_t base =
        vm_pager(VM_ANYWHERE, PAGER_PAGES * PAGE, MAP_READ | MAP_WRITE, 1);
    if (base < 0)
        return (int) base;
    volatile uint64_t *p = (volatile uint64_t *) base;
    for (int i = 0; i < PAGER_ZERO; i++) {
        if (p[i * WORDS_PER_PAGE + 7] != 0)
            return 100 + i;
        p[i * WORDS_PER_PAGE] = (uint64_t) i;
    }
    for (int i = 0; i < PAGER_ZERO; i++) {
        if (p[i * WORDS_PER_PAGE] != (uint64_t) i)
            return 200 + i;
    }
    if (p[PAGER_COPY * WORDS_PER_PAGE] != PAGER_PATTERN)
        return 300;
    p[PAGER_REFUSED * WORDS_PER_PAGE] = 1; /* refused: we end here */
    return 400;
}

/* Answer one fault as the test's pager does; returns the page index. */
static int64_t answer(const struct message *m, handle_t mem, uint64_t *base) {
    struct page_fault pf = page_fault_of(m);
    *base = pf.base;
    int64_t page = (int64_t) ((pf.addr - pf.base) / PAGE);
    struct message r = {.type = MSG_PAGE_REPLY};
    if (page == PAGER_COPY) {
        r.type |= MSG_HANDLE_COPY;
        r.handle = mem;
        page_reply_set(&r, (struct page_reply){.offset = 0});
    } else if (page == PAGER_REFUSED) {
        r.type = ERR_NOT_PERMITTED;
    }
    error_t err = ipc_reply(m->src, &r);
    return err ? err : page;
}

TEST(vm_pager_serves_faults_and_refuses_one) {
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    volatile uint64_t *ours =
        (uint64_t *) vm_map(mem, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_WRITE);
    CHECK((int64_t) ours > 0);
    ours[0] = PAGER_PATTERN;
    handle_t self = self_handle();
    handle_t child = spawn_peer(CHILD_PAGER_CLIENT, 0, TEST_PRIORITY, 1, &self);
    CHECK(child > 0);
    struct handle_info info;
    CHECK_ERR(handle_info(child, &info), OK);
    uint64_t base = 0;
    int faults = 0;
    for (int expect = 0; expect <= PAGER_REFUSED;) {
        struct message m;
        CHECK_ERR(ipc_recv_timeout(IPC_ANY, &m, 5000), OK);
        if (m.type == MSG_NOTIFICATIONS)
            continue;
        CHECK_EQ(m.type, MSG_PAGE_FAULT);
        CHECK_EQ(m.src, info.task_id);
        struct page_fault pf = page_fault_of(&m);
        CHECK_EQ(pf.access, expect == PAGER_REFUSED ? PF_WRITE : PF_READ);
        CHECK_EQ(pf.size, PAGER_PAGES * PAGE);
        CHECK_EQ(answer(&m, mem, &base), expect);
        expect++;
        faults++;
    }
    struct task_status st;
    CHECK_ERR(wait_dead(child, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_PAGE_FAULT);
    CHECK_EQ(st.fault_addr, base + PAGER_REFUSED * PAGE);
    CHECK_EQ(faults, PAGER_REFUSED + 1);
}

/* A pager that dies while a fault waits for it: the faulting task ends
 * (nobody can give it the page), and the kernel stays up. */
TEST(vm_pager_death_ends_the_faulting_task) {
    handle_t pager = spawn_child(CHILD_BLOCK, TEST_PRIORITY);
    CHECK(pager > 0);
    handle_t give = handle_dup(pager, RIGHT_CALL | RIGHT_GRANT, 0);
    CHECK(give > 0);
    handle_t child = spawn_peer(CHILD_PAGER_CLIENT, 0, TEST_PRIORITY, 1, &give);
    CHECK(child > 0);
    struct task_status st;
    for (int i = 0; i < 200; i++) { /* until it waits on the pager */
        CHECK_ERR(task_status(child, &st), OK);
        if (st.state == TASK_BLOCKED && st.wait == WAIT_REPLY)
            break;
        sleep_ms(5);
    }
    CHECK_EQ(st.wait, WAIT_REPLY);
    CHECK_ERR(task_kill(pager), OK);
    CHECK_ERR(wait_dead(child, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_PAGE_FAULT);
}

/* vm_pager's own checks. */
TEST(vm_pager_refuses_bad_arguments) {
    handle_t self = self_handle();
    CHECK_ERR(vm_pager(VM_ANYWHERE, PAGE, MAP_READ, self), ERR_DEADLOCK);
    handle_t blocker = spawn_child(CHILD_BLOCK, TEST_PRIORITY);
    CHECK(blocker > 0);
    handle_t send_only = handle_dup(blocker, RIGHT_SEND, 0);
    CHECK_ERR(vm_pager(VM_ANYWHERE, PAGE, MAP_READ, send_only),
              ERR_NOT_PERMITTED);
    CHECK_ERR(vm_pager(VM_ANYWHERE, PAGE, MAP_WRITE | MAP_EXEC, blocker),
              ERR_INVALID_ARG);
    CHECK_ERR(vm_pager(VM_ANYWHERE, 100, MAP_READ, blocker), ERR_INVALID_ARG);
    CHECK_ERR(vm_pager((void *) 0xffff800000000000ull, PAGE, MAP_READ, blocker),
              ERR_BAD_POINTER);
    int64_t at = vm_pager(VM_ANYWHERE, 4 * PAGE, MAP_READ, blocker);
    CHECK(at > 0);
    CHECK_ERR(vm_pager((void *) at, PAGE, MAP_READ, blocker),
              ERR_ALREADY_EXISTS);
    CHECK_ERR(vm_unmap((void *) at, 4 * PAGE), OK);
    CHECK_ERR(task_kill(blocker), OK);
}

/* Stacks that grow on demand: init pages the USER_STACK_MAX -
 * USER_STACK_SIZE bytes below each stack for the tasks holding its pager
 * handle (TAG_PAGER, proto/supervisor.h). */

/* Use about `bytes` of stack, touching every page on the way down. The
 * frame must live across the call (no loop made of the recursion). */
static int dig(uint64_t bytes) {
    volatile uint8_t pad[1024];
    pad[0] = (uint8_t) bytes;
    int below = bytes <= sizeof(pad) ? 0 : dig(bytes - sizeof(pad));
    __asm__ volatile("" ::"r"(pad) : "memory");
    return below + pad[0];
}

/* CHILD_DEEP_STACK: use param bytes of stack, then exit 0. */
int deep_stack_main(uint64_t bytes) {
    dig(bytes);
    return 0;
}

#define DEEP (512 * 1024)

static handle_t our_pager(void) {
    handle_t h = startup_handle(TAG_PAGER);
    return h > 0 ? h : 0;
}

TEST(vm_stack_grows_on_demand_through_init) {
    handle_t pager = our_pager();
    CHECK(pager > 0);
    handle_t child = spawn_peer_with(CHILD_DEEP_STACK, DEEP, TEST_PRIORITY, 1,
                                     &pager, 4 * USER_STACK_MAX);
    CHECK(child > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(child, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_NORMAL);
    CHECK_EQ(st.exit_code, 0);
}

/* Whether the task behind h ended by a page fault in the page below
 * `bottom` (where a stack of that bottom overflows). */
static bool overflowed_at(handle_t h, uint64_t bottom) {
    struct task_status st;
    return h > 0 && wait_dead(h, &st) == OK &&
           st.exit_reason == EXIT_PAGE_FAULT && st.fault_addr < bottom &&
           st.fault_addr >= bottom - PAGE;
}

TEST(vm_stack_without_a_pager_does_not_grow) {
    handle_t child = spawn_peer(CHILD_DEEP_STACK, DEEP, TEST_PRIORITY, 0, NULL);
    CHECK(overflowed_at(child, USER_STACK_TOP - USER_STACK_SIZE));
}

TEST(vm_stack_growth_stops_at_its_limit) {
    handle_t pager = our_pager();
    /* With a budget for the whole stack, the fault is at the end of the
     * region, not where the budget ran out. */
    handle_t child = spawn_peer_with(CHILD_STACK_OVERFLOW, 0, TEST_PRIORITY, 1,
                                     &pager, 4 * USER_STACK_MAX);
    CHECK(overflowed_at(child, USER_STACK_TOP - USER_STACK_MAX));
}

/* init pages stacks only: a region of another shape is refused. */
TEST(vm_init_pages_nothing_but_stacks) {
    handle_t pager = our_pager();
    handle_t child =
        spawn_peer(CHILD_PAGER_CLIENT, 0, TEST_PRIORITY, 1, &pager);
    CHECK(child > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(child, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_PAGE_FAULT);
    CHECK(st.fault_addr >= VM_MAP_BASE);
}
