/* 4-level page tables: the kernel half (built at boot) and user spaces. */
#include "paging.h"
#include "arch.h"
#include "asm.h"
#include "boot.h"
#include "mm.h"
#include "printk.h"
#include <error.h>
#include <layout.h>
#include <stddef.h>
#include <string.h>

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PS (1ull << 7)    /* in a page directory: a 2 MiB page */
#define PTE_G (1ull << 8)     /* global: kept in the TLB across CR3 loads */
#define PTE_OWNED (1ull << 9) /* available to software: frame is ours */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define USER_ENTRIES 256 /* PML4 entries 0..255 are the user half */
#define BIG_PAGE (1ull << 21)
#define GIB (1ull << 30)
#define PML4_ENTRY_SPAN (1ull << 39) /* what one PML4 entry maps */
#define CR4_PGE (1u << 7)

extern uint64_t boot_pml4[512], boot_pd[512];
extern char __kernel_end[];

static uint64_t *table(uint64_t paddr) { return PADDR2PTR(paddr); }

uint64_t vm_kernel_pml4(void) { return KIMG2PADDR(boot_pml4); }

static int pml4_index(uint64_t vaddr) { return (vaddr >> 39) & 0x1ff; }

/* Before the direct map exists, boot.S's map of the first GiB at
 * KERNEL_VBASE is the only way to physical memory. */
static uint64_t *boot_table(uint64_t paddr) {
    ASSERT(paddr < GIB);
    return (uint64_t *) (paddr + KERNEL_VBASE);
}

static bool chunk_has_ram(const struct boot_info *info, uint64_t chunk,
                          uint64_t size) {
    for (int i = 0; i < info->num_ram; i++) {
        if (info->ram[i].start < chunk + size && chunk < info->ram[i].end)
            return true;
    }
    return false;
}

/* Map every 2 MiB that holds usable RAM at DIRECT_MAP_BASE + paddr:
 * global, writable, never executable. The tables come from the RAM
 * under the first GiB, one page directory per GiB that has RAM. */
void paging_map_ram(struct boot_info *info) {
    int dirs = 1;
    for (uint64_t g = 0; g < DIRECT_MAP_LIMIT; g += GIB)
        dirs += chunk_has_ram(info, g, GIB);
    uint64_t next = boot_take(info, dirs * PAGE_SIZE, GIB);
    if (!next)
        panic("no room for the direct map's %d page tables", dirs);
    uint64_t pdpt = next;
    for (int i = 0; i < dirs; i++)
        memset(boot_table(next + i * PAGE_SIZE), 0, PAGE_SIZE);
    for (uint64_t g = 0; g < DIRECT_MAP_LIMIT; g += GIB) {
        if (!chunk_has_ram(info, g, GIB))
            continue;
        next += PAGE_SIZE;
        boot_table(pdpt)[g / GIB] = next | PTE_P | PTE_W;
        for (uint64_t c = g; c < g + GIB; c += BIG_PAGE) {
            if (chunk_has_ram(info, c, BIG_PAGE))
                boot_table(next)[(c - g) / BIG_PAGE] =
                    c | PTE_P | PTE_W | PTE_PS | PTE_G | PTE_NX;
        }
    }
    boot_pml4[pml4_index(DIRECT_MAP_BASE)] = pdpt | PTE_P | PTE_W;
}

/* The kernel stack area's PDPT. Made before the first user space, which
 * copies the kernel half's PML4 entries, so every space sees each stack. */
static void kstack_area_init(void) {
    uint64_t pdpt = page_alloc();
    if (!pdpt)
        panic("no memory for the kernel stack area");
    boot_pml4[pml4_index(KSTACK_AREA_BASE)] = pdpt | PTE_P | PTE_W;
}

void paging_init(void) {
    /* boot.S mapped the first GiB at 0 and at KERNEL_VBASE, to turn paging
     * on and reach memory before the direct map. From here on the user
     * half is empty and KERNEL_VBASE holds only the kernel image, so a
     * stray use of the old alias faults. Its pages are global: toggling
     * PGE flushes them. */
    boot_pml4[0] = 0;
    for (uint64_t i = (KIMG2PADDR(__kernel_end) + BIG_PAGE - 1) / BIG_PAGE;
         i < 512; i++)
        boot_pd[i] = 0;
    kstack_area_init();
    arch_use_kernel_space();
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4);
}

uint64_t vm_create(struct mem_account *acct) {
    uint64_t pml4 = page_alloc_charged(acct);
    if (!pml4)
        return 0;
    /* Share the kernel half; the user half starts empty. */
    for (int i = USER_ENTRIES; i < 512; i++)
        table(pml4)[i] = boot_pml4[i];
    return pml4;
}

static void free_level(uint64_t paddr, int level, struct mem_account *acct) {
    uint64_t *t = table(paddr);
    for (int i = 0; i < 512; i++) {
        if (!(t[i] & PTE_P))
            continue;
        if (level > 1)
            free_level(t[i] & PTE_ADDR, level - 1, acct);
        else if (t[i] & PTE_OWNED)
            page_free_charged(acct, t[i] & PTE_ADDR);
    }
    page_free_charged(acct, paddr);
}

void vm_destroy(uint64_t pml4, struct mem_account *acct) {
    uint64_t *t = table(pml4);
    for (int i = 0; i < USER_ENTRIES; i++) {
        if (t[i] & PTE_P)
            free_level(t[i] & PTE_ADDR, 3, acct);
    }
    page_free_charged(acct, pml4);
}

static int index_at(uint64_t vaddr, int level) {
    return (vaddr >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* Take out the tables a failed walk made, last first: they hold nothing
 * but each other, and the budget has them back. */
static void unmake_tables(uint64_t pml4, uint64_t vaddr, uint64_t **made, int n,
                          struct mem_account *acct) {
    while (n-- > 0) {
        uint64_t page = *made[n] & PTE_ADDR;
        *made[n] = 0;
        if (read_cr3() == pml4)
            __asm__ volatile("invlpg (%0)" ::"r"(vaddr) : "memory");
        page_free_charged(acct, page);
    }
}

/* The level-1 entry for vaddr, creating missing tables (charged to acct)
 * with the entry flags `table_flags` unless they are 0. NULL, and no
 * table made, when one cannot be. */
static uint64_t *walk(uint64_t pml4, uint64_t vaddr, uint64_t table_flags,
                      struct mem_account *acct) {
    uint64_t paddr = pml4;
    uint64_t *made[3];
    int num_made = 0;
    for (int level = 4; level > 1; level--) {
        uint64_t *entry = &table(paddr)[index_at(vaddr, level)];
        if (!(*entry & PTE_P)) {
            if (!table_flags)
                return NULL;
            uint64_t next = page_alloc_charged(acct);
            if (!next) {
                unmake_tables(pml4, vaddr, made, num_made, acct);
                return NULL;
            }
            *entry = next | table_flags;
            made[num_made++] = entry;
        }
        paddr = *entry & PTE_ADDR;
    }
    return &table(paddr)[index_at(vaddr, 1)];
}

int vm_map(uint64_t pml4, uint64_t vaddr, uint64_t paddr, unsigned flags,
           struct mem_account *acct) {
    ASSERT(vaddr < USER_SPACE_END && vaddr % PAGE_SIZE == 0);
    /* Intermediate entries allow everything; leaves decide. */
    uint64_t *pte = walk(pml4, vaddr, PTE_P | PTE_W | PTE_U, acct);
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
    uint64_t *pte = walk(pml4, vaddr, 0, NULL);
    if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U))
        return 0;
    if (write && !(*pte & PTE_W))
        return 0;
    return (*pte & PTE_ADDR) | (vaddr & (PAGE_SIZE - 1));
}

/* Absent tables are skipped whole, so that a wide range costs little. */
uint64_t vm_next_mapped(uint64_t pml4, uint64_t from, uint64_t to) {
    ASSERT(to <= USER_SPACE_END);
    uint64_t va = from;
    while (va < to) {
        uint64_t paddr = pml4;
        int level = 4;
        for (; level >= 1; level--) {
            uint64_t e = table(paddr)[index_at(va, level)];
            if (!(e & PTE_P))
                break;
            paddr = e & PTE_ADDR;
        }
        if (level == 0)
            return va;
        uint64_t span = 1ull << (12 + 9 * (level - 1));
        va = (va & ~(span - 1)) + span;
    }
    return to;
}

uint64_t vm_unmap(uint64_t pml4, uint64_t vaddr, bool *owned) {
    ASSERT(vaddr < USER_SPACE_END && vaddr % PAGE_SIZE == 0);
    uint64_t *pte = walk(pml4, vaddr, 0, NULL);
    if (!pte || !(*pte & PTE_P))
        return 0;
    uint64_t e = *pte;
    *pte = 0;
    *owned = (e & PTE_OWNED) != 0;
    return e & PTE_ADDR;
}

static bool table_empty(const uint64_t *t) {
    for (int i = 0; i < 512; i++) {
        if (t[i] & PTE_P)
            return false;
    }
    return true;
}

/* Free the tables above vaddr's level-1 entry that hold nothing any more,
 * lowest first. The TLB's cached walks through a table are dropped
 * (invlpg drops every paging-structure cache entry) before it is reused. */
void vm_release_tables(uint64_t pml4, uint64_t vaddr,
                       struct mem_account *acct) {
    ASSERT(vaddr < USER_SPACE_END);
    uint64_t path[4] = {pml4};
    for (int level = 4; level > 1; level--) {
        uint64_t e = table(path[4 - level])[index_at(vaddr, level)];
        if (!(e & PTE_P))
            return;
        path[5 - level] = e & PTE_ADDR;
    }
    for (int i = 3; i > 0 && table_empty(table(path[i])); i--) {
        table(path[i - 1])[index_at(vaddr, 5 - i)] = 0;
        if (read_cr3() == pml4)
            __asm__ volatile("invlpg (%0)" ::"r"(vaddr) : "memory");
        page_free_charged(acct, path[i]);
    }
}

void arch_tlb_flush(uint64_t vaddr, uint64_t pages) {
    /* Past this many, one CR3 load (which keeps the global kernel pages)
     * costs less than invlpg page by page. */
    if (pages > 32) {
        write_cr3(read_cr3());
        return;
    }
    for (uint64_t i = 0; i < pages; i++)
        __asm__ volatile("invlpg (%0)" ::"r"(vaddr + i * PAGE_SIZE) : "memory");
}

static uint64_t kstack_bottom(int slot) {
    return KSTACK_AREA_BASE + (uint64_t) slot * KSTACK_SLOT_SIZE + PAGE_SIZE;
}

static void invlpg(uint64_t vaddr) {
    __asm__ volatile("invlpg (%0)" ::"r"(vaddr) : "memory");
}

void arch_kstack_free(uint64_t bottom) {
    for (uint64_t va = bottom; va < bottom + KSTACK_SIZE; va += PAGE_SIZE) {
        uint64_t *pte = walk(vm_kernel_pml4(), va, 0, NULL);
        if (pte && (*pte & PTE_P)) {
            page_free(*pte & PTE_ADDR);
            *pte = 0;
            invlpg(va);
        }
    }
}

/* Page by page, so that the page below stays unmapped: an overflow
 * faults there instead of overwriting the neighbour's stack. The tables
 * under the area's PDPT are shared by every space and never freed. */
uint64_t arch_kstack_alloc(int slot) {
    uint64_t bottom = kstack_bottom(slot);
    for (uint64_t va = bottom; va < bottom + KSTACK_SIZE; va += PAGE_SIZE) {
        uint64_t *pte = walk(vm_kernel_pml4(), va, PTE_P | PTE_W, NULL);
        uint64_t page = pte ? page_alloc() : 0;
        if (!page) {
            arch_kstack_free(bottom);
            return 0;
        }
        ASSERT(!(*pte & PTE_P));
        *pte = page | PTE_P | PTE_W | PTE_G | PTE_NX;
    }
    return bottom;
}

bool arch_in_kstack_guard(uint64_t addr) {
    uint64_t off = addr - KSTACK_AREA_BASE;
    return addr >= KSTACK_AREA_BASE && off < PML4_ENTRY_SPAN &&
           off % KSTACK_SLOT_SIZE < PAGE_SIZE;
}
