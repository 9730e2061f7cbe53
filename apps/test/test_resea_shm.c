/*
 * Resea's shm_* calls (<resea/shm.h>) over memory objects: the pages one
 * mapping writes are the pages every other mapping of the object reads,
 * rights only shrink, and bad arguments change nothing.
 */
#include "test.h"
#include <resea/shm.h>
#include <string.h>
#include <types.h>
#include <vm.h>

#define SHM_BYTES (2 * PAGE_SIZE + 100) /* rounded up to 3 pages */

static struct vm_status status(void) {
    struct vm_status st;
    vm_status(&st);
    return st;
}

TEST(resea_shm_two_mappings_share_pages) {
    struct vm_status before = status();
    handle_t h;
    char *rw, *ro;
    CHECK_ERR(shm_create(SHM_BYTES, &h, (void **) &rw), OK);
    CHECK_ERR(shm_map(h, false, (void **) &ro), OK);
    CHECK(rw != ro);
    CHECK(ro[0] == 0 && ro[3 * PAGE_SIZE - 1] == 0); /* zeroed, 3 pages */
    memcpy(rw + PAGE_SIZE + 7, "shared", 7);
    rw[3 * PAGE_SIZE - 1] = 'z';
    CHECK(!memcmp(ro + PAGE_SIZE + 7, "shared", 7));
    CHECK_EQ(ro[3 * PAGE_SIZE - 1], 'z');
    CHECK_EQ(status().regions, before.regions + 2);
    CHECK(status().used > before.used);
    CHECK_ERR(shm_unmap(h, ro), OK);
    CHECK_ERR(shm_unmap(h, rw), OK);
    CHECK_ERR(shm_close(h), OK);
    /* The last handle and mapping gone, so are the pages. */
    CHECK_EQ(status().regions, before.regions);
    CHECK_EQ(status().used, before.used);
}

TEST(resea_shm_read_only_handle_maps_read_only) {
    handle_t h;
    char *rw, *ro;
    CHECK_ERR(shm_create(PAGE_SIZE, &h, (void **) &rw), OK);
    handle_t ro_h = handle_dup(h, RIGHT_MAP_READ, 0);
    CHECK(ro_h > 0);
    struct vm_status before = status();
    void *untouched = &before;
    void *p = untouched;
    CHECK_ERR(shm_map(ro_h, true, &p), ERR_NOT_PERMITTED);
    CHECK(p == untouched);
    CHECK_EQ(status().regions, before.regions);
    CHECK_ERR(shm_map(ro_h, false, (void **) &ro), OK);
    rw[5] = 42;
    CHECK_EQ(ro[5], 42);
    CHECK_ERR(shm_unmap(ro_h, ro), OK);
    CHECK_ERR(shm_unmap(h, rw), OK);
    CHECK_ERR(shm_close(ro_h), OK);
    CHECK_ERR(shm_close(h), OK);
}

TEST(resea_shm_bad_arguments_change_nothing) {
    struct vm_status before = status();
    handle_t h = 0;
    void *p = NULL;
    CHECK_ERR(shm_create(0, &h, &p), ERR_INVALID_ARG);
    CHECK_ERR(shm_create(MEM_SIZE_MAX + PAGE_SIZE, &h, &p), ERR_TOO_LARGE);
    CHECK(h == 0 && p == NULL);
    CHECK_ERR(shm_map(HANDLE_MAX - 1, false, &p), ERR_BAD_HANDLE);
    CHECK_ERR(shm_map(startup_handle(TAG_NAME), false, &p), ERR_BAD_HANDLE);
    CHECK_ERR(shm_close(HANDLE_MAX - 1), ERR_BAD_HANDLE);
    CHECK(p == NULL);
    CHECK_EQ(status().regions, before.regions);
    CHECK_EQ(status().used, before.used);
}
