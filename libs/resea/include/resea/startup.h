#pragma once
#include <error.h>
#include <kobject.h>

/*
 * A task's start-up table: the handles its creator passed, each under a
 * tag (STARTUP_TAG_LIST in <kobject.h>). A task finds its handles by tag,
 * never by position: a creator that lacks one handle shifts no other.
 */
/* Our handle under tag, or ERR_NOT_FOUND (never given, or closed). */
handle_t startup_handle(uint32_t tag);
/* Add h to the table a task_spec gives, under tag; h <= 0 adds nothing
 * (the handle is not held), and so does a full table. */
void startup_give(struct task_spec *spec, handle_t h, uint32_t tag);
