/* 4-level page tables for user address spaces. */
#include "paging.h"
#include "arch.h"
#include "asm.h"
#include "mm.h"
#include "printk.h"
#include <error.h>
#include <layout.h>
#include <stddef.h>

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_OWNED (1ull << 9) /* available to software: frame is ours */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define USER_ENTRIES 256 /* PML4 entries 0..255 are the user half */

extern uint64_t boot_pml4[512];

static uint64_t *table(uint64_t paddr) { return PADDR2PTR(paddr); }

uint64_t vm_kernel_pml4(void) { return PTR2PADDR(boot_pml4); }

void paging_init(void) {
    /* boot.S mapped the first GiB at 0 as well, to turn paging on: from
     * here on only the higher half is mapped, and user space starts empty. */
    boot_pml4[0] = 0;
    arch_use_kernel_space();
}

uint64_t vm_create(void) {
    uint64_t pml4 = page_alloc();
    if (!pml4)
        return 0;
    /* Share the kernel half; the user half starts empty. */
    for (int i = USER_ENTRIES; i < 512; i++)
        table(pml4)[i] = boot_pml4[i];
    return pml4;
}

static void free_level(uint64_t paddr, int level) {
    uint64_t *t = table(paddr);
    for (int i = 0; i < 512; i++) {
        if (!(t[i] & PTE_P))
            continue;
        if (level > 1)
            free_level(t[i] & PTE_ADDR, level - 1);
        else if (t[i] & PTE_OWNED)
            page_free(t[i] & PTE_ADDR);
    }
    page_free(paddr);
}

void vm_destroy(uint64_t pml4) {
    uint64_t *t = table(pml4);
    for (int i = 0; i < USER_ENTRIES; i++) {
        if (t[i] & PTE_P)
            free_level(t[i] & PTE_ADDR, 3);
    }
    page_free(pml4);
}

static int index_at(uint64_t vaddr, int level) {
    return (vaddr >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* The level-1 entry for vaddr, creating tables when `create`. */
static uint64_t *walk(uint64_t pml4, uint64_t vaddr, bool create) {
    uint64_t paddr = pml4;
    for (int level = 4; level > 1; level--) {
        uint64_t *entry = &table(paddr)[index_at(vaddr, level)];
        if (!(*entry & PTE_P)) {
            if (!create)
                return NULL;
            uint64_t next = page_alloc();
            if (!next)
                return NULL;
            /* Intermediate entries allow everything; leaves decide. */
            *entry = next | PTE_P | PTE_W | PTE_U;
        }
        paddr = *entry & PTE_ADDR;
    }
    return &table(paddr)[index_at(vaddr, 1)];
}

int vm_map(uint64_t pml4, uint64_t vaddr, uint64_t paddr, unsigned flags) {
    ASSERT(vaddr < USER_SPACE_END && vaddr % PAGE_SIZE == 0);
    uint64_t *pte = walk(pml4, vaddr, true);
    if (!pte)
        return ERR_NO_MEMORY;
    ASSERT(!(*pte & PTE_P));
    uint64_t e = paddr | PTE_P;
    e |= (flags & VM_WRITE) ? PTE_W : 0;
    e |= (flags & VM_USER) ? PTE_U : 0;
    e |= (flags & VM_EXEC) ? 0 : PTE_NX;
    e |= (flags & VM_OWNED) ? PTE_OWNED : 0;
    *pte = e;
    return 0;
}

uint64_t vm_user_lookup(uint64_t pml4, uint64_t vaddr, bool write) {
    if (vaddr >= USER_SPACE_END)
        return 0;
    uint64_t *pte = walk(pml4, vaddr, false);
    if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U))
        return 0;
    if (write && !(*pte & PTE_W))
        return 0;
    return (*pte & PTE_ADDR) | (vaddr & (PAGE_SIZE - 1));
}
