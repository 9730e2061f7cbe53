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

/*
 * Validate an executable of `size` bytes for loading into the user range
 * [lo, hi): ELF64, little-endian, ET_EXEC, x86-64; program headers inside
 * the file and at most ELF_MAX_PHDRS; each PT_LOAD with filesz <= memsz,
 * file bytes inside the file, [vaddr, vaddr + memsz) inside [lo, hi)
 * without overflow, vaddr and offset congruent modulo 4 KiB, no two
 * PT_LOAD segments sharing a page; the entry point inside an executable
 * PT_LOAD segment. Returns OK or ERR_BAD_IMAGE.
 */
error_t elf_check(const void *image, size_t size, uint64_t lo, uint64_t hi);
/* Program header i of a checked image. */
const struct elf64_phdr *elf_phdr(const void *image, unsigned i);
