#pragma once
#include <error.h>
#include <kobject.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Shared memory with the names of Resea's shm_* calls, over the kernel's
 * memory objects (docs/memory.md). The handle is the memory object's own:
 * another task maps the same pages once the handle reaches it in a
 * message (a field of type handle_copy, or MSG_HANDLE_COPY), never by a
 * number it could guess. The pages are charged to the task that created
 * them, and live until the last handle is closed and the last mapping
 * unmapped.
 */

/* size bytes (rounded up to pages, zeroed), mapped read-write at *ptr;
 * *handle is the object's, with every right. */
error_t shm_create(size_t size, handle_t *handle, void **ptr);
/* The whole object behind handle, mapped at *ptr; writable needs a handle
 * with RIGHT_MAP_WRITE (ERR_NOT_PERMITTED otherwise). */
error_t shm_map(handle_t handle, bool writable, void **ptr);
/* Unmap what shm_create or shm_map mapped at ptr from handle's object. */
error_t shm_unmap(handle_t handle, void *ptr);
/* Close the handle; what is mapped stays mapped until shm_unmap. */
error_t shm_close(handle_t handle);
