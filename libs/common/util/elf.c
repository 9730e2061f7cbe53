#include "elf.h"
#include <stdbool.h>
#include <string.h>

/*
 * The headers are copied out of the image before any check, so the image
 * may lie anywhere (the caller's reader decides how to reach it) and be
 * aligned any way. Every bound is checked by subtraction so that no sum
 * of untrusted fields can wrap.
 */

#define EI_CLASS 4
#define EI_DATA 5
#define ELF_PAGE_SHIFT 12
#define ELF_PAGE_MASK ((1u << ELF_PAGE_SHIFT) - 1)

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

static error_t check_ehdr(const struct elf64_ehdr *eh, uint64_t size) {
    if (!ident_ok(eh->e_ident) || eh->e_type != ET_EXEC ||
        eh->e_machine != EM_X86_64)
        return ERR_BAD_IMAGE;
    if (eh->e_phentsize != sizeof(struct elf64_phdr) ||
        eh->e_phnum > ELF_MAX_PHDRS)
        return ERR_BAD_IMAGE;
    uint64_t table = (uint64_t) eh->e_phnum * sizeof(struct elf64_phdr);
    if (!range_in(eh->e_phoff, table, size))
        return ERR_BAD_IMAGE;
    return OK;
}

/* One PT_LOAD on its own: sizes, rights (never W+X), file range, address
 * range, congruence. */
static error_t check_load(const struct elf64_phdr *ph, uint64_t size,
                          uint64_t lo, uint64_t hi) {
    if (ph->p_filesz > ph->p_memsz)
        return ERR_BAD_IMAGE;
    if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
        return ERR_BAD_IMAGE; /* never writable and executable */
    if (!range_in(ph->p_offset, ph->p_filesz, size))
        return ERR_BAD_IMAGE;
    if (ph->p_vaddr < lo || ph->p_vaddr >= hi || ph->p_memsz > hi - ph->p_vaddr)
        return ERR_BAD_IMAGE;
    if ((ph->p_vaddr & ELF_PAGE_MASK) != (ph->p_offset & ELF_PAGE_MASK))
        return ERR_BAD_IMAGE;
    return OK;
}

/* Page numbers, inclusive, so the last page of the range cannot wrap.
 * Both segments are loadable (memsz > 0) and checked. */
static bool pages_overlap(const struct elf64_phdr *a,
                          const struct elf64_phdr *b) {
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

static error_t check_segments(const struct elf_headers *h, uint64_t size,
                              uint64_t lo, uint64_t hi) {
    bool entry_found = false;
    for (unsigned i = 0; i < h->eh.e_phnum; i++) {
        const struct elf64_phdr *ph = &h->ph[i];
        if (ph->p_type != PT_LOAD)
            continue;
        error_t err = check_load(ph, size, lo, hi);
        if (err != OK)
            return err;
        if (!elf_loadable(ph))
            continue; /* empty: it takes no page, so it shares none */
        /* Earlier segments are already checked, so their sums are safe. */
        for (unsigned j = 0; j < i; j++) {
            if (elf_loadable(&h->ph[j]) && pages_overlap(ph, &h->ph[j]))
                return ERR_BAD_IMAGE;
        }
        entry_found = entry_found || contains_entry(ph, h->eh.e_entry);
    }
    return entry_found ? OK : ERR_BAD_IMAGE;
}

error_t elf_read_headers(elf_read_fn read, const void *image, uint64_t size,
                         uint64_t lo, uint64_t hi, struct elf_headers *out) {
    if (size < sizeof(out->eh))
        return ERR_BAD_IMAGE;
    error_t err = read(image, &out->eh, 0, sizeof(out->eh));
    if (err != OK || (err = check_ehdr(&out->eh, size)) != OK)
        return err;
    err = read(image, out->ph, out->eh.e_phoff,
               out->eh.e_phnum * sizeof(out->ph[0]));
    if (err != OK)
        return err;
    return check_segments(out, size, lo, hi);
}

static error_t read_memory(const void *image, void *dst, uint64_t off,
                           uint64_t len) {
    memcpy(dst, (const char *) image + off, len);
    return OK;
}

error_t elf_check(const void *image, size_t size, uint64_t lo, uint64_t hi,
                  struct elf_headers *out) {
    if (image == NULL)
        return ERR_BAD_IMAGE;
    return elf_read_headers(read_memory, image, size, lo, hi, out);
}
