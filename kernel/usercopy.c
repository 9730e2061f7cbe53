#include "usercopy.h"
#include "arch.h"
#include "sched.h"
#include "task.h"
#include <layout.h>
#include <string.h>

bool space_range_ok(uint64_t pml4, const void __user *uaddr, size_t len,
                    bool write) {
    uint64_t addr = (uint64_t) uaddr;
    if (addr >= USER_SPACE_END || len > USER_SPACE_END - addr)
        return false;
    for (uint64_t page = addr & ~(PAGE_SIZE - 1); page < addr + len;
         page += PAGE_SIZE) {
        if (!vm_user_lookup(pml4, page, write))
            return false;
    }
    return true;
}

/* Bytes from uaddr to the end of its page, at most len. */
static size_t chunk_at(uint64_t uaddr, size_t len) {
    size_t chunk = PAGE_SIZE - (uaddr & (PAGE_SIZE - 1));
    return chunk < len ? chunk : len;
}

/* Copy between kernel memory and a user range; `to_user` picks the
 * direction. The whole range is checked before any byte moves. */
static error_t copy_user(uint64_t pml4, void *kbuf, uint64_t uaddr, size_t len,
                         bool to_user) {
    if (!space_range_ok(pml4, (const void __user *) uaddr, len, to_user))
        return ERR_BAD_POINTER;
    uint8_t *k = kbuf;
    while (len > 0) {
        void *u = PADDR2PTR(vm_user_lookup(pml4, uaddr, to_user));
        size_t n = chunk_at(uaddr, len);
        if (to_user)
            memcpy(u, k, n);
        else
            memcpy(k, u, n);
        k += n;
        uaddr += n;
        len -= n;
    }
    return OK;
}

error_t copy_from_space(uint64_t pml4, void *dst, const void __user *src,
                        size_t len) {
    return copy_user(pml4, dst, (uint64_t) src, len, false);
}

error_t copy_to_space(uint64_t pml4, void __user *dst, const void *src,
                      size_t len) {
    return copy_user(pml4, (void *) src, (uint64_t) dst, len, true);
}

int64_t space_strnlen(uint64_t pml4, const char __user *src, size_t max) {
    uint64_t addr = (uint64_t) src;
    size_t len = 0;
    while (len < max) {
        if (addr >= USER_SPACE_END)
            return ERR_BAD_POINTER;
        uint64_t paddr = vm_user_lookup(pml4, addr, false);
        if (!paddr)
            return ERR_BAD_POINTER;
        const char *page = PADDR2PTR(paddr);
        for (size_t n = chunk_at(addr, max - len); n > 0; n--, len++, addr++) {
            if (*page++ == '\0')
                return (int64_t) len;
        }
    }
    return ERR_TOO_LARGE;
}

error_t copy_between_spaces(uint64_t dst_pml4, void __user *dst,
                            uint64_t src_pml4, const void __user *src,
                            size_t len) {
    if (!space_range_ok(dst_pml4, dst, len, true) ||
        !space_range_ok(src_pml4, src, len, false))
        return ERR_BAD_POINTER;
    uint64_t d = (uint64_t) dst, s = (uint64_t) src;
    while (len > 0) {
        size_t n = chunk_at(d, len);
        n = chunk_at(s, n);
        memcpy(PADDR2PTR(vm_user_lookup(dst_pml4, d, true)),
               PADDR2PTR(vm_user_lookup(src_pml4, s, false)), n);
        d += n;
        s += n;
        len -= n;
    }
    return OK;
}

bool user_range_ok(const void __user *uaddr, size_t len, bool write) {
    return space_range_ok(current->arch.pml4, uaddr, len, write);
}

error_t copy_from_user(void *dst, const void __user *src, size_t len) {
    return copy_from_space(current->arch.pml4, dst, src, len);
}

error_t copy_to_user(void __user *dst, const void *src, size_t len) {
    return copy_to_space(current->arch.pml4, dst, src, len);
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
