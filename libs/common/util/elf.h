#pragma once
#include <stddef.h>
#include <stdint.h>
#include <error.h>

/* The subset of ELF64 that the task loader needs. */
#define ELF_MAGIC 0x464c457fu /* "\x7fELF" */
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ELF_MAX_PHDRS 16

struct elf64_ehdr {
    uint8_t e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

/* A PT_LOAD segment that occupies memory; the loader maps only these. */
static inline int elf_loadable(const struct elf64_phdr *ph) {
    return ph->p_type == PT_LOAD && ph->p_memsz > 0;
}

/*
 * The headers of an executable, copied out of it once: what is checked is
 * what the loader then reads, whatever happens to the image meanwhile.
 */
struct elf_headers {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[ELF_MAX_PHDRS];
};

/* Reads len bytes at offset off of an image (into dst), or fails. */
typedef error_t (*elf_read_fn)(const void *image, void *dst, uint64_t off,
                               uint64_t len);

/*
 * Read and validate the headers of an executable of `size` bytes for
 * loading into the user range [lo, hi): ELF64, little-endian, ET_EXEC,
 * x86-64; program headers inside the file and at most ELF_MAX_PHDRS; each
 * PT_LOAD with filesz <= memsz, file bytes inside the file, [vaddr, vaddr
 * + memsz) inside [lo, hi) without overflow, vaddr and offset congruent
 * modulo 4 KiB; no two loadable ones (elf_loadable: not empty) sharing a
 * page; the entry point inside an executable one. Returns OK, ERR_BAD_IMAGE, or
 * the error of `read`.
 */
error_t elf_read_headers(elf_read_fn read, const void *image, uint64_t size,
                         uint64_t lo, uint64_t hi, struct elf_headers *out);
/* The same for an image in the caller's memory. */
error_t elf_check(const void *image, size_t size, uint64_t lo, uint64_t hi,
                  struct elf_headers *out);
