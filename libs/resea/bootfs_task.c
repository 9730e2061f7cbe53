#include <layout.h>
#include <resea/bootfs_task.h>
#include <resea/syscall.h>
#include <string.h>

#define CMDLINE_SUFFIX ".cmdline"

const void *bootfs_image(void) { return (const void *) BOOTFS_ADDR; }

static void give(struct task_spec *spec, handle_t h) {
    if (h > 0)
        spec->handles[spec->num_handles++] = h;
}

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

handle_t bootfs_start(const struct bootfs_entry *e,
                      const struct held_caps *held, const char *task_name,
                      uint64_t arg, const char *cmdline) {
    struct task_spec spec = {
        .name = task_name ? task_name : e->name,
        .image = bootfs_data(bootfs_image(), e),
        .image_size = e->size,
        .priority = e->priority,
        .arg = arg,
        .cmdline = cmdline ? cmdline : bootfs_cmdline(e),
    };
    give(&spec, held->name);
    if (e->flags & BOOTFS_CAP_SPAWN)
        give(&spec, held->spawn);
    if (e->flags & BOOTFS_CAP_IOPORT)
        give(&spec, held->ioport);
    if (e->flags & BOOTFS_CAP_IRQ)
        give(&spec, held->irq);
    return task_create(held->spawn, &spec);
}
