#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "elf.h"

/*
 * A minimal executable written byte by byte at the ELF64 offsets:
 *   ehdr at 0, three program headers at 64:
 *   0: PT_LOAD R+X, file 0x1000..0x1010 -> 0x401000, memsz 0x10
 *   1: PT_NOTE with nonsense fields (must be ignored)
 *   2: PT_LOAD R+W, file 0x2000..0x2010 -> 0x402000, memsz 0x2000 (bss)
 *   entry 0x401000, loaded into [0x400000, 0x800000).
 */
#define ELF_SIZE 0x2010
#define ELF_BUF 0x3000
#define PHOFF 64
#define PHSIZE 56
#define LO 0x400000u
#define HI 0x800000u
#define PT_NOTE 4

/* ehdr field offsets */
#define EH_TYPE 16
#define EH_MACHINE 18
#define EH_VERSION 20
#define EH_ENTRY 24
#define EH_PHOFF 32
#define EH_EHSIZE 52
#define EH_PHENTSIZE 54
#define EH_PHNUM 56
/* phdr field offsets */
#define PH_TYPE 0
#define PH_FLAGS 4
#define PH_OFFSET 8
#define PH_VADDR 16
#define PH_PADDR 24
#define PH_FILESZ 32
#define PH_MEMSZ 40
#define PH_ALIGN 48

static _Alignas(4096) unsigned char img[ELF_BUF];
static struct elf_headers hdrs;

static void put_le(unsigned char *p, size_t off, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; i++)
        p[off + (size_t) i] = (unsigned char) (v >> (8 * i));
}

static void set16(size_t off, uint16_t v) { put_le(img, off, v, 2); }
static void set64(size_t off, uint64_t v) { put_le(img, off, v, 8); }

static size_t ph(int i, size_t field) {
    return PHOFF + (size_t) i * PHSIZE + field;
}

static void put_phdr(int i, uint32_t type, uint32_t flags, uint64_t off,
                     uint64_t vaddr, uint64_t filesz, uint64_t memsz) {
    put_le(img, ph(i, PH_TYPE), type, 4);
    put_le(img, ph(i, PH_FLAGS), flags, 4);
    put_le(img, ph(i, PH_OFFSET), off, 8);
    put_le(img, ph(i, PH_VADDR), vaddr, 8);
    put_le(img, ph(i, PH_PADDR), vaddr, 8);
    put_le(img, ph(i, PH_FILESZ), filesz, 8);
    put_le(img, ph(i, PH_MEMSZ), memsz, 8);
    put_le(img, ph(i, PH_ALIGN), 0x1000, 8);
}

static void build_valid(void) {
    memset(img, 0, sizeof(img));
    memcpy(img,
           "\x7f"
           "ELF",
           4);
    img[4] = ELFCLASS64;
    img[5] = ELFDATA2LSB;
    img[6] = 1; /* EV_CURRENT */
    set16(EH_TYPE, ET_EXEC);
    set16(EH_MACHINE, EM_X86_64);
    put_le(img, EH_VERSION, 1, 4);
    set64(EH_ENTRY, 0x401000);
    set64(EH_PHOFF, PHOFF);
    set16(EH_EHSIZE, 64);
    set16(EH_PHENTSIZE, PHSIZE);
    set16(EH_PHNUM, 3);
    put_phdr(0, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x10, 0x10);
    put_phdr(1, PT_NOTE, 0, UINT64_MAX, UINT64_MAX, UINT64_MAX, 1);
    put_phdr(2, PT_LOAD, PF_R | PF_W, 0x2000, 0x402000, 0x10, 0x2000);
    memset(img + 0x1000, 0x90, 0x10);
    CHECK_ERR(elf_check(img, ELF_SIZE, LO, HI, &hdrs), OK);
}

#define EXPECT_OK() CHECK_ERR(elf_check(img, ELF_SIZE, LO, HI, &hdrs), OK)
#define EXPECT_BAD()                                                           \
    CHECK_ERR(elf_check(img, ELF_SIZE, LO, HI, &hdrs), ERR_BAD_IMAGE)

TEST(elf_valid_accepted) {
    build_valid();
    CHECK_ERR(elf_check(img, ELF_BUF, LO, HI, &hdrs), OK);
    /* The loaded range may end exactly at hi and start exactly at lo. */
    CHECK_ERR(elf_check(img, ELF_SIZE, 0x401000, 0x404000, &hdrs), OK);
}

TEST(elf_headers_copied_out) {
    build_valid();
    const struct elf64_phdr *text = &hdrs.ph[0];
    const struct elf64_phdr *data = &hdrs.ph[2];
    CHECK_INT_EQ(hdrs.eh.e_entry, 0x401000);
    CHECK_INT_EQ(hdrs.eh.e_phnum, 3);
    CHECK_INT_EQ(text->p_type, PT_LOAD);
    CHECK_INT_EQ(text->p_flags, PF_R | PF_X);
    CHECK_INT_EQ(text->p_offset, 0x1000);
    CHECK_INT_EQ(text->p_vaddr, 0x401000);
    CHECK_INT_EQ(data->p_filesz, 0x10);
    CHECK_INT_EQ(data->p_memsz, 0x2000);
    CHECK_INT_EQ(data->p_align, 0x1000);
    CHECK_INT_EQ(hdrs.ph[1].p_type, PT_NOTE);
    /* A copy: changing the image afterwards changes nothing checked. */
    set64(ph(0, PH_VADDR), 0);
    CHECK_INT_EQ(text->p_vaddr, 0x401000);
}

TEST(elf_rejects_short) {
    build_valid();
    for (size_t size = 0; size < 64; size++)
        CHECK_ERR(elf_check(img, size, LO, HI, &hdrs), ERR_BAD_IMAGE);
    /* Header present, program header table cut by one byte. */
    CHECK_ERR(elf_check(img, PHOFF + 3 * PHSIZE - 1, LO, HI, &hdrs),
              ERR_BAD_IMAGE);
    CHECK_ERR(elf_check(NULL, ELF_SIZE, LO, HI, &hdrs), ERR_BAD_IMAGE);
}

TEST(elf_rejects_bad_ident) {
    for (int i = 0; i < 4; i++) {
        build_valid();
        img[i] ^= 0x20;
        EXPECT_BAD();
    }
    build_valid();
    img[4] = 1; /* ELFCLASS32 */
    EXPECT_BAD();
    build_valid();
    img[5] = 2; /* big-endian */
    EXPECT_BAD();
}

TEST(elf_rejects_bad_type_or_machine) {
    build_valid();
    set16(EH_TYPE, 3); /* ET_DYN */
    EXPECT_BAD();
    build_valid();
    set16(EH_TYPE, 1); /* ET_REL */
    EXPECT_BAD();
    build_valid();
    set16(EH_MACHINE, 3); /* i386 */
    EXPECT_BAD();
}

TEST(elf_rejects_bad_phentsize) {
    const uint16_t sizes[] = {0, 32, 55, 57, 64};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        build_valid();
        set16(EH_PHENTSIZE, sizes[i]);
        EXPECT_BAD();
    }
}

/* Extra headers are PT_NULL (zeroed), so only the count can fail. */
TEST(elf_rejects_too_many_phdrs) {
    build_valid();
    set16(EH_PHNUM, ELF_MAX_PHDRS);
    EXPECT_OK();
    set16(EH_PHNUM, ELF_MAX_PHDRS + 1);
    EXPECT_BAD();
    set16(EH_PHNUM, UINT16_MAX);
    EXPECT_BAD();
}

TEST(elf_rejects_phoff_outside_file) {
    build_valid();
    set64(EH_PHOFF, ELF_SIZE - 2 * PHSIZE); /* 8-aligned, one phdr short */
    EXPECT_BAD();
    set64(EH_PHOFF, ELF_SIZE + 8);
    EXPECT_BAD();
    set64(EH_PHOFF, UINT64_MAX - 7); /* phoff + table size wraps */
    EXPECT_BAD();
}

TEST(elf_rejects_no_load_segment) {
    build_valid();
    set16(EH_PHNUM, 0);
    EXPECT_BAD();
    build_valid();
    put_le(img, ph(0, PH_TYPE), PT_NOTE, 4);
    put_le(img, ph(2, PH_TYPE), PT_NOTE, 4);
    EXPECT_BAD();
}

TEST(elf_rejects_filesz_over_memsz) {
    build_valid();
    set64(ph(0, PH_FILESZ), 0x11);
    EXPECT_BAD();
}

/* Code that can rewrite itself: neither text made writable nor data
 * made executable. */
TEST(elf_rejects_writable_and_executable) {
    build_valid();
    put_le(img, ph(0, PH_FLAGS), PF_R | PF_W | PF_X, 4);
    EXPECT_BAD();
    build_valid();
    put_le(img, ph(2, PH_FLAGS), PF_W | PF_X, 4);
    EXPECT_BAD();
}

TEST(elf_rejects_file_range_outside) {
    build_valid();
    set64(ph(2, PH_FILESZ), 0x11); /* one byte past the end */
    EXPECT_BAD();
    build_valid();
    set64(ph(2, PH_OFFSET), 0x3000); /* congruent, past the end */
    set64(ph(2, PH_FILESZ), 0);
    EXPECT_BAD();
}

/* offset + filesz wraps around to 0x1000, inside the file. */
TEST(elf_rejects_offset_filesz_overflow) {
    build_valid();
    set64(ph(2, PH_OFFSET), 0xfffffffffffff000ull);
    set64(ph(2, PH_FILESZ), 0x2000);
    set64(ph(2, PH_VADDR), 0x402000);
    EXPECT_BAD();
}

TEST(elf_rejects_vaddr_outside_range) {
    build_valid();
    CHECK_ERR(elf_check(img, ELF_SIZE, 0x401001, HI, &hdrs), ERR_BAD_IMAGE);
    CHECK_ERR(elf_check(img, ELF_SIZE, LO, 0x403fff, &hdrs), ERR_BAD_IMAGE);
    set64(ph(2, PH_VADDR), HI); /* starts at hi */
    set64(ph(2, PH_MEMSZ), 0x10);
    EXPECT_BAD();
    build_valid();
    set64(ph(2, PH_VADDR), LO - 0x1000); /* below lo */
    EXPECT_BAD();
    build_valid();
    set64(ph(2, PH_VADDR), HI); /* empty, but still not below hi */
    set64(ph(2, PH_FILESZ), 0);
    set64(ph(2, PH_MEMSZ), 0);
    EXPECT_BAD();
}

/* vaddr + memsz wraps to 0x1000: must fail even with hi = 2^64 - 1. */
TEST(elf_rejects_vaddr_memsz_overflow) {
    build_valid();
    set64(ph(2, PH_VADDR), 0xfffffffffffff000ull);
    set64(ph(2, PH_MEMSZ), 0x2000);
    CHECK_ERR(elf_check(img, ELF_SIZE, 0, UINT64_MAX, &hdrs), ERR_BAD_IMAGE);
    set64(ph(2, PH_MEMSZ), 0xfff); /* ends at hi - 1 exactly: fits */
    CHECK_ERR(elf_check(img, ELF_SIZE, 0, UINT64_MAX, &hdrs), OK);
}

TEST(elf_rejects_incongruent_offset) {
    build_valid();
    set64(ph(2, PH_VADDR), 0x402010);
    EXPECT_BAD();
}

TEST(elf_rejects_entry_outside_text) {
    const uint64_t bad[] = {0, 0x400fff, 0x401010, 0x402000, UINT64_MAX};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        build_valid();
        set64(EH_ENTRY, bad[i]);
        EXPECT_BAD();
    }
    build_valid();
    set64(EH_ENTRY, 0x40100f); /* last byte of text */
    EXPECT_OK();
    /* Making data executable moves the entry into an allowed place. */
    set64(EH_ENTRY, 0x403000);
    put_le(img, ph(2, PH_FLAGS), PF_R | PF_X, 4);
    EXPECT_OK();
}

TEST(elf_rejects_shared_pages) {
    build_valid();
    set64(ph(2, PH_VADDR), 0x401800); /* same page as text */
    set64(ph(2, PH_OFFSET), 0x1800);
    EXPECT_BAD();
    build_valid();
    set64(ph(2, PH_VADDR), 0x400000); /* ends one byte into text's page */
    set64(ph(2, PH_MEMSZ), 0x1001);
    EXPECT_BAD();
    set64(ph(2, PH_MEMSZ), 0x1000); /* ends at the page boundary */
    EXPECT_OK();
    build_valid();
    set64(ph(2, PH_VADDR), 0x401000); /* identical range */
    set64(ph(2, PH_MEMSZ), 0x10);
    EXPECT_BAD();
}

/* The headers are copied out first, so the image may sit anywhere. */
TEST(elf_accepts_any_image_alignment) {
    static _Alignas(8) unsigned char shifted[ELF_BUF + 8];
    build_valid();
    for (size_t shift = 0; shift < 8; shift++) {
        memcpy(shifted + shift, img, ELF_SIZE);
        CHECK_ERR(elf_check(shifted + shift, ELF_SIZE, LO, HI, &hdrs), OK);
    }
}

/* An empty PT_LOAD takes no page, so it may sit in a page of another
 * segment, at any offset in it; it must still lie in the range. */
TEST(elf_empty_segments_are_not_loadable) {
    build_valid();
    put_phdr(1, PT_LOAD, PF_R | PF_W, 0x1008, 0x401008, 0, 0);
    EXPECT_OK();
    CHECK(!elf_loadable(&hdrs.ph[1]));
    CHECK(elf_loadable(&hdrs.ph[0]) && elf_loadable(&hdrs.ph[2]));
    put_phdr(1, PT_LOAD, PF_R, 0x8, 0x8, 0, 0); /* below lo */
    EXPECT_BAD();
    put_phdr(1, PT_LOAD, PF_R, 0x1008, 0x401008, 1, 0); /* filesz > memsz */
    EXPECT_BAD();
    /* The entry point cannot lie in an empty segment. */
    build_valid();
    put_phdr(1, PT_LOAD, PF_R | PF_X, 0x3000, 0x403000, 0, 0);
    set64(EH_ENTRY, 0x403000);
    EXPECT_BAD();
}

/* Reads every byte an accepted image points at, so ASan sees bad bounds;
   the sum goes to a volatile so the reads cannot be optimised away. */
static volatile unsigned sink;

static void touch_accepted(const unsigned char *p, size_t size, uint64_t lo,
                           uint64_t hi) {
    unsigned sum = 0;
    for (unsigned i = 0; i < hdrs.eh.e_phnum; i++) {
        const struct elf64_phdr *ph = &hdrs.ph[i];
        if (!elf_loadable(ph))
            continue;
        CHECK(ph->p_offset <= size && ph->p_filesz <= size - ph->p_offset);
        CHECK(ph->p_vaddr >= lo && ph->p_vaddr < hi);
        CHECK(ph->p_memsz <= hi - ph->p_vaddr);
        for (uint64_t j = 0; j < ph->p_filesz; j++)
            sum += p[ph->p_offset + j];
    }
    sink = sum;
}

static uint64_t fuzz_value(uint64_t *rng) {
    static const uint64_t special[] = {0,
                                       1,
                                       2,
                                       3,
                                       8,
                                       16,
                                       55,
                                       56,
                                       57,
                                       64,
                                       0xfff,
                                       0x1000,
                                       0x1010,
                                       0x2000,
                                       0x2010,
                                       0x400000,
                                       0x401000,
                                       0x402000,
                                       0x7fffff,
                                       0x800000,
                                       0xfffffffffffff000ull,
                                       0x7fffffffffffffffull,
                                       0x8000000000000000ull,
                                       UINT64_MAX};
    return special[test_rand(rng) % (sizeof(special) / sizeof(special[0]))];
}

static void mutate(unsigned char *p, uint64_t *rng) {
    const size_t meta = PHOFF + 3 * PHSIZE;
    unsigned n = 1 + (unsigned) (test_rand(rng) % 3);
    for (unsigned k = 0; k < n; k++) {
        uint64_t r = test_rand(rng);
        switch (r % 4) {
        case 0:
            put_le(p, (r >> 8) % (meta / 8) * 8, fuzz_value(rng), 8);
            break;
        case 1:
            put_le(p, (r >> 8) % (meta / 2) * 2, fuzz_value(rng), 2);
            break;
        case 2:
            p[(r >> 8) % meta] ^= (unsigned char) (1u << ((r >> 4) % 8));
            break;
        default:
            p[(r >> 8) % meta] = (unsigned char) (r >> 32);
            break;
        }
    }
}

TEST(elf_fuzz_mutations) {
    build_valid();
    uint64_t rng = 0x2545f4914f6cdd1dull;
    unsigned accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t size = ELF_SIZE;
        if (test_rand(&rng) % 8 == 0)
            size = (size_t) (test_rand(&rng) % ELF_SIZE);
        uint64_t lo = LO, hi = HI;
        if (test_rand(&rng) % 4 == 0) {
            lo = 0;
            hi = UINT64_MAX;
        }
        /* Exact-size heap copy: any read past `size` trips ASan. */
        unsigned char *p = malloc(size ? size : 1);
        memcpy(p, img, size);
        if (size >= PHOFF + 3 * PHSIZE)
            mutate(p, &rng);
        if (elf_check(p, size, lo, hi, &hdrs) == OK) {
            accepted++;
            touch_accepted(p, size, lo, hi);
        }
        free(p);
    }
    CHECK(accepted > 100 && accepted < 19000);
}
