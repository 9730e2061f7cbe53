#include "usercopy.h"
#include "arch/x64/layout.h"
#include "task.h"
#include <layout.h>
#include <string.h>

static bool range_in_user_half(uint64_t addr, size_t len) {
    return addr < USER_SPACE_END && len <= USER_SPACE_END - addr;
}

bool user_range_ok(const void __user *uaddr, size_t len, bool write) {
    uint64_t addr = (uint64_t) uaddr;
    if (!range_in_user_half(addr, len))
        return false;
    if (len == 0)
        return true;
    uint64_t end = addr + len;
    for (uint64_t page = addr & ~(PAGE_SIZE - 1); page < end; page += PAGE_SIZE) {
        if (!vm_user_lookup(current->arch.pml4, page, write))
            return false;
    }
    return true;
}

/* Copy between kernel memory and the user range page by page; `to_user`
 * picks the direction. The whole range is checked before any byte moves. */
static error_t copy_user(void *kbuf, uint64_t uaddr, size_t len, bool to_user) {
    if (!user_range_ok((const void *) uaddr, len, to_user))
        return ERR_BAD_POINTER;
    uint8_t *k = kbuf;
    while (len > 0) {
        uint64_t paddr = vm_user_lookup(current->arch.pml4, uaddr, to_user);
        size_t chunk = PAGE_SIZE - (uaddr & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (to_user)
            memcpy(PADDR2PTR(paddr), k, chunk);
        else
            memcpy(k, PADDR2PTR(paddr), chunk);
        k += chunk;
        uaddr += chunk;
        len -= chunk;
    }
    return OK;
}

error_t copy_from_user(void *dst, const void __user *src, size_t len) {
    return copy_user(dst, (uint64_t) src, len, false);
}

error_t copy_to_user(void __user *dst, const void *src, size_t len) {
    return copy_user((void *) src, (uint64_t) dst, len, true);
}

error_t copy_string_from_user(char *dst, const char __user *src, size_t max) {
    for (size_t i = 0; i < max; i++) {
        error_t err = copy_from_user(&dst[i], src + i, 1);
        if (err)
            return err;
        if (dst[i] == '\0')
            return i == 0 ? ERR_INVALID_ARG : OK;
    }
    return ERR_TOO_LARGE;
}
