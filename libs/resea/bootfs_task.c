#include <layout.h>
#include <resea/bootfs_task.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <string.h>

#define CMDLINE_SUFFIX ".cmdline"

const void *bootfs_image(void) { return (const void *) BOOTFS_ADDR; }

const char *bootfs_cmdline(const struct bootfs_entry *e) {
    char name[BOOTFS_NAME_MAX];
    size_t len = strlen(e->name);
    if (len + sizeof(CMDLINE_SUFFIX) > sizeof(name))
        return NULL;
    memcpy(name, e->name, len);
    memcpy(name + len, CMDLINE_SUFFIX, sizeof(CMDLINE_SUFFIX));
    const struct bootfs_entry *c = bootfs_find(bootfs_image(), name);
    if (!c || c->size == 0 || c->size > TASK_CMDLINE_MAX)
        return NULL;
    const char *text = bootfs_data(bootfs_image(), c);
    return text[c->size - 1] == '\0' ? text : NULL;
}

/* The program's priority, lowered to what our spawn handle allows: a
 * shell (12) starts a program built for 20 at 12. */
static uint32_t allowed_priority(handle_t spawn, uint32_t wanted) {
    struct handle_info info;
    if (handle_info(spawn, &info) != OK || info.count == 0)
        return wanted; /* task_create will say what is wrong */
    uint32_t top = info.base + info.count - 1;
    return wanted > top ? top : wanted < info.base ? info.base : wanted;
}

handle_t bootfs_start(const struct bootfs_entry *e,
                      const struct held_caps *held, const char *task_name,
                      uint64_t arg, const char *cmdline) {
    uint32_t priority = allowed_priority(held->spawn, e->priority);
    struct task_spec spec = {
        .name = task_name ? task_name : e->name,
        .image = bootfs_data(bootfs_image(), e),
        .image_size = e->size,
        .priority = priority,
        .memory = budget_to_give((uint64_t) e->memory_kib * 1024),
        .arg = arg,
        .cmdline = cmdline ? cmdline : bootfs_cmdline(e),
    };
    /* A spawn handle passed on reaches no higher than the program runs,
     * so that nothing it starts can starve it. */
    handle_t spawn = 0;
    if (e->flags & BOOTFS_CAP_SPAWN)
        spawn = handle_narrow(held->spawn, 0, priority + 1);
    startup_give(&spec, held->name, TAG_NAME);
    if (bootfs_serves_any(bootfs_image(), e))
        startup_give(&spec, held->serve, TAG_NAME_SERVE);
    startup_give(&spec, spawn, TAG_SPAWN);
    if (e->flags & BOOTFS_CAP_IOPORT)
        startup_give(&spec, held->ioport, TAG_IOPORT);
    if (e->flags & BOOTFS_CAP_IRQ)
        startup_give(&spec, held->irq, TAG_IRQ);
    if (e->flags & BOOTFS_CAP_TRACE)
        startup_give(&spec, held->trace, TAG_TRACE);
    if (e->flags & BOOTFS_CAP_DMA)
        startup_give(&spec, held->dma, TAG_DMA);
    /* A terminal is the starter's to give (init: to entries with caps :=
     * console; a shell: a lease to whatever it runs). */
    startup_give(&spec, held->console, TAG_CONSOLE);
    startup_give(&spec, held->supervisor, TAG_SUPERVISOR);
    startup_give(&spec, held->pager, TAG_PAGER);
    handle_t h = task_create(held->spawn, &spec);
    if (spawn > 0)
        handle_close(spawn);
    return h;
}

static handle_t held(uint32_t tag) {
    handle_t h = startup_handle(tag);
    return h > 0 ? h : 0;
}

struct held_caps startup_caps(void) {
    return (struct held_caps){.name = held(TAG_NAME),
                              .serve = held(TAG_NAME_SERVE),
                              .spawn = held(TAG_SPAWN),
                              .ioport = held(TAG_IOPORT),
                              .irq = held(TAG_IRQ),
                              .console = held(TAG_CONSOLE),
                              .trace = held(TAG_TRACE),
                              .dma = held(TAG_DMA),
                              .pager = held(TAG_PAGER)};
}
