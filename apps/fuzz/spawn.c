/*
 * task_create: programs from the boot image (this one as a victim, or
 * hello), corrupted copies of them in our memory, and bad specs. Tasks we
 * make get at most WORKER_PRIORITY_MAX unless they end by themselves.
 */
#include "worker.h"
#include <bootfs.h>
#include <elf.h>
#include <layout.h>
#include <stddef.h>
#include <string.h>

#define IMAGE_MAX (64 * 1024)
#define EH_FIELD(f)                                                            \
    { offsetof(struct elf64_ehdr, f), sizeof(((struct elf64_ehdr *) 0)->f) }
#define PH_FIELD(f)                                                            \
    { offsetof(struct elf64_phdr, f), sizeof(((struct elf64_phdr *) 0)->f) }

struct field {
    uint8_t off, size;
};
static const struct field ehdr_fields[] = {
    {4, 1}, /* class */
    {5, 1}, /* data */
    EH_FIELD(e_type),
    EH_FIELD(e_machine),
    EH_FIELD(e_entry),
    EH_FIELD(e_phoff),
    EH_FIELD(e_phentsize),
    EH_FIELD(e_phnum),
};
static const struct field phdr_fields[] = {
    PH_FIELD(p_type),  PH_FIELD(p_flags),  PH_FIELD(p_offset),
    PH_FIELD(p_vaddr), PH_FIELD(p_filesz), PH_FIELD(p_memsz),
};

__attribute__((aligned(4096))) static uint8_t copy[IMAGE_MAX];
static uint64_t copy_size;

static uint64_t get(uint64_t off, unsigned size) {
    uint64_t v = 0;
    if (off + size <= copy_size)
        memcpy(&v, copy + off, size);
    return v;
}

static void put(uint64_t off, unsigned size, uint64_t v) {
    if (off + size <= copy_size)
        memcpy(copy + off, &v, size);
}

static uint64_t phdr_at(unsigned i) {
    return get(offsetof(struct elf64_ehdr, e_phoff), 8) +
           i * sizeof(struct elf64_phdr);
}

/* Values near the ones the loader compares with. */
static uint64_t elf_value(unsigned phnum) {
    uint64_t other = get(
        phdr_at(rnd_below(phnum)) + offsetof(struct elf64_phdr, p_vaddr), 8);
    switch (rnd_below(6)) {
    case 0:
        return other + rnd_below(4097); /* on another segment's page */
    case 1:
        return copy_size - rnd_below(2);
    case 2:
        return USER_IMAGE_END - rnd_below(4097);
    case 3:
        return 4096 * rnd_below(3) + rnd_below(2);
    default:
        return pick_value();
    }
}

/* An empty segment at an unaligned address on another segment's page:
 * nothing to load, yet its page must not be mapped twice. */
static void add_empty_segment(unsigned phnum) {
    uint64_t at = phdr_at(phnum), src = phdr_at(rnd_below(phnum));
    uint64_t off = 1 + rnd_below(4095);
    struct elf64_phdr ph = {.p_type = PT_LOAD,
                            .p_flags = PF_R,
                            .p_offset = off,
                            .p_vaddr = (get(src + 16, 8) & ~4095ull) | off};
    if (at + sizeof(ph) <= 4096 && at + sizeof(ph) <= copy_size) {
        memcpy(copy + at, &ph, sizeof(ph));
        put(offsetof(struct elf64_ehdr, e_phnum), 2, phnum + 1);
    }
}

static void mutate_once(void) {
    unsigned phnum = get(offsetof(struct elf64_ehdr, e_phnum), 2);
    phnum = phnum ? (phnum < ELF_MAX_PHDRS ? phnum : ELF_MAX_PHDRS) : 1;
    const struct field *f;
    switch (rnd_below(6)) {
    case 0:
        copy[rnd_below(512)] = (uint8_t) rnd();
        break;
    case 1:
        f = &ehdr_fields[rnd_below(sizeof(ehdr_fields) / sizeof(*f))];
        put(f->off, f->size, elf_value(phnum));
        break;
    case 2:
    case 3:
        f = &phdr_fields[rnd_below(sizeof(phdr_fields) / sizeof(*f))];
        put(phdr_at(rnd_below(phnum)) + f->off, f->size, elf_value(phnum));
        break;
    case 4:
        add_empty_segment(phnum);
        break;
    default:
        copy_size = rnd_below(copy_size + 1); /* truncated */
    }
}

bool elf_extent(const void *image, uint64_t size, uint64_t *file_end,
                uint64_t *mem_end) {
    static struct elf_headers hs;
    if (elf_check(image, size, USER_IMAGE_BASE, USER_IMAGE_END, &hs) != OK)
        return false;
    *file_end = hs.eh.e_phoff + hs.eh.e_phnum * sizeof(struct elf64_phdr);
    *mem_end = 0;
    for (unsigned i = 0; i < hs.eh.e_phnum; i++) {
        const struct elf64_phdr *ph = &hs.ph[i];
        if (ph->p_type != PT_LOAD)
            continue;
        if (ph->p_offset + ph->p_filesz > *file_end)
            *file_end = ph->p_offset + ph->p_filesz;
        if (ph->p_vaddr + ph->p_memsz > *mem_end)
            *mem_end = ph->p_vaddr + ph->p_memsz;
    }
    return true;
}

/* The bytes of an image that loading reads: headers and segments (the
 * debug sections after them are left out of copies). */
static uint64_t loaded_part(const void *image, uint64_t size) {
    uint64_t file_end, mem_end;
    return elf_extent(image, size, &file_end, &mem_end) ? file_end : size;
}

/* A program from the boot image: this one (a victim) as it is, or a
 * corrupted copy of hello or of this one in `copy`. */
static const void *pick_image(uint64_t *size, bool *corrupted) {
    bool in_place = one_in(2);
    const char *name = in_place || one_in(2) ? "fuzz" : "hello";
    const struct bootfs_entry *e = bootfs_find((void *) BOOTFS_ADDR, name);
    *corrupted = false;
    if (!e)
        return NULL;
    const void *data = bootfs_data((void *) BOOTFS_ADDR, e);
    *size = e->size;
    copy_size = loaded_part(data, e->size);
    if (in_place || copy_size > IMAGE_MAX)
        return data;
    memcpy(copy, data, copy_size);
    for (uint64_t n = 1 + rnd_below(3); n > 0; n--)
        mutate_once();
    *size = copy_size;
    *corrupted = true;
    return copy;
}

static uint64_t pick_name(void) {
    static const char names[] = "fz-victim\0\0a-name-that-is-far-too-long-"
                                "for-a-task";
    switch (rnd_below(8)) {
    case 0:
        return (uint64_t) &names[10]; /* "" */
    case 1:
        return (uint64_t) &names[11];
    case 2:
        return pick_ptr(8, false);
    default:
        return (uint64_t) names;
    }
}

/* Handles for the new task; never the spawn handle for a corrupted
 * image (it could run anything). */
static void pick_spec_handles(struct task_spec *spec, bool corrupted) {
    spec->num_handles = one_in(8) ? (uint32_t) pick_value()
                                  : (uint32_t) rnd_below(TASK_SPEC_HANDLES + 1);
    for (int i = 0; i < TASK_SPEC_HANDLES; i++) {
        uint64_t h = pick_handle(0);
        bool spawn = h > 0 && h < HANDLE_MAX && w.held[h].kind == KOBJ_SPAWN;
        spec->handles[i] = corrupted && spawn ? H_COORD : (handle_t) h;
        /* Mostly none; else any tag, the same twice, or none known. */
        spec->tags[i] = one_in(2)   ? TAG_NONE
                        : one_in(8) ? (uint32_t) pick_value()
                                    : (uint32_t) rnd_below(STARTUP_TAG_COUNT);
    }
}

/* Corrupted images may run anything, forever: never above the workers.
 * This program's victims end by themselves, so may be created higher. */
static uint32_t pick_priority(bool corrupted) {
    static const uint32_t bad[] = {TASK_PRIORITY_MAX + 1, 64, 1000, 0x80000000u,
                                   0xffffffffu};
    if (one_in(8))
        return bad[rnd_below(sizeof(bad) / sizeof(bad[0]))];
    if (!corrupted && one_in(8))
        return WORKER_PRIORITY_MAX +
               rnd_below(TASK_PRIORITY_MAX - WORKER_PRIORITY_MAX + 1);
    return rnd_below(WORKER_PRIORITY_MAX);
}

void fuzz_task_create(void) {
    uint64_t spec_at = one_in(16) ? pick_ptr(sizeof(struct task_spec), false)
                                  : (uint64_t) arena + 2 * 4096;
    bool corrupted = false;
    uint64_t size = 0;
    const void *image = pick_image(&size, &corrupted);
    if (spec_at == (uint64_t) arena + 2 * 4096) {
        struct task_spec *spec = (struct task_spec *) spec_at;
        *spec = (struct task_spec){
            .name = (const char *) pick_name(),
            .image = one_in(8) ? (void *) pick_ptr(size, false) : image,
            .image_size = one_in(8) ? pick_len(size) : size,
            .arg = ROLE_VICTIM | rnd() << 8,
            .cmdline = one_in(2) ? NULL : (const char *) pick_ptr(8, false),
            .priority = pick_priority(corrupted),
        };
        pick_spec_handles(spec, corrupted);
    }
    track(sc(SYS_task_create, pick_handle(KOBJ_SPAWN), spec_at, 0, 0, 0));
}
