#pragma once
#include "mm.h"
#include <error.h>
#include <stdint.h>

/*
 * Memory objects (KOBJ_MEMORY): a set of pages, zeroed at creation,
 * charged to the task that made it. Handles and mappings each hold a
 * reference; the pages go back to the owner's budget with the last one.
 */
struct task;
struct memobj;

/* A new object of npages (device: physically contiguous) for owner, or
 * NULL with *err. */
struct memobj *memobj_create(struct task *owner, uint64_t npages, bool device,
                             error_t *err);
void memobj_ref(struct memobj *obj);
void memobj_unref(struct memobj *obj);
uint64_t memobj_pages(const struct memobj *obj);
/* The physical address of page i (< memobj_pages). */
uint64_t memobj_page(const struct memobj *obj, uint64_t i);
/* Device memory's first page, else 0. */
uint64_t memobj_device_paddr(const struct memobj *obj);
/* Regions mapping it, in all tasks (vmspace.c keeps the count). */
uint32_t *memobj_mappings(struct memobj *obj);
