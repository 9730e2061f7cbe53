#pragma once
#include <stdint.h>

/*
 * The kernel's own symbol table, for symbolised backtraces. The linker
 * reserves KSYMTAB_SIZE bytes in section .ksymtab; after linking,
 * tools/embed_symbols.py fills it from the kernel's function symbols.
 *
 * Layout: struct ksymtab, then count struct ksym sorted by address, then
 * the NUL-terminated names; name_off counts from the start of the table.
 */
#define KSYMTAB_MAGIC 0x4d59534bu /* "KSYM" */
#define KSYMTAB_SIZE (96 * 1024)

struct ksym {
    uint64_t addr;
    uint32_t name_off;
    uint32_t reserved;
};

struct ksymtab {
    uint32_t magic;
    uint32_t count;
    uint64_t reserved;
    struct ksym syms[];
};

/* The function containing addr, or NULL; *offset is addr - its start. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
