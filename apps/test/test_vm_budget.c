/*
 * Memory budgets (vm_status, task_spec.memory): what a task holds is
 * charged to it, it cannot hold more than its creator gave it, and every
 * page comes back, to the budget and to the machine, when it is unmapped,
 * closed or its task ends.
 */
#include "vm_test.h"
#include <bootfs.h>
#include <elf.h>
#include <string.h>

#define CHUNKS_MAX 64
/* The page tables one more mapping may need (PDPT, PD, PT). */
#define TABLE_PAGES 3

/* The bytes the program's segments take in memory. */
static uint64_t image_bytes(void) {
    uint64_t size, total = 0;
    const uint8_t *image = self_image(&size);
    struct elf64_ehdr eh;
    memcpy(&eh, image, sizeof(eh));
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, image + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (elf_loadable(&ph))
            total += ph.p_memsz;
    }
    return total;
}

TEST(vm_status_reports_the_budget) {
    struct vm_status st;
    CHECK_ERR(vm_status(&st), OK);
    CHECK(st.limit > 0);
    CHECK(st.used <= st.limit);
    CHECK(st.used >= image_bytes() + USER_STACK_SIZE);
    CHECK_EQ(st.limit % PAGE, 0);
    CHECK_EQ(st.used % PAGE, 0);
    CHECK_ERR(vm_status(NULL), ERR_BAD_POINTER);
    CHECK_ERR(vm_status((struct vm_status *) 0xffff800000001000ull),
              ERR_BAD_POINTER);
    CHECK_ERR(vm_status((struct vm_status *) USER_IMAGE_BASE),
              ERR_BAD_POINTER); /* read-only */
}

/* Map anonymous memory until the budget refuses a page; how many chunks
 * (in a[], of lengths len[]), or an error. */
static int fill_budget(int64_t *a, uint64_t *len) {
    struct vm_status st = vm_now();
    int n = 0;
    for (uint64_t l = (st.limit - st.used) & ~(PAGE - 1);
         l >= PAGE && n < CHUNKS_MAX;) {
        int64_t got = anon_map(l, RW);
        if (got == ERR_NO_MEMORY) {
            l = (l / 2) & ~(PAGE - 1);
            continue;
        }
        if (got < 0)
            return (int) got;
        a[n] = got;
        len[n++] = l;
        *(volatile uint8_t *) (got + l - 1) = 1;
    }
    return n;
}

static error_t unmap_all(const int64_t *a, const uint64_t *len, int n) {
    for (int i = 0; i < n; i++) {
        error_t err = unmap(a[i], len[i]);
        if (err)
            return err;
    }
    return OK;
}

TEST(vm_map_past_the_budget_is_refused) {
    handle_t peer = spawn_peer_with(CHILD_VM_PEER, 0, TEST_PRIORITY + 1, 0,
                                    NULL, PEER_MEMORY);
    CHECK(peer > 0);
    struct vm_status st = vm_now();
    uint64_t left = (st.limit - st.used) & ~(PAGE - 1);
    CHECK_VM_ERR(anon_map(left + PAGE, RW), ERR_NO_MEMORY);
    CHECK_VM_ERR(mem_create(left + PAGE, 0), ERR_NO_MEMORY);
    struct vm_status now = vm_now();
    CHECK_EQ(now.used, st.used);
    CHECK_EQ(now.regions, st.regions);
    static int64_t a[CHUNKS_MAX];
    static uint64_t len[CHUNKS_MAX];
    int n = fill_budget(a, len);
    CHECK(n > 0 && n < CHUNKS_MAX);
    uint64_t full = vm_used();
    CHECK(full <= st.limit);
    CHECK(st.limit - full < (1 + TABLE_PAGES) * PAGE);
    CHECK_VM_ERR(mem_create(PAGE, 0), ERR_NO_MEMORY);
    CHECK_VM_ERR(spawn_peer_with(CHILD_EXIT_0, 0, TEST_PRIORITY - 1, 0, NULL,
                                 PEER_MEMORY),
                 ERR_NO_MEMORY);
    CHECK_EQ(vm_used(), full);
    /* Our limit is ours alone: another task still allocates. */
    CHECK_VM_ERR(vm_peer_alloc(peer, 64 * 1024), OK);
    CHECK_ERR(unmap_all(a, len, n), OK);
    CHECK_EQ(vm_used(), st.used);
    /* Nothing leaked: the budget fills to the same point again. */
    n = fill_budget(a, len);
    CHECK(n > 0);
    CHECK_EQ(vm_used(), full);
    CHECK_ERR(unmap_all(a, len, n), OK);
    end_peer(peer);
}

/* What is mapped is charged, and unmapping gives it all back: the pages,
 * the page tables and the table of regions. */
TEST(vm_unmap_returns_the_pages_to_the_budget) {
    uint64_t empty = vm_used(), empty_pages = free_pages();
    int64_t a = anon_map(16 * PAGE, RW);
    CHECK(a > 0);
    CHECK(vm_used() > empty + 16 * PAGE); /* tables too */
    CHECK_ERR(unmap(a, 16 * PAGE), OK);
    CHECK_EQ(vm_used(), empty);
    CHECK_EQ(free_pages(), empty_pages);
    /* Next to another mapping, the pages alone. */
    int64_t keep = anchor();
    CHECK(keep > 0);
    uint64_t base = vm_used(), pages = free_pages();
    a = anon_map(16 * PAGE, RW);
    CHECK(a > 0);
    CHECK_EQ(vm_used(), base + 16 * PAGE);
    CHECK_EQ(free_pages(), pages - 16);
    CHECK_ERR(unmap(a, 16 * PAGE), OK);
    CHECK_EQ(vm_used(), base);
    CHECK_EQ(free_pages(), pages);
    /* An object's pages stay while a handle or a mapping holds them. */
    handle_t h = mem_create(16 * PAGE, 0);
    CHECK(h > 0);
    uint64_t with_object = vm_used();
    CHECK(with_object >= base + 16 * PAGE);
    CHECK_EQ(vm_map(h, 0, VM_ANYWHERE, 16 * PAGE, RW), a);
    fill(a, 16 * PAGE, 15);
    CHECK_EQ(vm_used(), with_object);
    CHECK_ERR(handle_close(h), OK);
    CHECK_EQ(vm_used(), with_object); /* the mapping holds it */
    CHECK(holds(a, 16 * PAGE, 15));
    CHECK_ERR(unmap(a, 16 * PAGE), OK);
    CHECK_EQ(vm_used(), base);
    CHECK_EQ(free_pages(), pages);
    /* The other way round: unmapped first, then closed. */
    h = mem_create(16 * PAGE, 0);
    CHECK(h > 0);
    CHECK_EQ(vm_map(h, 0, VM_ANYWHERE, 16 * PAGE, RW), a);
    CHECK_ERR(unmap(a, 16 * PAGE), OK);
    CHECK_EQ(vm_used(), with_object);
    CHECK_ERR(handle_close(h), OK);
    CHECK_EQ(vm_used(), base);
    CHECK_EQ(free_pages(), pages);
    CHECK_ERR(unmap(keep, PAGE), OK);
    CHECK_EQ(vm_used(), empty);
    CHECK_EQ(free_pages(), empty_pages);
}

TEST(vm_child_budget_is_what_its_creator_gave) {
    static const uint64_t budgets[] = {3 * 1024 * 1024, PEER_MEMORY + PAGE};
    for (unsigned i = 0; i < 2; i++) {
        struct vm_status before = vm_now();
        uint64_t pages = free_pages();
        handle_t c = spawn_peer_with(CHILD_VM_LIMIT, 0, TEST_PRIORITY - 1, 0,
                                     NULL, budgets[i]);
        CHECK(c > 0);
        CHECK_EQ(vm_used(), before.used + budgets[i]); /* handed down */
        CHECK_EQ(exit_code_of(c), budgets[i]);
        CHECK_EQ(vm_used(), before.used); /* back with the child */
        CHECK_EQ(free_pages(), pages);
    }
    handle_t c =
        spawn_peer_with(CHILD_VM_LIMIT, 0, TEST_PRIORITY - 1, 0, NULL, 0);
    CHECK(c > 0);
    CHECK_EQ(exit_code_of(c), TASK_MEMORY_DEFAULT);
}

TEST(vm_spawn_with_more_than_is_left_is_refused) {
    struct vm_status st = vm_now();
    uint64_t pages = free_pages();
    uint64_t left = (st.limit - st.used) & ~(PAGE - 1);
    CHECK_VM_ERR(spawn_peer_with(CHILD_EXIT_0, 0, TEST_PRIORITY - 1, 0, NULL,
                                 left + PAGE),
                 ERR_NO_MEMORY);
    CHECK_VM_ERR(
        spawn_peer_with(CHILD_EXIT_0, 0, TEST_PRIORITY - 1, 0, NULL, st.limit),
        ERR_NO_MEMORY);
    /* Too little for the child's own image: refused, nothing kept. */
    CHECK_VM_ERR(
        spawn_peer_with(CHILD_EXIT_0, 0, TEST_PRIORITY - 1, 0, NULL, 16 * PAGE),
        ERR_NO_MEMORY);
    CHECK_EQ(vm_used(), st.used);
    CHECK_EQ(free_pages(), pages);
}

/* A task that ends holding mappings, anonymous and of an object it made,
 * gives every page back: killed, or by a fault. */
TEST(vm_task_death_returns_every_page) {
    handle_t self = self_handle();
    uint64_t used = vm_used(), pages = free_pages();
    for (int fault = 0; fault < 2; fault++) {
        handle_t c =
            spawn_peer_with(CHILD_VM_HOLDER, vm_holder_param(16, 0, fault),
                            TEST_PRIORITY - 1, 1, &self, PEER_MEMORY);
        CHECK(c > 0);
        struct message m;
        CHECK_ERR(ipc_recv_timeout(task_id_of(c), &m, 5000), OK);
        CHECK_EQ(m.type, VMPEER_HOLDER_READY_MSG);
        if (!fault)
            CHECK_ERR(task_kill(c), OK);
        struct task_status st;
        CHECK_ERR(wait_dead(c, &st), OK);
        CHECK_EQ(st.exit_reason, fault ? EXIT_PAGE_FAULT : EXIT_KILLED);
        CHECK_ERR(handle_close(c), OK);
        CHECK_EQ(free_pages(), pages);
        CHECK_EQ(vm_used(), used);
    }
}

/* An object outlives the task that made it while another holds a handle:
 * its pages (and its maker's budget) come back with the last one. */
TEST(vm_object_outlives_its_maker) {
    handle_t self = self_handle();
    uint64_t used = vm_used(), pages = free_pages();
    handle_t c = spawn_peer_with(CHILD_VM_HOLDER, vm_holder_param(16, 1, 0),
                                 TEST_PRIORITY - 1, 1, &self, PEER_MEMORY);
    CHECK(c > 0);
    struct message m;
    CHECK_ERR(ipc(0, task_id_of(c), &m, IPC_RECV | IPC_ACCEPT_HANDLE, 5000),
              OK);
    CHECK_EQ(m.type, VMPEER_HOLDER_READY_MSG);
    handle_t h = msg_take_handle(&m);
    CHECK(h > 0);
    end_peer(c);
    CHECK(free_pages() < pages);
    CHECK(vm_used() > used); /* its budget is not back yet */
    int64_t a = vm_map(h, 0, VM_ANYWHERE, 16 * PAGE, MAP_READ);
    CHECK(a > 0);
    CHECK(holds(a, 16 * PAGE, 2));
    CHECK_ERR(unmap(a, 16 * PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
    CHECK_EQ(free_pages(), pages);
    CHECK_EQ(vm_used(), used);
}

/* One cycle of the stress test: an object made, mapped, written, mapped
 * again through a read-only handle (and, with a peer, shared with it),
 * unmapped and closed. */
static void cycle(uint64_t i, handle_t peer) {
    handle_t h = mem_create(2 * PAGE, 0);
    CHECK(h > 0);
    int64_t w = vm_map(h, 0, VM_ANYWHERE, 2 * PAGE, RW);
    CHECK(w > 0);
    volatile uint64_t *pw = (volatile uint64_t *) w;
    pw[0] = i;
    pw[PAGE / 8 + 1] = ~i;
    handle_t r = handle_dup(h, RIGHT_MAP_READ, 0);
    CHECK(r > 0);
    int64_t b = vm_map(r, 0, VM_ANYWHERE, 2 * PAGE, MAP_READ);
    CHECK(b > 0);
    volatile uint64_t *pb = (volatile uint64_t *) b;
    CHECK_EQ(pb[0], i);
    CHECK_EQ(pb[PAGE / 8 + 1], ~i);
    if (peer) {
        CHECK(vm_peer_map(peer, handle_dup(r, RIGHT_MAP_READ, 0),
                          MSG_HANDLE_MOVE, MAP_READ, 2 * PAGE, NULL) > 0);
        CHECK_EQ(vm_peer_hash(peer), fnv_hash((const void *) w, 2 * PAGE));
        CHECK_ERR(vm_peer_release(peer), OK);
    }
    CHECK_ERR(unmap(w, 2 * PAGE), OK);
    CHECK_ERR(unmap(b, 2 * PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
    CHECK_ERR(handle_close(r), OK);
}

/* A holder that ends with its mappings, after handing us its object
 * (`send`) or not. */
static void holder_dies(bool send, bool fault) {
    handle_t self = self_handle();
    handle_t c =
        spawn_peer_with(CHILD_VM_HOLDER, vm_holder_param(8, send, fault),
                        TEST_PRIORITY - 1, 1, &self, PEER_MEMORY);
    CHECK(c > 0);
    struct message m;
    CHECK_ERR(ipc(0, task_id_of(c), &m, IPC_RECV | IPC_ACCEPT_HANDLE, 5000),
              OK);
    handle_t h = msg_take_handle(&m);
    CHECK_EQ(h > 0, send);
    if (!fault)
        CHECK_ERR(task_kill(c), OK);
    struct task_status st;
    CHECK_ERR(wait_dead(c, &st), OK);
    CHECK_EQ(st.exit_reason, fault ? EXIT_PAGE_FAULT : EXIT_KILLED);
    CHECK_ERR(handle_close(c), OK);
    if (send) {
        int64_t a = vm_map(h, 0, VM_ANYWHERE, 8 * PAGE, MAP_READ);
        CHECK(a > 0);
        CHECK(holds(a, 8 * PAGE, 2));
        CHECK_ERR(unmap(a, 8 * PAGE), OK);
        CHECK_ERR(handle_close(h), OK);
    }
}

TEST(vm_1000_cycles_leave_no_trace) {
    uint64_t used = vm_used(), pages = free_pages();
    handle_t peer = spawn_peer_with(CHILD_VM_PEER, 0, TEST_PRIORITY + 1, 0,
                                    NULL, PEER_MEMORY);
    CHECK(peer > 0);
    for (uint64_t i = 1; i <= 1000 && !test_failed(); i++) {
        cycle(i, i % 10 == 0 ? peer : 0);
        if (i % 250 == 0 && !test_failed())
            holder_dies(i % 500 == 0, i % 500 != 0);
    }
    end_peer(peer);
    if (test_failed())
        return; /* with the first reason */
    CHECK_EQ(free_pages(), pages);
    CHECK_EQ(vm_used(), used);
}
