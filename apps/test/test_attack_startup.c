/*
 * Attack 10 of issue 10, positional handles: a task found its handles by
 * number, so a starter that lacked one shifted the rest, and a child took
 * whatever came next for the handle it wanted (badged server handles in
 * its "ioport" and "irq" places). Now each handle a task is started with
 * carries a tag (task_spec.tags), and the task finds it by tag.
 */
#include "test.h"
#include <bootfs.h>
#include <resea/startup.h>

/* What the child reports (CHILD_STARTUP_TABLE): one bit each. */
#define FOUND_IRQ 1     /* an IRQ handle under TAG_IRQ */
#define NO_IOPORT 2     /* nothing under TAG_IOPORT */
#define FOUND_NAME 4    /* the name server under TAG_NAME */
#define FOUND_SPAWN 8   /* a spawn handle under TAG_SPAWN */
#define NOTHING_ELSE 16 /* no other tag in its table */
#define ALL_AS_GIVEN 31

static bool kind_under(uint32_t tag, uint32_t kind, struct handle_info *info) {
    handle_t h = startup_handle(tag);
    return h > 0 && handle_info(h, info) == OK && info->kind == kind;
}

/* In the child: what its start-up table holds. */
int startup_table_main(void) {
    struct handle_info info;
    int got = 0;
    got |= kind_under(TAG_IRQ, KOBJ_IRQ, &info) ? FOUND_IRQ : 0;
    got |= startup_handle(TAG_IOPORT) == ERR_NOT_FOUND ? NO_IOPORT : 0;
    got |= kind_under(TAG_NAME, KOBJ_TASK, &info) ? FOUND_NAME : 0;
    got |= kind_under(TAG_SPAWN, KOBJ_SPAWN, &info) ? FOUND_SPAWN : 0;
    bool others = false;
    for (uint32_t tag = TAG_NONE + 1; tag < STARTUP_TAG_COUNT; tag++) {
        if (tag != TAG_IRQ && tag != TAG_NAME && tag != TAG_SPAWN)
            others |= startup_handle(tag) != ERR_NOT_FOUND;
    }
    return got | (others ? 0 : NOTHING_ELSE);
}

/* The test task's entry asks for spawn, ioport and irq; its starter here
 * holds no I/O-port handle. The IRQ handle must not take its place. */
TEST(attack_starter_without_a_cap_shifts_no_handle) {
    const struct bootfs_entry *e = bootfs_find(bootfs_image(), "test");
    CHECK(e && (e->flags & BOOTFS_CAP_IOPORT) && (e->flags & BOOTFS_CAP_IRQ));
    struct held_caps held = {.name = H_NAME, .spawn = H_SPAWN, .irq = H_IRQ};
    handle_t c = bootfs_start(e, &held, "t-startup",
                              CHILD_ARG(CHILD_STARTUP_TABLE, 0), NULL);
    CHECK(c > 0);
    CHECK_EQ(exit_code_of(c), ALL_AS_GIVEN);
}

static handle_t spawn_tagged(uint32_t tag0, uint32_t tag1) {
    uint64_t size;
    struct task_spec spec = {.name = "test-child",
                             .image = self_image(&size),
                             .arg = CHILD_EXIT_0,
                             .priority = TEST_PRIORITY + 1,
                             .num_handles = 2,
                             .handles = {H_NAME, H_IRQ},
                             .tags = {tag0, tag1}};
    spec.image_size = size;
    return task_create(H_SPAWN, &spec);
}

/* A tag names one handle of a known kind of use: an unknown tag, or one
 * given twice, is refused before anything is made. */
TEST(task_create_checks_the_tags) {
    struct sysinfo before, after;
    CHECK_ERR(sys_sysinfo(H_SPAWN, &before), OK);
    CHECK_ERR(spawn_tagged(TAG_NAME, STARTUP_TAG_COUNT), ERR_INVALID_ARG);
    CHECK_ERR(spawn_tagged(TAG_NAME, 0xffffffffu), ERR_INVALID_ARG);
    CHECK_ERR(spawn_tagged(TAG_IRQ, TAG_IRQ), ERR_INVALID_ARG);
    CHECK_ERR(sys_sysinfo(H_SPAWN, &after), OK);
    CHECK_EQ(after.num_tasks, before.num_tasks);
    CHECK_EQ(after.free_pages, before.free_pages);
    handle_t ok = spawn_tagged(TAG_NONE, TAG_NONE); /* untagged: fine */
    CHECK(ok > 0);
    CHECK_EQ(exit_code_of(ok), 0);
}

/* Only task_create gives a tag: a copy made any other way has none, so
 * nobody can make a handle pass for one its creator gave. */
TEST(startup_tags_stay_with_the_handle_given) {
    struct handle_info info;
    CHECK_ERR(handle_info(H_NAME, &info), OK);
    CHECK_EQ(info.tag, TAG_NAME);
    handle_t dup = handle_dup(H_NAME, RIGHT_CALL, 0);
    CHECK_ERR(handle_info(dup, &info), OK);
    CHECK_EQ(info.tag, TAG_NONE);
    handle_t line = handle_narrow(H_IRQ, 5, 1);
    CHECK_ERR(handle_info(line, &info), OK);
    CHECK_EQ(info.tag, TAG_NONE);
    CHECK_EQ(startup_handle(TAG_IRQ), H_IRQ);
    handle_close(dup);
    handle_close(line);
    CHECK_ERR(startup_handle(STARTUP_TAG_COUNT), ERR_NOT_FOUND);
    CHECK_ERR(startup_handle(TAG_NONE), ERR_NOT_FOUND);
}
