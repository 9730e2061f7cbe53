/*
 * Mapping memory (vm.h, docs/memory.md): anonymous memory and memory
 * objects mapped with each right, the arguments vm_map and vm_unmap
 * refuse, faults through mappings that do not allow an access, and the
 * rights a memory handle carries.
 */
#include "vm_test.h"
#include <bootfs.h>
#include <elf.h>
#include <string.h>

/* A function's code: mov eax, imm32; ret. */
static void put_code(int64_t addr, uint32_t value) {
    uint8_t code[6] = {0xb8, 0, 0, 0, 0, 0xc3};
    memcpy(&code[1], &value, sizeof(value));
    memcpy((void *) addr, code, sizeof(code));
}

static int run_code(int64_t addr) { return ((int (*)(void)) addr)(); }

TEST(vm_anonymous_map_is_zeroed_and_keeps_writes) {
    uint32_t regions = vm_regions();
    int64_t a = anon_map(4 * PAGE, RW);
    CHECK(a > 0);
    CHECK_EQ(a % PAGE, 0);
    CHECK(a >= (int64_t) USER_SPACE_START &&
          a + 4 * PAGE <= USER_SPACE_END - PAGE);
    CHECK_EQ(vm_regions(), regions + 1);
    CHECK(zeroed(a, 4 * PAGE));
    fill(a, 4 * PAGE, 3);
    CHECK(holds(a, 4 * PAGE, 3));
    CHECK_ERR(unmap(a, 4 * PAGE), OK);
    CHECK_EQ(vm_regions(), regions);
}

TEST(vm_remap_after_unmap_is_zeroed) {
    int64_t a = anon_map_at(FIXED, 2 * PAGE, RW);
    CHECK_EQ(a, FIXED);
    fill(a, 2 * PAGE, 4);
    CHECK_ERR(unmap(a, 2 * PAGE), OK);
    CHECK_EQ(anon_map_at(FIXED, 2 * PAGE, RW), FIXED);
    CHECK(zeroed(FIXED, 2 * PAGE));
    CHECK_ERR(unmap(FIXED, 2 * PAGE), OK);
    /* The kernel's choice, twice: first fit gives the same place again,
     * and fresh pages there. */
    int64_t b = anon_map(2 * PAGE, RW);
    CHECK(b > 0);
    fill(b, 2 * PAGE, 5);
    CHECK_ERR(unmap(b, 2 * PAGE), OK);
    CHECK_EQ(anon_map(2 * PAGE, RW), b);
    CHECK(zeroed(b, 2 * PAGE));
    CHECK_ERR(unmap(b, 2 * PAGE), OK);
}

/* An object keeps its pages while a handle names it: mapped again, it
 * shows what was written before. */
TEST(vm_object_keeps_its_pages_across_mappings) {
    handle_t h = mem_create(2 * PAGE, 0);
    CHECK(h > 0);
    int64_t a = vm_map(h, 0, VM_ANYWHERE, 2 * PAGE, RW);
    CHECK(a > 0);
    CHECK(zeroed(a, 2 * PAGE));
    fill(a, 2 * PAGE, 6);
    CHECK_ERR(unmap(a, 2 * PAGE), OK);
    int64_t b = vm_map(h, PAGE, VM_ANYWHERE, PAGE, MAP_READ);
    CHECK(b > 0);
    CHECK(holds_from(b, PAGE, 6, PAGE)); /* the object's second page */
    CHECK_ERR(unmap(b, PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
}

/* Read, read-write and read-execute mappings of one object see the same
 * pages: code written through one runs through another. */
TEST(vm_map_each_right) {
    handle_t h = mem_create(2 * PAGE, 0);
    CHECK(h > 0);
    int64_t w = vm_map(h, 0, VM_ANYWHERE, 2 * PAGE, RW);
    int64_t r = vm_map(h, 0, VM_ANYWHERE, 2 * PAGE, MAP_READ);
    int64_t x = vm_map(h, PAGE, VM_ANYWHERE, PAGE, MAP_READ | MAP_EXEC);
    CHECK(w > 0 && r > 0 && x > 0);
    CHECK(w != r && r != x && w != x);
    fill(w, PAGE, 7);
    CHECK(holds(r, PAGE, 7));
    put_code(w + PAGE, 42);
    CHECK_EQ(run_code(x), 42);
    put_code(w + PAGE, 43);
    CHECK_EQ(run_code(x), 43);
    struct mem_info info;
    CHECK_ERR(mem_info(h, &info), OK);
    CHECK_EQ(info.mappings, 3);
    CHECK_ERR(unmap(w, 2 * PAGE), OK);
    CHECK_ERR(unmap(r, 2 * PAGE), OK);
    CHECK_ERR(unmap(x, PAGE), OK);
    CHECK_ERR(mem_info(h, &info), OK);
    CHECK_EQ(info.mappings, 0);
    CHECK_ERR(handle_close(h), OK);
    /* Anonymous memory read-only: zeroed pages to read. */
    int64_t ro = anon_map(PAGE, MAP_READ);
    CHECK(ro > 0);
    CHECK(zeroed(ro, PAGE));
    CHECK_ERR(unmap(ro, PAGE), OK);
}

TEST(vm_map_refuses_write_with_exec) {
    handle_t h = mem_create(PAGE, 0); /* with every right */
    CHECK(h > 0);
    struct vm_status before = vm_now();
    CHECK_VM_ERR(anon_map(PAGE, MAP_READ | MAP_WRITE | MAP_EXEC),
                 ERR_INVALID_ARG);
    CHECK_VM_ERR(anon_map(PAGE, MAP_WRITE | MAP_EXEC), ERR_INVALID_ARG);
    CHECK_VM_ERR(anon_map_at(FIXED, PAGE, RW | MAP_EXEC | MAP_GUARD),
                 ERR_INVALID_ARG);
    CHECK_VM_ERR(vm_map(h, 0, VM_ANYWHERE, PAGE, RW | MAP_EXEC),
                 ERR_INVALID_ARG);
    struct vm_status after = vm_now();
    CHECK_EQ(after.regions, before.regions);
    CHECK_EQ(after.used, before.used);
    CHECK_ERR(handle_close(h), OK);
}

TEST(vm_map_refuses_unknown_flags) {
    uint32_t regions = vm_regions();
    CHECK_VM_ERR(anon_map(PAGE, MAP_READ | (MAP_FLAGS_ALL + 1)),
                 ERR_INVALID_ARG);
    CHECK_VM_ERR(anon_map(PAGE, MAP_READ | (1u << 31)), ERR_INVALID_ARG);
    CHECK_VM_ERR(mem_create(PAGE, 1u << 5), ERR_INVALID_ARG);
    /* Device memory comes from mem_create_device alone. */
    CHECK_VM_ERR(mem_create(PAGE, MEM_DEVICE), ERR_INVALID_ARG);
    CHECK_EQ(vm_regions(), regions);
}

TEST(vm_map_refuses_misaligned_arguments) {
    uint32_t regions = vm_regions();
    CHECK_VM_ERR(anon_map_at(FIXED + 1, PAGE, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(anon_map_at(FIXED + PAGE / 2, PAGE, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(anon_map(100, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(anon_map(PAGE + 8, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(anon_map(0, RW), ERR_INVALID_ARG);
    handle_t h = mem_create(2 * PAGE, 0);
    CHECK(h > 0);
    CHECK_VM_ERR(vm_map(h, 100, VM_ANYWHERE, PAGE, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(vm_map(h, 0, VM_ANYWHERE, 0, RW), ERR_INVALID_ARG);
    /* Past the object's end, and offsets that wrap around. */
    CHECK_VM_ERR(vm_map(h, 0, VM_ANYWHERE, 3 * PAGE, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(vm_map(h, PAGE, VM_ANYWHERE, 2 * PAGE, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(vm_map(h, 2 * PAGE, VM_ANYWHERE, PAGE, RW), ERR_INVALID_ARG);
    CHECK_VM_ERR(vm_map(h, -PAGE, VM_ANYWHERE, 2 * PAGE, RW), ERR_INVALID_ARG);
    CHECK_EQ(vm_regions(), regions);
    int64_t a = anon_map_at(FIXED, 2 * PAGE, RW);
    CHECK_EQ(a, FIXED);
    CHECK_ERR(vm_unmap((void *) (FIXED + 1), PAGE), ERR_INVALID_ARG);
    CHECK_ERR(vm_unmap((void *) FIXED, 100), ERR_INVALID_ARG);
    CHECK_EQ(vm_regions(), regions + 1);
    CHECK_ERR(unmap(a, 2 * PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
}

/* Kernel and non-canonical addresses, and the last user page (sysretq
 * must never return to an address there), are no place for a mapping. */
TEST(vm_map_refuses_addresses_outside_user_space) {
    static const uint64_t bad[][2] = {
        {0xffff800000000000ull, PAGE},
        {0xffffffff80000000ull, PAGE},
        {0xfffffffffffff000ull, PAGE},
        {0x0000900000000000ull, PAGE},            /* non-canonical */
        {USER_SPACE_END, PAGE},                   /* the first one */
        {USER_SPACE_END - PAGE, PAGE},            /* the last user page */
        {USER_SPACE_END - 2 * PAGE, 2 * PAGE},    /* reaching it */
        {USER_SPACE_END - 4 * PAGE, 8 * PAGE},    /* and beyond */
        {0xffff800000000000ull - PAGE, 2 * PAGE}, /* from below the kernel */
    };
    uint32_t regions = vm_regions();
    handle_t h = mem_create(8 * PAGE, 0);
    CHECK(h > 0);
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_VM_ERR(anon_map_at(bad[i][0], bad[i][1], RW), ERR_BAD_POINTER);
        CHECK_VM_ERR(vm_map(h, 0, (void *) bad[i][0], bad[i][1], MAP_READ),
                     ERR_BAD_POINTER);
    }
    CHECK_EQ(vm_regions(), regions);
    /* The page below the last one is a user page like any other. */
    int64_t a = anon_map_at(USER_SPACE_END - 2 * PAGE, PAGE, RW);
    CHECK_EQ(a, USER_SPACE_END - 2 * PAGE);
    fill(a, PAGE, 8);
    CHECK(holds(a, PAGE, 8));
    CHECK_ERR(unmap(a, PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
}

TEST(vm_map_refuses_overlap) {
    int64_t a = anon_map_at(FIXED + 4 * PAGE, 4 * PAGE, RW);
    CHECK_EQ(a, FIXED + 4 * PAGE);
    fill(a, 4 * PAGE, 9);
    uint32_t regions = vm_regions();
    handle_t h = mem_create(8 * PAGE, 0);
    CHECK(h > 0);
    static const uint64_t clash[][2] = {
        {4, 4}, /* the same */
        {6, 4}, /* its second half and beyond */
        {3, 2}, /* the page below and its first */
        {3, 6}, /* all of it and more */
        {5, 1}, /* one page inside */
        {7, 1}, /* its last page */
    };
    for (unsigned i = 0; i < sizeof(clash) / sizeof(clash[0]); i++) {
        uint64_t at = FIXED + clash[i][0] * PAGE, len = clash[i][1] * PAGE;
        CHECK_VM_ERR(anon_map_at(at, len, RW), ERR_ALREADY_EXISTS);
        CHECK_VM_ERR(vm_map(h, 0, (void *) at, len, MAP_READ),
                     ERR_ALREADY_EXISTS);
    }
    CHECK_EQ(vm_regions(), regions);
    CHECK(holds(a, 4 * PAGE, 9));
    /* A refused mapping left nothing behind: its free part is free. */
    CHECK_EQ(anon_map_at(FIXED + 3 * PAGE, PAGE, MAP_READ), FIXED + 3 * PAGE);
    CHECK_EQ(vm_map(h, 0, (void *) (FIXED + 8 * PAGE), PAGE, MAP_READ),
             FIXED + 8 * PAGE);
    CHECK_EQ(vm_regions(), regions + 2);
    CHECK(holds(a, 4 * PAGE, 9));
    CHECK_ERR(unmap(FIXED + 3 * PAGE, 6 * PAGE), OK);
    CHECK_EQ(vm_regions(), regions - 1);
    CHECK_ERR(handle_close(h), OK);
}

/* The program's first page holds what its file says: neither replaced by
 * a mapping nor taken away. */
static bool text_intact(void) {
    uint64_t size;
    const uint8_t *image = self_image(&size);
    struct elf64_ehdr eh;
    struct elf64_phdr ph;
    memcpy(&eh, image, sizeof(eh));
    memcpy(&ph, image + eh.e_phoff, sizeof(ph));
    uint64_t len = ph.p_filesz < 2 * PAGE ? ph.p_filesz : 2 * PAGE;
    return ph.p_vaddr == USER_IMAGE_BASE &&
           memcmp((const void *) USER_IMAGE_BASE, image + ph.p_offset, len) ==
               0;
}

static volatile uint64_t in_data = 0x5eed; /* a page of the program's data */

TEST(vm_map_refuses_the_program_stack_and_boot_image) {
    uint64_t data = (uint64_t) &in_data & ~(PAGE - 1);
    uint64_t stack = USER_STACK_TOP - USER_STACK_SIZE;
    const uint64_t clash[][2] = {
        {USER_IMAGE_BASE, PAGE},
        {USER_IMAGE_BASE - PAGE, 2 * PAGE},
        {data, PAGE},
        {stack, PAGE},
        {USER_STACK_TOP - PAGE, PAGE},
        {stack - PAGE, 2 * PAGE},
        {BOOTFS_ADDR, PAGE},
        {BOOTFS_ADDR - PAGE, 2 * PAGE},
    };
    uint32_t regions = vm_regions();
    for (unsigned i = 0; i < sizeof(clash) / sizeof(clash[0]); i++)
        CHECK_VM_ERR(anon_map_at(clash[i][0], clash[i][1], RW),
                     ERR_ALREADY_EXISTS);
    CHECK_EQ(vm_regions(), regions);
    CHECK(text_intact());
    CHECK_EQ(in_data, 0x5eed);
    CHECK(bootfs_find((const void *) BOOTFS_ADDR, "test") != NULL);
    /* The refused ranges' free pages stayed free. */
    int64_t below = anon_map_at(USER_IMAGE_BASE - PAGE, PAGE, RW);
    CHECK_EQ(below, USER_IMAGE_BASE - PAGE);
    CHECK_ERR(unmap(below, PAGE), OK);
}

TEST(vm_unmap_refuses_the_program_stack_and_boot_image) {
    uint64_t data = (uint64_t) &in_data & ~(PAGE - 1);
    uint64_t stack = USER_STACK_TOP - USER_STACK_SIZE;
    /* Ours, next to the program: a range over both is refused whole. */
    int64_t next = anon_map_at(USER_IMAGE_BASE - 2 * PAGE, 2 * PAGE, RW);
    CHECK_EQ(next, USER_IMAGE_BASE - 2 * PAGE);
    fill(next, 2 * PAGE, 10);
    uint32_t regions = vm_regions();
    const uint64_t refused[][2] = {
        {USER_IMAGE_BASE, PAGE},
        {USER_IMAGE_BASE - 2 * PAGE, 3 * PAGE},
        {data, PAGE},
        {stack, PAGE},
        {stack, USER_STACK_SIZE},
        {USER_STACK_TOP - PAGE, PAGE},
        {BOOTFS_ADDR, PAGE},
    };
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        CHECK_ERR(vm_unmap((void *) refused[i][0], refused[i][1]),
                  ERR_INVALID_ARG);
    CHECK_EQ(vm_regions(), regions);
    CHECK(holds(next, 2 * PAGE, 10));
    CHECK(text_intact());
    CHECK_EQ(in_data, 0x5eed);
    in_data = 0x5eef; /* still writable */
    CHECK_EQ(in_data, 0x5eef);
    CHECK_EQ(*(volatile uint64_t *) stack, *(volatile uint64_t *) stack);
    *(volatile uint64_t *) stack = 1; /* the stack's lowest page is there */
    CHECK(bootfs_find((const void *) BOOTFS_ADDR, "test") != NULL);
    CHECK_ERR(unmap(next, 2 * PAGE), OK);
}

TEST(vm_unmap_part_of_a_region) {
    CHECK(anchor() > 0);
    int64_t a = anon_map(4 * PAGE, RW);
    CHECK(a > 0);
    fill(a, 4 * PAGE, 11);
    struct vm_status st = vm_now();
    CHECK_ERR(unmap(a + PAGE, 2 * PAGE), OK); /* the middle */
    CHECK_EQ(vm_regions(), st.regions + 1);
    CHECK_EQ(vm_used(), st.used - 2 * PAGE); /* back at once */
    CHECK(holds(a, PAGE, 11));
    CHECK(holds_from(a + 3 * PAGE, PAGE, 11, 3 * PAGE));
    CHECK_EQ(anon_map_at(a + PAGE, 2 * PAGE, RW), a + PAGE);
    CHECK(zeroed(a + PAGE, 2 * PAGE));
    CHECK_ERR(unmap(a + PAGE, 2 * PAGE), OK);
    CHECK_ERR(unmap(a, PAGE), OK);            /* the head */
    CHECK_ERR(unmap(a + 3 * PAGE, PAGE), OK); /* the tail */
    CHECK_EQ(vm_regions(), st.regions - 1);
    CHECK_EQ(vm_used(), st.used - 4 * PAGE);
}

TEST(vm_adjacent_anonymous_regions_merge) {
    uint32_t regions = vm_regions();
    CHECK_EQ(anon_map_at(FIXED, 2 * PAGE, RW), FIXED);
    CHECK_EQ(anon_map_at(FIXED + 2 * PAGE, 2 * PAGE, RW), FIXED + 2 * PAGE);
    CHECK_EQ(vm_regions(), regions + 1);
    /* Other flags: a region of its own. */
    CHECK_EQ(anon_map_at(FIXED + 4 * PAGE, PAGE, MAP_READ), FIXED + 4 * PAGE);
    CHECK_EQ(vm_regions(), regions + 2);
    fill(FIXED, 4 * PAGE, 12);
    CHECK(holds(FIXED, 4 * PAGE, 12));
    CHECK_ERR(unmap(FIXED + PAGE, 2 * PAGE), OK); /* over the seam */
    CHECK_EQ(vm_regions(), regions + 3);
    CHECK(holds(FIXED, PAGE, 12));
    CHECK(holds_from(FIXED + 3 * PAGE, PAGE, 12, 3 * PAGE));
    CHECK_ERR(unmap(FIXED, 5 * PAGE), OK); /* over a hole and the seam */
    CHECK_EQ(vm_regions(), regions);
}

TEST(vm_guard_pages_stay_unmapped) {
    uint64_t g = FIXED + 16 * PAGE;
    CHECK_EQ(anon_map_at(g, 2 * PAGE, RW | MAP_GUARD), g);
    CHECK_VM_ERR(anon_map_at(g - PAGE, PAGE, RW), ERR_ALREADY_EXISTS);
    CHECK_VM_ERR(anon_map_at(g + 2 * PAGE, PAGE, RW), ERR_ALREADY_EXISTS);
    CHECK_EQ(anon_map_at(g - 2 * PAGE, PAGE, RW), g - 2 * PAGE);
    CHECK_EQ(anon_map_at(g + 3 * PAGE, PAGE, RW), g + 3 * PAGE);
    /* A guarded mapping next to another would have a guard mapped. */
    CHECK_VM_ERR(anon_map_at(g + 4 * PAGE, PAGE, RW | MAP_GUARD),
                 ERR_ALREADY_EXISTS);
    CHECK_ERR(unmap(g - 2 * PAGE, 6 * PAGE), OK);
    /* Where the kernel chooses, the neighbours keep off too. */
    int64_t a = anon_map(PAGE, RW | MAP_GUARD);
    int64_t b = anon_map(PAGE, RW);
    int64_t c = anon_map(PAGE, MAP_READ | MAP_GUARD);
    CHECK(a > 0 && b > 0 && c > 0);
    CHECK(b != a - (int64_t) PAGE && b != a + (int64_t) PAGE);
    CHECK(c - b > (int64_t) PAGE || b - c > (int64_t) PAGE);
    CHECK(c - a > (int64_t) PAGE || a - c > (int64_t) PAGE);
    CHECK_ERR(unmap(a, PAGE), OK);
    CHECK_ERR(unmap(b, PAGE), OK);
    CHECK_ERR(unmap(c, PAGE), OK);
}

/* A child that faults at `addr` (enum vm_fault_kind); how it ended. */
static void expect_fault(uint64_t addr, int kind, struct task_status *st) {
    handle_t h = spawn_peer_with(CHILD_VM_FAULT, addr | kind, TEST_PRIORITY - 1,
                                 0, NULL, PEER_MEMORY);
    CHECK(h > 0);
    CHECK_ERR(wait_dead(h, st), OK);
    CHECK_ERR(handle_close(h), OK);
    if (st->exit_reason == EXIT_NORMAL) {
        test_fail(__FILE__, __LINE__, "no fault: it exited with %ld (%s)",
                  st->exit_code, err_name((error_t) st->exit_code));
        return;
    }
    CHECK_EQ(st->exit_reason, EXIT_PAGE_FAULT);
}

TEST(vm_write_through_a_read_only_mapping_faults) {
    struct task_status st;
    expect_fault(FIXED, VM_FAULT_WRITE_READ_ONLY, &st);
    if (test_failed())
        return; /* with the first reason */
    CHECK_EQ(st.fault_addr, FIXED + 8);
    CHECK(st.fault_rip >= USER_IMAGE_BASE && st.fault_rip < USER_IMAGE_END);
}

TEST(vm_execute_from_a_non_exec_mapping_faults) {
    struct task_status st;
    expect_fault(FIXED, VM_FAULT_EXEC_NO_EXEC, &st);
    if (test_failed())
        return; /* with the first reason */
    CHECK_EQ(st.fault_addr, FIXED);
    CHECK_EQ(st.fault_rip, FIXED);
}

/* The page was in the TLB when it went: the unmap flushed it. */
TEST(vm_access_after_unmap_faults) {
    struct task_status st;
    expect_fault(FIXED, VM_FAULT_READ_AFTER_UNMAP, &st);
    if (test_failed())
        return; /* with the first reason */
    CHECK_EQ(st.fault_addr, FIXED);
}

TEST(vm_access_to_an_unmapped_middle_faults) {
    struct task_status st;
    expect_fault(FIXED, VM_FAULT_READ_HOLE, &st);
    if (test_failed())
        return; /* with the first reason */
    CHECK_EQ(st.fault_addr, FIXED + PAGE);
}

TEST(vm_handle_rights_limit_mappings) {
    uint32_t regions = vm_regions();
    handle_t h = mem_create(PAGE, 0);
    CHECK(h > 0);
    struct handle_info info;
    CHECK_ERR(handle_info(h, &info), OK);
    CHECK_EQ(info.kind, KOBJ_MEMORY);
    CHECK_EQ(info.rights, MEM_RIGHTS_ALL);
    handle_t r = handle_dup(h, RIGHT_MAP_READ, 0);
    handle_t rw = handle_dup(h, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0);
    handle_t rx = handle_dup(h, RIGHT_MAP_READ | RIGHT_MAP_EXEC, 0);
    handle_t w = handle_dup(h, RIGHT_MAP_WRITE, 0);
    handle_t none = handle_dup(h, RIGHT_GRANT, 0);
    CHECK(r > 0 && rw > 0 && rx > 0 && w > 0 && none > 0);
    CHECK_ERR(handle_info(r, &info), OK);
    CHECK_EQ(info.rights, RIGHT_MAP_READ);
    CHECK_VM_ERR(vm_map(r, 0, VM_ANYWHERE, PAGE, RW), ERR_NOT_PERMITTED);
    CHECK_VM_ERR(vm_map(r, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_EXEC),
                 ERR_NOT_PERMITTED);
    CHECK_VM_ERR(vm_map(rw, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_EXEC),
                 ERR_NOT_PERMITTED);
    CHECK_VM_ERR(vm_map(rx, 0, VM_ANYWHERE, PAGE, RW), ERR_NOT_PERMITTED);
    CHECK_VM_ERR(vm_map(w, 0, VM_ANYWHERE, PAGE, RW), ERR_NOT_PERMITTED);
    CHECK_VM_ERR(vm_map(none, 0, VM_ANYWHERE, PAGE, MAP_READ),
                 ERR_NOT_PERMITTED);
    CHECK_EQ(vm_regions(), regions);
    /* What each allows works. */
    CHECK(vm_map(r, 0, VM_ANYWHERE, PAGE, MAP_READ) > 0);
    CHECK(vm_map(rw, 0, VM_ANYWHERE, PAGE, RW) > 0);
    CHECK(vm_map(rx, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_EXEC) > 0);
    struct mem_info mi;
    CHECK_ERR(mem_info(r, &mi), OK);
    CHECK_EQ(mi.mappings, 3);
    /* Rights only shrink. */
    CHECK_VM_ERR(handle_dup(r, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0),
                 ERR_NOT_PERMITTED);
    CHECK_VM_ERR(handle_dup(r, RIGHT_MAP_READ | RIGHT_GRANT, 0),
                 ERR_NOT_PERMITTED);
    CHECK_VM_ERR(handle_dup(h, RIGHT_SEND, 0), ERR_NOT_PERMITTED);
}

TEST(vm_map_needs_a_memory_handle) {
    uint32_t regions = vm_regions();
    handle_t h = mem_create(PAGE, 0);
    CHECK(h > 0);
    CHECK_ERR(handle_close(h), OK);
    CHECK_VM_ERR(vm_map(h, 0, VM_ANYWHERE, PAGE, MAP_READ), ERR_BAD_HANDLE);
    CHECK_VM_ERR(vm_map(self_handle(), 0, VM_ANYWHERE, PAGE, MAP_READ),
                 ERR_BAD_HANDLE);
    CHECK_VM_ERR(vm_map(H_SPAWN, 0, VM_ANYWHERE, PAGE, MAP_READ),
                 ERR_BAD_HANDLE);
    CHECK_VM_ERR(vm_map(HANDLE_MAX - 1, 0, VM_ANYWHERE, PAGE, MAP_READ),
                 ERR_BAD_HANDLE);
    CHECK_VM_ERR(vm_map(-1, 0, VM_ANYWHERE, PAGE, MAP_READ), ERR_BAD_HANDLE);
    struct mem_info mi;
    CHECK_ERR(mem_info(self_handle(), &mi), ERR_BAD_HANDLE);
    CHECK_ERR(mem_info(h, &mi), ERR_BAD_HANDLE);
    CHECK_EQ(vm_regions(), regions);
}

TEST(vm_mem_create_and_info) {
    uint64_t used = vm_used();
    handle_t h = mem_create(5000, 0);
    CHECK(h > 0);
    CHECK(vm_used() >= used + 2 * PAGE); /* charged to us */
    struct mem_info mi;
    CHECK_ERR(mem_info(h, &mi), OK);
    CHECK_EQ(mi.size, 2 * PAGE); /* rounded up to pages */
    CHECK_EQ(mi.flags, 0);
    CHECK_EQ(mi.paddr, 0);
    CHECK_EQ(mi.mappings, 0);
    CHECK_ERR(mem_info(h, NULL), ERR_BAD_POINTER);
    CHECK_ERR(mem_info(h, (struct mem_info *) 0xffff800000001000ull),
              ERR_BAD_POINTER);
    CHECK_ERR(mem_info(h, (struct mem_info *) USER_IMAGE_BASE),
              ERR_BAD_POINTER); /* read-only */
    int64_t a = vm_map(h, 0, VM_ANYWHERE, 2 * PAGE, MAP_READ);
    CHECK(a > 0);
    CHECK(zeroed(a, 2 * PAGE));
    CHECK_ERR(unmap(a, 2 * PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
    CHECK_EQ(vm_used(), used);
    CHECK_VM_ERR(mem_create(0, 0), ERR_INVALID_ARG);
    CHECK(mem_create(MEM_SIZE_MAX + PAGE, 0) < 0);
    CHECK_VM_ERR(mem_create(MEM_SIZE_MAX, 0), ERR_NO_MEMORY); /* budget */
    CHECK_EQ(vm_used(), used);
}

/* Each mapping of an object is a region of its own; VM_REGIONS_MAX of
 * them, then ERR_FULL. */
TEST(vm_regions_are_bounded) {
    handle_t h = mem_create(PAGE, 0);
    CHECK(h > 0);
    uint32_t start = vm_regions();
    int64_t first = 0, err = 0;
    uint32_t n = 0;
    for (; n < VM_REGIONS_MAX + 1; n++) {
        err = vm_map(h, 0, VM_ANYWHERE, PAGE, MAP_READ);
        if (err < 0)
            break;
        if (!first)
            first = err;
    }
    CHECK_VM_ERR(err, ERR_FULL);
    CHECK_EQ(start + n, VM_REGIONS_MAX);
    CHECK_EQ(vm_regions(), VM_REGIONS_MAX);
    CHECK_VM_ERR(anon_map(PAGE, RW), ERR_FULL);
    struct mem_info mi;
    CHECK_ERR(mem_info(h, &mi), OK);
    CHECK_EQ(mi.mappings, n);
    CHECK_ERR(handle_close(h), OK); /* the mappings keep the pages */
    CHECK_EQ(*(volatile uint8_t *) first, 0);
}
