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

/* Device memory is init's to make: the test task was not given the right. */
TEST(vm_device_memory_needs_the_right) {
    CHECK_ERR(startup_handle(TAG_DMA), ERR_NOT_FOUND);
    CHECK_ERR(mem_create_device(0, PAGE), ERR_BAD_HANDLE);
    CHECK_ERR(mem_create_device(H_SPAWN, PAGE), ERR_BAD_HANDLE);
}
