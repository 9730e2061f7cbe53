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
/*
 * A fresh handle under tag (TAG_NAME, TAG_NAME_SERVE, TAG_CONSOLE), from
 * init through our TAG_SUPERVISOR handle (proto/supervisor.h), minted as
 * the one we were started with: for when its server ended and init
 * started it again. The old handle is closed; startup_handle(tag) returns
 * the new one from now on. ERR_NOT_FOUND: that server is down (init
 * restarts one before it answers, so asking again soon changes nothing);
 * ERR_NOT_FOUND too without a supervisor handle (not started by init).
 */
handle_t startup_renew(uint32_t tag);

/* Our memory we keep when we give budget to a task we start. */
#define BUDGET_KEEP (256 * 1024ull)
/* The budget to give a task we start that asks for `want` bytes (0: the
 * kernel's default): all of it if we have it to spare, else what we have
 * left but BUDGET_KEEP, so that a program built for more still starts. */
uint64_t budget_to_give(uint64_t want);
