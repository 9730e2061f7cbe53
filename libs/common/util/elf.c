#include "elf.h"
#include <stdbool.h>

/*
 * The image must be 8-byte aligned and e_phoff a multiple of 8, so that
 * the headers can be read (and handed out by elf_phdr) in place;
 * elf_check rejects anything else with ERR_BAD_IMAGE. Every bound is
 * checked by subtraction so that no sum of untrusted fields can wrap.
 */

#define EI_CLASS 4
#define EI_DATA 5
#define ELF_PAGE_SHIFT 12
#define ELF_PAGE_MASK ((1u << ELF_PAGE_SHIFT) - 1)

static const struct elf64_ehdr *ehdr_of(const void *image) {
    return (const struct elf64_ehdr *) image;
}

static bool ident_ok(const uint8_t *id) {
    uint32_t magic = (uint32_t) id[0] | (uint32_t) id[1] << 8 |
                     (uint32_t) id[2] << 16 | (uint32_t) id[3] << 24;
    return magic == ELF_MAGIC && id[EI_CLASS] == ELFCLASS64 &&
           id[EI_DATA] == ELFDATA2LSB;
}

/* Does [off, off + len) fit in a buffer of `size` bytes? */
static bool range_in(uint64_t off, uint64_t len, uint64_t size) {
    return off <= size && len <= size - off;
}

static error_t check_ehdr(const void *image, size_t size) {
    if (image == NULL || (uintptr_t) image % 8 != 0)
        return ERR_BAD_IMAGE;
    if (size < sizeof(struct elf64_ehdr))
        return ERR_BAD_IMAGE;
    const struct elf64_ehdr *eh = ehdr_of(image);
    if (!ident_ok(eh->e_ident) || eh->e_type != ET_EXEC ||
        eh->e_machine != EM_X86_64)
        return ERR_BAD_IMAGE;
    if (eh->e_phentsize != sizeof(struct elf64_phdr) ||
        eh->e_phnum > ELF_MAX_PHDRS || eh->e_phoff % 8 != 0)
        return ERR_BAD_IMAGE;
    uint64_t table = (uint64_t) eh->e_phnum * sizeof(struct elf64_phdr);
    if (!range_in(eh->e_phoff, table, size))
        return ERR_BAD_IMAGE;
    return OK;
}

/* One PT_LOAD on its own: sizes, file range, address range, congruence. */
static error_t check_load(const struct elf64_phdr *ph, size_t size, uint64_t lo,
                          uint64_t hi) {
    if (ph->p_filesz > ph->p_memsz)
        return ERR_BAD_IMAGE;
    if (!range_in(ph->p_offset, ph->p_filesz, size))
        return ERR_BAD_IMAGE;
    if (ph->p_vaddr < lo || ph->p_vaddr >= hi || ph->p_memsz > hi - ph->p_vaddr)
        return ERR_BAD_IMAGE;
    if ((ph->p_vaddr & ELF_PAGE_MASK) != (ph->p_offset & ELF_PAGE_MASK))
        return ERR_BAD_IMAGE;
    return OK;
}

/* Page numbers, inclusive, so the last page of the range cannot wrap. */
static bool pages_overlap(const struct elf64_phdr *a,
                          const struct elf64_phdr *b) {
    if (a->p_memsz == 0 || b->p_memsz == 0)
        return false;
    uint64_t a_first = a->p_vaddr >> ELF_PAGE_SHIFT;
    uint64_t a_last = (a->p_vaddr + a->p_memsz - 1) >> ELF_PAGE_SHIFT;
    uint64_t b_first = b->p_vaddr >> ELF_PAGE_SHIFT;
    uint64_t b_last = (b->p_vaddr + b->p_memsz - 1) >> ELF_PAGE_SHIFT;
    return a_first <= b_last && b_first <= a_last;
}

static bool contains_entry(const struct elf64_phdr *ph, uint64_t entry) {
    return (ph->p_flags & PF_X) && entry >= ph->p_vaddr &&
           entry - ph->p_vaddr < ph->p_memsz;
}

error_t elf_check(const void *image, size_t size, uint64_t lo, uint64_t hi) {
    error_t err = check_ehdr(image, size);
    if (err != OK)
        return err;
    const struct elf64_ehdr *eh = ehdr_of(image);
    bool entry_found = false;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = elf_phdr(image, i);
        if (ph->p_type != PT_LOAD)
            continue;
        err = check_load(ph, size, lo, hi);
        if (err != OK)
            return err;
        /* Earlier segments are already checked, so their sums are safe. */
        for (unsigned j = 0; j < i; j++) {
            const struct elf64_phdr *other = elf_phdr(image, j);
            if (other->p_type == PT_LOAD && pages_overlap(ph, other))
                return ERR_BAD_IMAGE;
        }
        entry_found = entry_found || contains_entry(ph, eh->e_entry);
    }
    return entry_found ? OK : ERR_BAD_IMAGE;
}

const struct elf64_phdr *elf_phdr(const void *image, unsigned i) {
    const struct elf64_ehdr *eh = ehdr_of(image);
    const char *table = (const char *) image + eh->e_phoff;
    return (const struct elf64_phdr *) table + i;
}
