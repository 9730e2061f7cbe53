/* The before-and-after comparison that finds leaks. */
#include "checks.h"
#include "coordinator.h"

static struct task_status now_tasks[TASKS_LISTED];

void baseline_take(struct baseline *b) {
    struct sysinfo si;
    sys_sysinfo(r.spawn, &si);
    b->free_pages = si.free_pages;
    b->num_tasks = si.num_tasks;
    b->count = task_list(r.spawn, b->tasks, TASKS_LISTED);
}

uint32_t baseline_free_slot(const struct baseline *b) {
    uint32_t slot = 0;
    for (int i = 0; i < b->count; i++) {
        if ((b->tasks[i].id & 0xff) >= slot)
            slot = (b->tasks[i].id & 0xff) + 1;
    }
    return slot;
}

bool baseline_has(const struct baseline *b, task_t id) {
    for (int i = 0; i < b->count; i++) {
        if (b->tasks[i].id == id)
            return true;
    }
    return false;
}

static const struct task_status *find(const struct task_status *list, int n,
                                      task_t id) {
    for (int i = 0; i < n; i++) {
        if (list[i].id == id)
            return &list[i];
    }
    return NULL;
}

static int verdict(const char *prefix, const char *check, bool ok,
                   const char *detail) {
    if (ok)
        printf("PASS %s/%s\n", prefix, check);
    else
        printf("FAIL %s/%s: %s\n", prefix, check, detail);
    return !ok;
}

/* Every task of the baseline is alive with as many handles as before. */
static bool handles_kept(const struct baseline *b, char *why, size_t len) {
    int n = task_list(r.spawn, now_tasks, TASKS_LISTED);
    for (int i = 0; i < b->count; i++) {
        const struct task_status *was = &b->tasks[i];
        const struct task_status *is = find(now_tasks, n, was->id);
        if (!is) {
            format(why, len, "%s (%#x) is gone", was->name, was->id);
            return false;
        }
        if (is->num_handles != was->num_handles) {
            format(why, len, "%s (%#x) holds %u handles, %u before", was->name,
                   was->id, is->num_handles, was->num_handles);
            return false;
        }
    }
    return true;
}

int baseline_compare(const struct baseline *b, const char *prefix) {
    static struct baseline after;
    baseline_take(&after);
    char why[96];
    int failed = 0;
    format(why, sizeof(why), "%lu free pages, %lu before", after.free_pages,
           b->free_pages);
    failed +=
        verdict(prefix, "free_pages", after.free_pages == b->free_pages, why);
    format(why, sizeof(why), "%u tasks, %u before", after.num_tasks,
           b->num_tasks);
    failed +=
        verdict(prefix, "task_count", after.num_tasks == b->num_tasks, why);
    bool kept = handles_kept(b, why, sizeof(why));
    failed += verdict(prefix, "handles", kept, why);
    return failed;
}
