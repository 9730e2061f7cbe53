/*
 * Attacks on the memory capabilities: each case tries what a task must
 * not be able to do with memory objects, mappings, budgets and pagers,
 * and fails if it works. A plain app may not reach another task's memory,
 * take memory its budget does not pay for, leave a kernel pointer to a
 * page it gave back, map W+X, or crash the kernel through a pager.
 */
#include "test.h"
#include <elf.h>
#include <layout.h>
#include <resea/startup.h>
#include <string.h>
#include <vm.h>

#define PAGE 4096ull
#define RW (MAP_READ | MAP_WRITE)
#define PML4_SPAN (1ull << 39) /* what one top-level page table entry maps */
#define PATTERN 0x5eed5eed5eed5eedull
#define SHARE_PAGES 4
#define GREEDY_PAGES 1024
/* Small enough that a copy of this program has little left to take. */
#define SMALL_BUDGET (peer_copy_cost() + 32 * 1024)
/* Kernel-stack page tables a new task slot may add, uncharged (they are
 * never freed and are bounded by TASK_MAX). */
#define SLOT_TABLES 2

static uint64_t used_now(void) {
    struct vm_status st = {0};
    return vm_status(&st) == OK ? st.used : 0;
}

static uint64_t given_now(void) {
    struct vm_status st = {0};
    return vm_status(&st) == OK ? st.given : UINT64_MAX;
}

static uint64_t spare_now(void) {
    struct vm_status st = {0};
    return vm_status(&st) == OK ? st.limit - st.used : 0;
}

static uint64_t word(int64_t at, uint64_t page) {
    return ((volatile uint64_t *) at)[page * PAGE / 8];
}

static void set_word(int64_t at, uint64_t page, uint64_t v) {
    ((volatile uint64_t *) at)[page * PAGE / 8] = v;
}

/* A task we started, gone: killed if it still runs, handle closed. */
static void end_child(handle_t h) {
    struct task_status st;
    task_kill(h);
    wait_dead(h, &st);
    handle_close(h);
}

/* One spawn and end first, so that the kernel-stack tables of the slot
 * the next child takes already exist when free pages are counted. */
static void warm_up_slot(void) {
    handle_t h = spawn_child(CHILD_EXIT_0, TEST_PRIORITY);
    if (h > 0)
        exit_code_of(h);
}

/* The next message that is not a notification, within ms. */
static error_t recv_message(struct message *m, int64_t ms, bool handle) {
    for (;;) {
        error_t err =
            ipc(0, IPC_ANY, m, IPC_RECV | (handle ? IPC_ACCEPT_HANDLE : 0), ms);
        if (err || m->type != MSG_NOTIFICATIONS)
            return err;
    }
}

/* ---- Children ---- */

static void hold(void) {
    struct message m;
    for (;;)
        ipc_recv(IPC_ANY, &m);
}

/* Fill an object, keep it mapped and some private pages too, move the
 * object to handle 1, hold everything until killed. */
static int share_back(void) {
    handle_t mem = mem_create(SHARE_PAGES * PAGE, 0);
    int64_t at =
        mem > 0 ? vm_map(mem, 0, VM_ANYWHERE, SHARE_PAGES * PAGE, RW) : -1;
    int64_t own = vm_map(0, 0, VM_ANYWHERE, SHARE_PAGES * PAGE, RW);
    if (at < 0 || own < 0)
        return -1;
    for (uint64_t i = 0; i < SHARE_PAGES; i++) {
        set_word(at, i, PATTERN + i);
        set_word(own, i, i);
    }
    struct message m = {.type = MEMATTACK_SHARE_MSG};
    m.memattack_share.mem = mem;
    error_t err = ipc_send(peer_handle(1), &m);
    if (err)
        return err;
    hold();
    return 0;
}

/* Handle 1 maps for reading only: every way to write through it. */
static int write_readonly(void) {
    if (vm_map(1, 0, VM_ANYWHERE, PAGE, RW) != ERR_NOT_PERMITTED)
        return 1;
    if (vm_map(1, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_EXEC) !=
        ERR_NOT_PERMITTED)
        return 2;
    if (handle_dup(1, MEM_RIGHTS_ALL, 0) != ERR_NOT_PERMITTED)
        return 3;
    for (handle_t h = 2; h < HANDLE_MAX; h++) { /* nothing else to map */
        if (vm_map(h, 0, VM_ANYWHERE, PAGE, MAP_READ) != ERR_BAD_HANDLE)
            return 100 + h;
    }
    int64_t at = vm_map(1, 0, VM_ANYWHERE, PAGE, MAP_READ);
    if (at < 0)
        return 4;
    if (word(at, 0) != PATTERN)
        return 5;
    set_word(at, 0, 0); /* a page fault ends us here */
    return 6;
}

/* One page of ours mapped again and again, each time under a fresh
 * top-level table entry: three page tables a page. Tell handle 1 how
 * far it went, then hold it all. */
static int sparse(void) {
    handle_t mem = mem_create(PAGE, 0);
    if (mem < 0)
        return mem;
    int64_t result = 0;
    uint64_t n = 0;
    for (; n < VM_REGIONS_MAX + 1; n++) {
        void *at = (void *) (VM_MAP_BASE + (n + 1) * PML4_SPAN);
        if ((result = vm_map(mem, 0, at, PAGE, MAP_READ)) < 0)
            break;
    }
    struct message m = {.type = MEMATTACK_SPARSE_MSG};
    m.memattack_sparse.mappings = n;
    m.memattack_sparse.last = result;
    error_t err = ipc_send(peer_handle(1), &m);
    if (err)
        return err;
    hold();
    return 0;
}

/* Touch every page of a large region paged by handle 1: 0 if all of
 * them came, which the budget should not allow. */
static int pager_greedy(void) {
    int64_t at = vm_pager(VM_ANYWHERE, GREEDY_PAGES * PAGE, RW, 1);
    if (at < 0)
        return (int) at;
    for (uint64_t i = 0; i < GREEDY_PAGES; i++)
        set_word(at, i, i + 1);
    return 0;
}

/* Map, use, unmap `pages` pages, then read the last: 0 if it could. */
static int stale_tlb(uint64_t pages) {
    int64_t at = vm_map(0, 0, VM_ANYWHERE, pages * PAGE, RW);
    if (at < 0)
        return (int) at;
    for (uint64_t i = 0; i < pages; i++)
        set_word(at, i, PATTERN);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < pages; i++)
        sum += word(at, i);
    if (vm_unmap((void *) at, pages * PAGE) != OK)
        return -2;
    sum += word(at, pages - 1); /* a page fault ends us here */
    return sum == 0 ? -3 : 0;
}

int mem_attack_main(int mode, uint64_t param) {
    switch (mode) {
    case CHILD_MEM_SHARE_BACK:
        return share_back();
    case CHILD_MEM_READONLY:
        return write_readonly();
    case CHILD_MEM_SPARSE:
        return sparse();
    case CHILD_MEM_PAGER_GREEDY:
        return pager_greedy();
    case CHILD_MEM_STALE_TLB:
        return stale_tlb(param);
    }
    return -1;
}

/* ---- Stale kernel pointers ---- */

/* The kernel checked our out-of-line receive buffer when we named it;
 * the page is gone when a message arrives. Before the fix the copy into
 * it failed an assertion: a kernel panic any task could cause. */
TEST(attack_mem_unmapped_ool_buffer_receives_nothing) {
    int64_t at = vm_map(0, 0, VM_ANYWHERE, PAGE, RW);
    CHECK(at > 0);
    CHECK_ERR(ipc_ool_buffer((void *) at, PAGE), OK);
    CHECK_ERR(vm_unmap((void *) at, PAGE), OK);
    /* A read-only page in its place is no buffer either. */
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    CHECK_EQ(vm_map(mem, 0, (void *) at, PAGE, MAP_READ), at);
    CHECK_ERR(ipc_ool_buffer((void *) at, PAGE), ERR_BAD_POINTER);
    handle_t self = self_handle();
    handle_t forger = spawn_peer(CHILD_FORGER, 0, TEST_PRIORITY, 1, &self);
    CHECK(forger > 0);
    struct message m;
    CHECK_ERR(recv_message(&m, 300, false), ERR_TIMEOUT);
    int64_t sent = exit_code_of(forger);
    CHECK(sent < 0); /* the sender heard it could not be taken */
    CHECK_EQ(word(at, 0), 0);
    CHECK_ERR(vm_unmap((void *) at, PAGE), OK);
    CHECK_ERR(handle_close(mem), OK);
}

/* The kernel keeps a pointer to a bound message buffer's page. Here the
 * page stays alive (a second mapping of the object holds it), so a stale
 * pointer would read and write it without crashing anything. */
TEST(attack_mem_unmapped_message_buffer_is_not_reused) {
    handle_t echo = spawn_child(CHILD_ECHO_SERVER, TEST_PRIORITY);
    CHECK(echo > 0);
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    int64_t other = vm_map(mem, 0, VM_ANYWHERE, PAGE, RW);
    int64_t buf = vm_map(mem, 0, VM_ANYWHERE, PAGE, RW);
    CHECK(other > 0 && buf > 0);
    struct message *m = (struct message *) buf;
    struct message *seen = (struct message *) other;
    *m = (struct message){.type = ECHO_ADD};
    m->words[0] = 1;
    CHECK_ERR(ipc_call(echo, m), OK);
    CHECK_EQ(seen->words[0], 2); /* the same page */
    CHECK_ERR(vm_unmap((void *) buf, PAGE), OK);
    seen->words[0] = 100;
    CHECK_ERR(ipc_call(echo, m), ERR_BAD_POINTER);
    CHECK_EQ(seen->words[0], 100);
    /* A fresh page where the buffer was: the message is read there. */
    CHECK_EQ(vm_map(0, 0, (void *) buf, PAGE, RW), buf);
    *m = (struct message){.type = ECHO_ADD};
    m->words[0] = 10;
    CHECK_ERR(ipc_call(echo, m), OK);
    CHECK_EQ(m->words[0], 11);
    CHECK_EQ(seen->words[0], 100);
    CHECK_ERR(vm_unmap((void *) buf, PAGE), OK);
    CHECK_ERR(vm_unmap((void *) other, PAGE), OK);
    CHECK_ERR(handle_close(mem), OK);
    end_child(echo);
}

/* Pages read, written and unmapped: the next access faults, whether the
 * unmap flushed page by page or more than a table's worth. */
TEST(attack_mem_unmapped_pages_fault_at_once) {
    static const uint64_t sizes[] = {1, 40, 600};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        handle_t child = spawn_peer_with(CHILD_MEM_STALE_TLB, sizes[i],
                                         TEST_PRIORITY, 0, NULL, 4 << 20);
        CHECK(child > 0);
        struct task_status st;
        CHECK_ERR(wait_dead(child, &st), OK);
        handle_close(child);
        CHECK_EQ(st.exit_code == 0 ? -1 : st.exit_reason, EXIT_PAGE_FAULT);
        CHECK(st.fault_addr >= VM_MAP_BASE);
    }
    /* Another object in the same place: its contents, not the old ones. */
    handle_t a = mem_create(PAGE, 0), b = mem_create(PAGE, 0);
    CHECK(a > 0 && b > 0);
    int64_t at = vm_map(a, 0, VM_ANYWHERE, PAGE, RW);
    CHECK(at > 0);
    set_word(at, 0, 1);
    CHECK_EQ(word(at, 0), 1);
    CHECK_ERR(vm_unmap((void *) at, PAGE), OK);
    CHECK_EQ(vm_map(b, 0, (void *) at, PAGE, MAP_READ), at);
    CHECK_EQ(word(at, 0), 0);
    CHECK_ERR(vm_unmap((void *) at, PAGE), OK);
    CHECK_ERR(handle_close(a), OK);
    CHECK_ERR(handle_close(b), OK);
}

/* ---- Budgets ---- */

/* With two pages of budget left, a mapping that needs three new page
 * tables fails: and whatever it took on the way goes back. */
TEST(attack_mem_failed_map_leaves_the_budget_as_it_was) {
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    int64_t near = vm_map(mem, 0, VM_ANYWHERE, PAGE, MAP_READ); /* a table */
    CHECK(near > 0);
    /* A child takes all of our budget but two pages. */
    handle_t hog = spawn_peer_with(CHILD_BLOCK, 0, TEST_PRIORITY, 0, NULL,
                                   spare_now() - 2 * PAGE);
    CHECK(hog > 0);
    CHECK_EQ(spare_now(), 2 * PAGE);
    uint64_t used = used_now(), free = free_pages();
    void *far = (void *) (VM_MAP_BASE + 8 * PML4_SPAN); /* no tables yet */
    CHECK_ERR(vm_map(mem, 0, far, PAGE, MAP_READ), ERR_NO_MEMORY);
    CHECK_EQ(used_now(), used);
    CHECK_ERR(vm_map(0, 0, far, PAGE, RW), ERR_NO_MEMORY);
    CHECK_EQ(used_now(), used);
    CHECK_ERR(vm_map(0, 0, VM_ANYWHERE, 3 * PAGE, RW), ERR_NO_MEMORY);
    CHECK_ERR(mem_create(2 * PAGE, 0), ERR_NO_MEMORY);
    CHECK_EQ(used_now(), used);
    CHECK_EQ(free_pages(), free);
    end_child(hog);
    CHECK_ERR(vm_unmap((void *) near, PAGE), OK);
    CHECK_ERR(handle_close(mem), OK);
}

/* A child makes an object, gives it to us and is killed: the object
 * lives on (its pages intact) and, once we let it go, the child's whole
 * budget is ours again, to the byte. */
TEST(attack_mem_child_budget_comes_back_exactly) {
    warm_up_slot();
    uint64_t used = used_now(), free = free_pages(), given = given_now();
    handle_t self = self_handle();
    handle_t child = spawn_peer_with(CHILD_MEM_SHARE_BACK, 0, TEST_PRIORITY, 1,
                                     &self, 2 << 20);
    CHECK(child > 0);
    CHECK_EQ(used_now(), used + (2 << 20));
    CHECK_EQ(given_now(), given + (2 << 20));
    struct message m;
    CHECK_ERR(recv_message(&m, 5000, true), OK);
    CHECK_EQ(m.type, MEMATTACK_SHARE_MSG);
    handle_t mem = msg_take_handle(&m);
    CHECK(mem > 0);
    struct task_status st;
    CHECK_ERR(task_kill(child), OK);
    CHECK_ERR(wait_dead(child, &st), OK);
    /* Still charged for what the object holds, not for the rest. */
    CHECK(used_now() > used && used_now() < used + (2 << 20));
    int64_t at = vm_map(mem, 0, VM_ANYWHERE, SHARE_PAGES * PAGE, RW);
    CHECK(at > 0);
    for (uint64_t i = 0; i < SHARE_PAGES; i++)
        CHECK_EQ(word(at, i), PATTERN + i);
    struct mem_info info;
    CHECK_ERR(mem_info(mem, &info), OK);
    CHECK_EQ(info.mappings, 1); /* the dead child's went with it */
    CHECK_ERR(vm_unmap((void *) at, SHARE_PAGES * PAGE), OK);
    CHECK_ERR(handle_close(mem), OK);
    CHECK(used_now() > used); /* the task handle keeps its structure */
    CHECK_ERR(handle_close(child), OK);
    CHECK_EQ(used_now(), used);
    CHECK_EQ(given_now(), given);
    CHECK_EQ(free_pages(), free);
}

/* Page tables are memory too: mapping one page far and wide must stop
 * at the child's budget, not at the region limit. */
TEST(attack_mem_sparse_mappings_stay_within_the_budget) {
    warm_up_slot();
    uint64_t free = free_pages();
    handle_t self = self_handle();
    handle_t child = spawn_peer_with(CHILD_MEM_SPARSE, 0, TEST_PRIORITY, 1,
                                     &self, SMALL_BUDGET);
    CHECK(child > 0);
    struct message m;
    CHECK_ERR(recv_message(&m, 5000, false), OK);
    CHECK_EQ(m.type, MEMATTACK_SPARSE_MSG);
    CHECK(m.memattack_sparse.last == ERR_NO_MEMORY);
    uint64_t mappings = m.memattack_sparse.mappings;
    CHECK(mappings > 0 && mappings < VM_REGIONS_MAX);
    CHECK(free - free_pages() <= SMALL_BUDGET / PAGE + SLOT_TABLES);
    end_child(child);
    CHECK_EQ(free_pages(), free);
}

/* Pages a pager gives, zeroed or copied from its own object, are the
 * faulting task's to pay for: never the pager's, never nobody's. */
TEST(attack_mem_pager_pages_are_charged_to_the_faulting_task) {
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    warm_up_slot();
    uint64_t used = used_now(), free = free_pages();
    handle_t self = self_handle();
    handle_t child = spawn_peer_with(CHILD_MEM_PAGER_GREEDY, 0, TEST_PRIORITY,
                                     1, &self, SMALL_BUDGET);
    CHECK(child > 0);
    int faults = 0;
    struct task_status st = {0};
    while (task_status(child, &st) == OK && st.state != TASK_DEAD) {
        struct message m;
        if (recv_message(&m, 100, false) != OK || m.type != MSG_PAGE_FAULT)
            continue;
        struct message r = {.type = MSG_PAGE_REPLY};
        if (faults++ % 2) { /* every other page a copy of ours */
            r.type |= MSG_HANDLE_COPY;
            r.handle = mem; /* its page at offset 0 */
        }
        ipc_reply(m.src, &r);
        CHECK(free - free_pages() <= SMALL_BUDGET / PAGE + SLOT_TABLES);
        CHECK_EQ(used_now(), used + SMALL_BUDGET);
    }
    CHECK_EQ(st.exit_reason, EXIT_PAGE_FAULT);
    CHECK(faults > 0 && faults < GREEDY_PAGES);
    CHECK_ERR(handle_close(child), OK);
    CHECK_EQ(used_now(), used);
    CHECK_EQ(free_pages(), free);
    CHECK_ERR(handle_close(mem), OK);
}

/* ---- Reaching what is not ours ---- */

/* A read-only handle stays read-only in another task's hands: no
 * writable or executable mapping, no copy with more rights, a write
 * through its mapping a fault; no handle but it maps anything. */
TEST(attack_mem_rights_only_shrink) {
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    int64_t at = vm_map(mem, 0, VM_ANYWHERE, PAGE, RW);
    CHECK(at > 0);
    set_word(at, 0, PATTERN);
    handle_t ro = handle_dup(mem, RIGHT_MAP_READ | RIGHT_GRANT, 0);
    CHECK(ro > 0);
    CHECK_ERR(handle_dup(ro, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0),
              ERR_NOT_PERMITTED);
    handle_t child = spawn_peer(CHILD_MEM_READONLY, 0, TEST_PRIORITY, 1, &ro);
    CHECK(child > 0);
    struct task_status st;
    CHECK_ERR(wait_dead(child, &st), OK);
    handle_close(child);
    CHECK_EQ(st.exit_reason == EXIT_NORMAL ? -st.exit_code : st.exit_reason,
             EXIT_PAGE_FAULT);
    CHECK_EQ(word(at, 0), PATTERN);
    /* Without RIGHT_GRANT it is not passed on at all. */
    handle_t kept = handle_dup(mem, RIGHT_MAP_READ, 0);
    CHECK(kept > 0);
    CHECK_ERR(spawn_peer(CHILD_MEM_READONLY, 0, TEST_PRIORITY, 1, &kept),
              ERR_NOT_PERMITTED);
    /* A handle of another kind is no memory. */
    CHECK_ERR(vm_map(self_handle(), 0, VM_ANYWHERE, PAGE, MAP_READ),
              ERR_BAD_HANDLE);
    CHECK_ERR(vm_unmap((void *) at, PAGE), OK);
    CHECK_ERR(handle_close(kept), OK);
    CHECK_ERR(handle_close(ro), OK);
    CHECK_ERR(handle_close(mem), OK);
}

/* Nothing maps over the program, its stack, the boot image, the kernel
 * or the last user page (sysretq's), and vm_unmap takes none of them. */
TEST(attack_mem_no_mapping_over_what_is_not_a_region) {
    static const uint64_t bad[] = {
        USER_SPACE_END - PAGE, /* the last user page */
        USER_SPACE_END,        /* not canonical */
        0xffff800000000000ull, /* the kernel half */
        0xffffffff80000000ull, /* the kernel image */
        0xfffffffffffff000ull, /* wraps with a second page */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_ERR(vm_map(0, 0, (void *) bad[i], PAGE, RW), ERR_BAD_POINTER);
        CHECK_ERR(vm_map(0, 0, (void *) bad[i], 2 * PAGE, RW), ERR_BAD_POINTER);
    }
    CHECK_ERR(vm_map(0, 0, (void *) (USER_SPACE_END - 2 * PAGE), 2 * PAGE, RW),
              ERR_BAD_POINTER);
    static const uint64_t taken[] = {USER_IMAGE_BASE, BOOTFS_ADDR,
                                     USER_STACK_TOP - PAGE};
    for (unsigned i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
        CHECK_ERR(vm_map(0, 0, (void *) taken[i], PAGE, RW),
                  ERR_ALREADY_EXISTS);
        CHECK_ERR(vm_unmap((void *) taken[i], PAGE), ERR_INVALID_ARG);
    }
    /* A guard page may not lie on the program either. */
    void *below = (void *) (USER_IMAGE_BASE - PAGE);
    CHECK_ERR(vm_map(0, 0, below, PAGE, RW | MAP_GUARD), ERR_ALREADY_EXISTS);
    /* A region next to the program: an unmap reaching over is refused
     * whole, and the region is as it was. */
    CHECK_EQ(vm_map(0, 0, below, PAGE, RW), (int64_t) below);
    set_word((int64_t) below, 0, PATTERN);
    CHECK_ERR(vm_unmap(below, 2 * PAGE), ERR_INVALID_ARG);
    CHECK_ERR(vm_unmap((void *) PAGE, USER_SPACE_END - 2 * PAGE),
              ERR_INVALID_ARG);
    CHECK_EQ(word((int64_t) below, 0), PATTERN);
    CHECK_ERR(vm_unmap((void *) bad[4], 2 * PAGE), ERR_BAD_POINTER);
    CHECK_ERR(vm_unmap(below, PAGE), OK);
    /* The boot image is still there, read-only. */
    CHECK_EQ(*(volatile uint8_t *) BOOTFS_ADDR,
             *(volatile uint8_t *) BOOTFS_ADDR);
    handle_t pager = spawn_child(CHILD_BLOCK, TEST_PRIORITY);
    CHECK(pager > 0);
    CHECK_ERR(vm_pager((void *) (USER_SPACE_END - PAGE), PAGE, RW, pager),
              ERR_BAD_POINTER);
    CHECK_ERR(vm_pager((void *) BOOTFS_ADDR, PAGE, MAP_READ, pager),
              ERR_ALREADY_EXISTS);
    end_child(pager);
}

/* A program image may not ask for a segment both writable and
 * executable: this one writes the instruction it runs next. */
static uint64_t build_wx_image(uint8_t *wx_image) {
    struct elf64_ehdr *eh = (struct elf64_ehdr *) wx_image;
    struct elf64_phdr *ph = (struct elf64_phdr *) (wx_image + sizeof(*eh));
    uint8_t *code = (uint8_t *) (ph + 1);
    static const uint8_t text[] = {
        0xc6, 0x05, 0x00, 0x00, 0x00, 0x00, 0x90, /* movb $0x90, next(%rip) */
        0xcc,                                     /* next: int3, made nop */
        0xb8, 0x03, 0x00, 0x00, 0x00,             /* mov $SYS_task_exit, %eax */
        0xbf, 0x2a, 0x00, 0x00, 0x00,             /* mov $42, %edi */
        0x0f, 0x05,                               /* syscall */
        0xeb, 0xfe,                               /* jmp . */
    };
    memcpy(eh->e_ident,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = 1;
    eh->e_entry = USER_IMAGE_BASE + (code - wx_image);
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 1;
    uint64_t size = (code - wx_image) + sizeof(text);
    *ph = (struct elf64_phdr){.p_type = PT_LOAD,
                              .p_flags = PF_R | PF_W | PF_X,
                              .p_vaddr = USER_IMAGE_BASE,
                              .p_paddr = USER_IMAGE_BASE,
                              .p_filesz = size,
                              .p_memsz = PAGE,
                              .p_align = PAGE};
    memcpy(code, text, sizeof(text));
    return size;
}

TEST(attack_mem_image_segments_are_never_writable_and_executable) {
    int64_t at = vm_map(0, 0, VM_ANYWHERE, PAGE, RW); /* comes zeroed */
    CHECK(at > 0);
    struct task_spec spec = {.name = "wx",
                             .image = (void *) at,
                             .image_size = build_wx_image((uint8_t *) at),
                             .priority = TEST_PRIORITY};
    handle_t h = task_create(H_SPAWN, &spec);
    vm_unmap((void *) at, PAGE);
    if (h < 0) {
        CHECK_ERR(h, ERR_BAD_IMAGE);
        return;
    }
    struct task_status st;
    CHECK_ERR(wait_dead(h, &st), OK);
    handle_close(h);
    CHECK(st.exit_reason != EXIT_NORMAL || st.exit_code != 42);
    CHECK_EQ(st.exit_reason, EXIT_PAGE_FAULT);
}

/* ---- Region table ---- */

/* A full region table: a cut that would need an entry more is refused
 * and changes nothing; cuts that need none still work. */
TEST(attack_mem_full_region_table_refuses_a_split) {
    uint64_t used = used_now();
    int64_t at[VM_REGIONS_MAX];
    struct vm_status st;
    CHECK_ERR(vm_status(&st), OK);
    uint32_t n = VM_REGIONS_MAX - st.regions;
    for (uint32_t i = 0; i < n; i++) {
        at[i] = vm_map(0, 0, VM_ANYWHERE, 3 * PAGE, RW | MAP_GUARD);
        CHECK(at[i] > 0);
        set_word(at[i], 1, PATTERN + i);
    }
    CHECK_ERR(vm_map(0, 0, VM_ANYWHERE, PAGE, RW | MAP_GUARD), ERR_FULL);
    CHECK_ERR(vm_unmap((void *) (at[0] + PAGE), PAGE), ERR_FULL);
    CHECK_ERR(vm_unmap((void *) (at[n - 1] + PAGE), PAGE), ERR_FULL);
    for (uint32_t i = 0; i < n; i++)
        CHECK_EQ(word(at[i], 1), PATTERN + i);
    CHECK_ERR(vm_unmap((void *) at[0], PAGE), OK); /* a head: no entry */
    CHECK_EQ(word(at[0], 1), PATTERN);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t first = i == 0 ? 1 : 0;
        CHECK_ERR(vm_unmap((void *) (at[i] + first * PAGE), (3 - first) * PAGE),
                  OK);
    }
    CHECK_EQ(used_now(), used);
}

/* An object mapped, cut in the middle, its handle closed: each piece
 * keeps the object alive, and the last one gives every page back. */
TEST(attack_mem_split_mapping_keeps_its_object) {
    uint64_t used = used_now(), free = free_pages();
    handle_t mem = mem_create(3 * PAGE, 0);
    CHECK(mem > 0);
    int64_t at = vm_map(mem, 0, VM_ANYWHERE, 3 * PAGE, RW);
    CHECK(at > 0);
    for (uint64_t i = 0; i < 3; i++)
        set_word(at, i, PATTERN + i);
    CHECK_ERR(vm_unmap((void *) (at + PAGE), PAGE), OK);
    struct mem_info info;
    CHECK_ERR(mem_info(mem, &info), OK);
    CHECK_EQ(info.mappings, 2);
    CHECK_ERR(handle_close(mem), OK);
    CHECK_ERR(vm_unmap((void *) at, PAGE), OK);
    /* Fresh pages in between take nothing from the object. */
    CHECK_EQ(vm_map(0, 0, (void *) at, 2 * PAGE, RW), at);
    CHECK_EQ(word(at, 0), 0);
    CHECK_EQ(word(at, 2), PATTERN + 2);
    CHECK_ERR(vm_unmap((void *) at, 3 * PAGE), OK);
    CHECK_EQ(used_now(), used);
    CHECK_EQ(free_pages(), free);
}

/* ---- Pagers ---- */

/* Answer the first fault of a CHILD_PAGER_CLIENT with r: the client must
 * end with a page fault, and we and our handles must be as before. */
static error_t junk_reply(const struct message *r, error_t *replied) {
    handle_t self = self_handle();
    handle_t child = spawn_peer(CHILD_PAGER_CLIENT, 0, TEST_PRIORITY, 1, &self);
    if (child < 0)
        return child;
    struct message m;
    error_t err = recv_message(&m, 5000, false);
    if (!err && m.type != MSG_PAGE_FAULT)
        err = ERR_UNKNOWN_MESSAGE;
    struct message copy = *r;
    *replied = err ? err : ipc_reply(m.src, &copy);
    struct task_status st;
    if (!err)
        err = wait_dead(child, &st);
    end_child(child);
    if (!err && st.exit_reason != EXIT_PAGE_FAULT)
        err = ERR_BAD_STATE;
    return err;
}

TEST(attack_mem_pager_junk_ends_only_its_client) {
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    handle_t noread = handle_dup(mem, RIGHT_GRANT, 0);
    handle_t task = handle_dup(self_handle(), RIGHT_SEND | RIGHT_GRANT, 0);
    CHECK(noread > 0 && task > 0);
    static uint8_t bytes[64];
    const int32_t copy = MSG_PAGE_REPLY | MSG_HANDLE_COPY;
    struct message junk[] = {
        {.type = copy, .handle = 0},   /* a task */
        {.type = copy, .handle = 0},   /* no MAP_READ */
        {.type = copy, .handle = mem}, /* past its end */
        {.type = copy, .handle = mem}, /* unaligned */
        {.type = MSG_PAGE_REPLY | MSG_OOL,
         .ool_ptr = (uint64_t) bytes,
         .ool_len = sizeof(bytes)},
        {.type = ERR_NOT_PERMITTED},
    };
    junk[0].handle = task;
    junk[1].handle = noread;
    page_reply_set(&junk[2], (struct page_reply){.offset = PAGE});
    page_reply_set(&junk[3], (struct page_reply){.offset = 8});
    for (unsigned i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        error_t replied = OK;
        CHECK_ERR(junk_reply(&junk[i], &replied), OK);
    }
    struct mem_info info;
    CHECK_ERR(mem_info(mem, &info), OK);
    CHECK_ERR(mem_info(noread, &info), OK);
    CHECK_EQ(task_id_of(task), task_id_of(self_handle()));
    CHECK_ERR(handle_close(task), OK);
    CHECK_ERR(handle_close(noread), OK);
    CHECK_ERR(handle_close(mem), OK);
}

/* A client killed while its fault waits: the pager's late answer finds
 * nobody, and the kernel keeps nothing of it. */
TEST(attack_mem_pager_answers_a_killed_client) {
    uint64_t free = free_pages();
    handle_t self = self_handle();
    handle_t child = spawn_peer(CHILD_PAGER_CLIENT, 0, TEST_PRIORITY, 1, &self);
    CHECK(child > 0);
    struct message m;
    CHECK_ERR(recv_message(&m, 5000, false), OK);
    CHECK_EQ(m.type, MSG_PAGE_FAULT);
    end_child(child);
    struct message r = {.type = MSG_PAGE_REPLY};
    CHECK_ERR(ipc_reply(m.src, &r), ERR_ABORTED);
    CHECK(free_pages() <= free + SLOT_TABLES &&
          free <= free_pages() + SLOT_TABLES);
}

/* Reserving a pager's region costs a table entry, whatever its size; an
 * unmap of 60 GiB of them walked it page by page, interrupts masked: 8 s
 * of a frozen machine (under QEMU) for any task holding a call handle. */
static uint64_t tsc(void) { return __builtin_ia32_rdtsc(); }

TEST(attack_mem_unmapping_huge_reserved_regions_is_quick) {
    handle_t pager = spawn_child(CHILD_BLOCK, TEST_PRIORITY);
    CHECK(pager > 0);
    uint64_t t0 = tsc();
    sleep_ms(100);
    uint64_t per_ms = (tsc() - t0) / 100;
    CHECK(per_ms > 0);
    struct vm_status st;
    CHECK_ERR(vm_status(&st), OK);
    int64_t first = 0, last = 0;
    for (uint32_t i = st.regions; i < VM_REGIONS_MAX; i++) {
        last = vm_pager(VM_ANYWHERE, MEM_SIZE_MAX, MAP_READ, pager);
        CHECK(last > 0);
        first = first ? first : last;
    }
    CHECK_EQ(last - first, (VM_REGIONS_MAX - st.regions - 1) * MEM_SIZE_MAX);
    uint64_t t1 = tsc();
    CHECK_ERR(vm_unmap((void *) first, last + MEM_SIZE_MAX - first), OK);
    uint64_t ms = (tsc() - t1) / per_ms;
    CHECK(ms < 1000);
    struct vm_status after;
    CHECK_ERR(vm_status(&after), OK);
    CHECK_EQ(after.regions, st.regions);
    end_child(pager);
}
