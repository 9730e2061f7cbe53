#include "ksym.h"
#include <stddef.h>

/*
 * Reserved here, filled after linking by tools/embed_symbols.py. The
 * non-zero first byte keeps it out of .bss, so it has room in the file;
 * not const, so the compiler cannot fold reads of it to that placeholder.
 */
__attribute__((section(".ksymtab"), used, aligned(16)))
uint8_t ksymtab_area[KSYMTAB_SIZE] = {0xff};

const char *ksym_lookup(uint64_t addr, uint64_t *offset) {
    const struct ksymtab *tab = (const struct ksymtab *) ksymtab_area;
    if (tab->magic != KSYMTAB_MAGIC || tab->count == 0 ||
        addr < tab->syms[0].addr)
        return NULL;

    /* The last symbol at or below addr. */
    uint32_t lo = 0, hi = tab->count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tab->syms[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - tab->syms[lo].addr;
    return (const char *) ksymtab_area + tab->syms[lo].name_off;
}
