#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <error.h>

/*
 * The boot image: the user programs that travel to the kernel as one
 * multiboot module, packed by tools/mkbootfs.py. The kernel starts the
 * entry named "init"; init starts the entries flagged BOOTFS_AUTOSTART.
 *
 * Layout (all integers little-endian):
 *   struct bootfs_header
 *   struct bootfs_entry[count]
 *   file data, each file starting at a 4 KiB-aligned offset
 */
#define BOOTFS_MAGIC 0x53464252u /* "RBFS" */
#define BOOTFS_VERSION 2
#define BOOTFS_NAME_MAX 32 /* including the terminating NUL */
#define BOOTFS_MAX_ENTRIES 64
#define BOOTFS_AUTOSTART (1u << 0)
/* Capabilities init gives the task (build.mk: caps := spawn ioport irq). */
#define BOOTFS_CAP_SPAWN (1u << 1)
#define BOOTFS_CAP_IOPORT (1u << 2)
#define BOOTFS_CAP_IRQ (1u << 3)
/* A handle to the console for the port of the copy (copy i: port i),
 * under TAG_CONSOLE (build.mk: caps := console). */
#define BOOTFS_CAP_CONSOLE (1u << 4)
/* The kernel trace, under TAG_TRACE (build.mk: caps := trace). */
#define BOOTFS_CAP_TRACE (1u << 5)
/* The right to make device memory, under TAG_DMA (build.mk: caps := dma):
 * for drivers, which learn its physical address to give a device. */
#define BOOTFS_CAP_DMA (1u << 6)
/* init ends the machine when the task asks (supervisor.exit; build.mk:
 * caps := exit): for a test task, which then needs no I/O port. */
#define BOOTFS_CAP_EXIT (1u << 7)
/* How many copies init starts (0 means 1); copy i gets task_arg() == i. */
#define BOOTFS_INSTANCES_SHIFT 8
static inline uint32_t bootfs_instances(uint32_t flags) {
    uint32_t n = (flags >> BOOTFS_INSTANCES_SHIFT) & 0xff;
    return n ? n : 1;
}

struct bootfs_header {
    uint32_t magic;
    uint32_t version;
    uint32_t count;      /* number of entries */
    uint32_t total_size; /* bytes, header included */
};

struct bootfs_entry {
    char name[BOOTFS_NAME_MAX]; /* NUL-terminated, non-empty */
    uint32_t offset;            /* from the start of the image */
    uint32_t size;
    uint32_t flags;    /* BOOTFS_AUTOSTART, BOOTFS_CAP_* */
    uint32_t priority; /* scheduling priority init gives the task */
    /* The memory budget init gives it, in KiB (build.mk: memory := 8M);
     * 0: the default, TASK_MEMORY_DEFAULT. */
    uint32_t memory_kib;
};

/*
 * Validate a whole image of `size` bytes: magic, version, entry count,
 * every entry inside the image, names terminated and unique. Returns OK
 * or ERR_BAD_IMAGE. The other functions assume a checked image.
 */
error_t bootfs_check(const void *image, size_t size);
uint32_t bootfs_count(const void *image);
const struct bootfs_entry *bootfs_entry_at(const void *image, uint32_t index);
/* NULL when no entry has that name. */
const struct bootfs_entry *bootfs_find(const void *image, const char *name);
/* The entry's file contents. */
const void *bootfs_data(const void *image, const struct bootfs_entry *e);

/*
 * The names an entry's tasks serve (build.mk: serves := console) are the
 * contents of the entry "NAME.serves": each name followed by a NUL. A
 * name that some entry lists is a system name: the name server lets only
 * the tasks started from an entry that lists it serve it (docs/names.md).
 */
#define BOOTFS_SERVES_SUFFIX ".serves"
/* Whether e's list holds name. */
bool bootfs_serves(const void *image, const struct bootfs_entry *e,
                   const char *name);
/* Whether e has a list of names to serve. */
bool bootfs_serves_any(const void *image, const struct bootfs_entry *e);
/* Whether any entry lists name. */
bool bootfs_system_name(const void *image, const char *name);
