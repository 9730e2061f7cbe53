#include <layout.h>
#include <resea/bootfs_task.h>
#include <resea/syscall.h>

const void *bootfs_image(void) { return (const void *) BOOTFS_ADDR; }

static void give(struct task_spec *spec, handle_t h) {
    if (h > 0)
        spec->handles[spec->num_handles++] = h;
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
        .cmdline = cmdline,
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
