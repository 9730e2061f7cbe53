/* The core of memory objects and mapping: what every other vm_* case
 * builds on. */
#include "test.h"
#include <resea/startup.h>
#include <vm.h>

#define PAGE 4096

static uint64_t used_now(void) {
    struct vm_status st = {0};
    return vm_status(&st) == OK ? st.used : 0;
}

static uint64_t free_pages_now(void) {
    struct sysinfo si = {0};
    return sys_sysinfo(H_SPAWN, &si) == OK ? si.free_pages : 0;
}

TEST(vm_private_memory_comes_zeroed_and_goes_back) {
    uint64_t used = used_now(), free = free_pages_now();
    int64_t at = vm_map(0, 0, VM_ANYWHERE, 3 * PAGE, MAP_READ | MAP_WRITE);
    CHECK(at > 0);
    volatile uint64_t *p = (uint64_t *) at;
    for (int i = 0; i < 3 * PAGE / 8; i++)
        CHECK_EQ(p[i], 0);
    p[0] = 1;
    p[3 * PAGE / 8 - 1] = 2;
    CHECK(used_now() >= used + 3 * PAGE);
    CHECK_ERR(vm_unmap((void *) at, 3 * PAGE), OK);
    CHECK_EQ(used_now(), used);
    CHECK_EQ(free_pages_now(), free);
}

TEST(vm_object_pages_go_back_with_the_last_reference) {
    uint64_t used = used_now(), free = free_pages_now();
    handle_t mem = mem_create(2 * PAGE, 0);
    CHECK(mem > 0);
    int64_t at = vm_map(mem, 0, VM_ANYWHERE, 2 * PAGE, MAP_READ | MAP_WRITE);
    CHECK(at > 0);
    struct mem_info info;
    CHECK_ERR(mem_info(mem, &info), OK);
    CHECK_EQ(info.size, 2 * PAGE);
    CHECK_EQ(info.mappings, 1);
    CHECK_EQ(info.paddr, 0);
    CHECK_ERR(handle_close(mem), OK);
    ((volatile uint64_t *) at)[0] = 7; /* the mapping keeps the pages */
    CHECK(used_now() > used);
    CHECK_ERR(vm_unmap((void *) at, 2 * PAGE), OK);
    CHECK_EQ(used_now(), used);
    CHECK_EQ(free_pages_now(), free);
}

TEST(vm_never_writable_and_executable) {
    CHECK_ERR(vm_map(0, 0, VM_ANYWHERE, PAGE, MAP_WRITE | MAP_EXEC),
              ERR_INVALID_ARG);
    handle_t mem = mem_create(PAGE, 0);
    CHECK(mem > 0);
    CHECK_ERR(
        vm_map(mem, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_WRITE | MAP_EXEC),
        ERR_INVALID_ARG);
    CHECK_ERR(handle_close(mem), OK);
}

/* Device memory: physically contiguous, its address known to the
 * holder, made only through the right init gives drivers (and the test
 * task, caps := dma). */
TEST(vm_device_memory_is_contiguous_and_tells_its_address) {
    handle_t dma = startup_handle(TAG_DMA);
    CHECK(dma > 0);
    uint64_t used = used_now(), free = free_pages_now();
    handle_t a = mem_create_device(dma, 3 * PAGE);
    handle_t b = mem_create_device(dma, 2 * PAGE);
    CHECK(a > 0 && b > 0);
    struct mem_info ia, ib;
    CHECK_ERR(mem_info(a, &ia), OK);
    CHECK_ERR(mem_info(b, &ib), OK);
    CHECK_EQ(ia.flags, MEM_DEVICE);
    CHECK_EQ(ia.size, 3 * PAGE);
    CHECK(ia.paddr != 0 && ia.paddr % PAGE == 0);
    CHECK(ia.paddr + ia.size <= ib.paddr || ib.paddr + ib.size <= ia.paddr);
    int64_t at = vm_map(a, 0, VM_ANYWHERE, 3 * PAGE, MAP_READ | MAP_WRITE);
    CHECK(at > 0);
    volatile uint64_t *p = (uint64_t *) at;
    CHECK_EQ(p[3 * PAGE / 8 - 1], 0); /* zeroed like any other */
    p[0] = 1;
    CHECK_ERR(vm_unmap((void *) at, 3 * PAGE), OK);
    CHECK_ERR(handle_close(a), OK);
    CHECK_ERR(handle_close(b), OK);
    CHECK_EQ(used_now(), used);
    CHECK_EQ(free_pages_now(), free);
}

/* CHILD_TRY_DMA: what mem_create_device gives a task without the right. */
int try_dma_main(void) {
    if (startup_handle(TAG_DMA) != ERR_NOT_FOUND)
        return 1;
    for (handle_t h = 0; h < HANDLE_MAX; h++) {
        handle_t m = mem_create_device(h, PAGE);
        if (m != ERR_BAD_HANDLE)
            return 100 + h;
    }
    return 0;
}

TEST(vm_device_memory_needs_the_right) {
    handle_t child = spawn_child(CHILD_TRY_DMA, TEST_PRIORITY);
    CHECK(child > 0);
    CHECK_EQ(exit_code_of(child), 0);
    /* A handle of another kind is not the right either. */
    CHECK_ERR(mem_create_device(H_SPAWN, PAGE), ERR_BAD_HANDLE);
}
