#include <resea/shm.h>
#include <resea/syscall.h>
#include <vm.h>

static int64_t object_size(handle_t handle) {
    struct mem_info info;
    error_t err = mem_info(handle, &info);
    return err ? err : (int64_t) info.size;
}

error_t shm_map(handle_t handle, bool writable, void **ptr) {
    int64_t size = object_size(handle);
    if (size < 0)
        return (error_t) size;
    uint32_t flags = MAP_READ | (writable ? MAP_WRITE : 0);
    int64_t addr = vm_map(handle, 0, VM_ANYWHERE, (uint64_t) size, flags);
    if (addr < 0)
        return (error_t) addr;
    *ptr = (void *) addr;
    return OK;
}

error_t shm_create(size_t size, handle_t *handle, void **ptr) {
    if (size == 0)
        return ERR_INVALID_ARG;
    handle_t h = mem_create(size, 0);
    if (h < 0)
        return (error_t) h;
    error_t err = shm_map(h, true, ptr);
    if (err) {
        handle_close(h);
        return err;
    }
    *handle = h;
    return OK;
}

error_t shm_unmap(handle_t handle, void *ptr) {
    int64_t size = object_size(handle);
    return size < 0 ? (error_t) size : vm_unmap(ptr, (uint64_t) size);
}

error_t shm_close(handle_t handle) { return handle_close(handle); }
