#include "bootfs.h"
#include <stdbool.h>

/*
 * Everything here is checked in 64-bit arithmetic (the image fields are
 * 32-bit), so no sum of two fields can wrap.
 *
 * The image must be 4-byte aligned so that the headers can be read in
 * place; bootfs_check rejects it otherwise. Multiboot modules are
 * page-aligned, so this costs nothing in practice.
 */

#define BOOTFS_ALIGN 4096u

static const struct bootfs_header *header_of(const void *image) {
    return (const struct bootfs_header *) image;
}

static const struct bootfs_entry *entries_of(const void *image) {
    return (const struct bootfs_entry *) (header_of(image) + 1);
}

/* Bytes from the start of the image to the end of the entry table. */
static uint64_t table_end(uint32_t count) {
    return sizeof(struct bootfs_header) +
           (uint64_t) count * sizeof(struct bootfs_entry);
}

static error_t check_header(const void *image, size_t size) {
    if (image == NULL || (uintptr_t) image % _Alignof(struct bootfs_entry) != 0)
        return ERR_BAD_IMAGE;
    if (size < sizeof(struct bootfs_header))
        return ERR_BAD_IMAGE;
    const struct bootfs_header *h = header_of(image);
    if (h->magic != BOOTFS_MAGIC || h->version != BOOTFS_VERSION)
        return ERR_BAD_IMAGE;
    if (h->count > BOOTFS_MAX_ENTRIES || h->total_size > size)
        return ERR_BAD_IMAGE;
    if (table_end(h->count) > h->total_size)
        return ERR_BAD_IMAGE;
    return OK;
}

/* Non-empty and terminated within the name field. */
static bool name_ok(const char *name) {
    if (name[0] == '\0')
        return false;
    for (size_t i = 1; i < BOOTFS_NAME_MAX; i++) {
        if (name[i] == '\0')
            return true;
    }
    return false;
}

/* Compares two names already known to be terminated in their fields. */
static bool name_eq(const char *a, const char *b) {
    for (size_t i = 0; i < BOOTFS_NAME_MAX; i++) {
        if (a[i] != b[i])
            return false;
        if (a[i] == '\0')
            return true;
    }
    return true;
}

/* File data lies after the entry table and inside total_size. */
static error_t check_entry(const struct bootfs_entry *e, uint32_t count,
                           uint32_t total_size) {
    if (!name_ok(e->name))
        return ERR_BAD_IMAGE;
    if (e->offset % BOOTFS_ALIGN != 0 || e->offset < table_end(count))
        return ERR_BAD_IMAGE;
    if ((uint64_t) e->offset + e->size > total_size)
        return ERR_BAD_IMAGE;
    return OK;
}

error_t bootfs_check(const void *image, size_t size) {
    error_t err = check_header(image, size);
    if (err != OK)
        return err;
    const struct bootfs_header *h = header_of(image);
    const struct bootfs_entry *entries = entries_of(image);
    for (uint32_t i = 0; i < h->count; i++) {
        err = check_entry(&entries[i], h->count, h->total_size);
        if (err != OK)
            return err;
        /* Quadratic, but count is at most BOOTFS_MAX_ENTRIES. */
        for (uint32_t j = 0; j < i; j++) {
            if (name_eq(entries[i].name, entries[j].name))
                return ERR_BAD_IMAGE;
        }
    }
    return OK;
}

uint32_t bootfs_count(const void *image) { return header_of(image)->count; }

/* NULL when index is out of range. */
const struct bootfs_entry *bootfs_entry_at(const void *image, uint32_t index) {
    if (index >= bootfs_count(image))
        return NULL;
    return &entries_of(image)[index];
}

const struct bootfs_entry *bootfs_find(const void *image, const char *name) {
    if (name == NULL)
        return NULL;
    for (uint32_t i = 0; i < bootfs_count(image); i++) {
        const struct bootfs_entry *e = &entries_of(image)[i];
        if (name_eq(e->name, name))
            return e;
    }
    return NULL;
}

const void *bootfs_data(const void *image, const struct bootfs_entry *e) {
    return (const char *) image + e->offset;
}

/* --- serve lists: "NAME.serves", each name followed by a NUL --- */

static size_t name_len(const char *name) {
    size_t n = 0;
    while (n < BOOTFS_NAME_MAX && name[n])
        n++;
    return n;
}

/* Two NUL-terminated strings; reads neither past its NUL. */
static bool str_eq(const char *a, const char *b) {
    for (; *a == *b; a++, b++) {
        if (*a == '\0')
            return true;
    }
    return false;
}

/* Whether the list (size bytes) holds name; an unterminated tail holds
 * nothing. */
static bool list_holds(const char *list, uint32_t size, const char *name) {
    for (uint32_t i = 0; i < size; i++) {
        uint32_t start = i;
        while (i < size && list[i] != '\0')
            i++;
        if (i < size && str_eq(list + start, name))
            return true;
    }
    return false;
}

static bool holds(const void *image, const struct bootfs_entry *list,
                  const char *name) {
    return list && list_holds(bootfs_data(image, list), list->size, name);
}

/* The entry holding e's list, or NULL. */
static const struct bootfs_entry *serve_list(const void *image,
                                             const struct bootfs_entry *e) {
    static const char suffix[] = BOOTFS_SERVES_SUFFIX;
    char want[BOOTFS_NAME_MAX];
    size_t len = name_len(e->name);
    if (len + sizeof(suffix) > sizeof(want))
        return NULL;
    for (size_t i = 0; i < len; i++)
        want[i] = e->name[i];
    for (size_t i = 0; i < sizeof(suffix); i++)
        want[len + i] = suffix[i];
    return bootfs_find(image, want);
}

static bool is_serve_list(const struct bootfs_entry *e) {
    static const char suffix[] = BOOTFS_SERVES_SUFFIX;
    size_t len = name_len(e->name), n = sizeof(suffix) - 1;
    return len > n && str_eq(e->name + len - n, suffix);
}

bool bootfs_serves(const void *image, const struct bootfs_entry *e,
                   const char *name) {
    return e && holds(image, serve_list(image, e), name);
}

bool bootfs_serves_any(const void *image, const struct bootfs_entry *e) {
    const struct bootfs_entry *list = e ? serve_list(image, e) : NULL;
    return list && list->size > 0;
}

bool bootfs_system_name(const void *image, const char *name) {
    for (uint32_t i = 0; i < bootfs_count(image); i++) {
        const struct bootfs_entry *e = bootfs_entry_at(image, i);
        if (is_serve_list(e) && holds(image, e, name))
            return true;
    }
    return false;
}
