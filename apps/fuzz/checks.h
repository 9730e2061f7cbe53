#pragma once
/* What the kernel must give back by the end of a run (coordinator). */
#include "fuzz.h"

#define TASKS_LISTED 256 /* task_list reports at most this many */

struct baseline {
    uint64_t free_pages;
    uint32_t num_tasks;
    int count;
    struct task_status tasks[TASKS_LISTED];
};

void baseline_take(struct baseline *b);
/* The first task slot after every task in the baseline. */
uint32_t baseline_free_slot(const struct baseline *b);
bool baseline_has(const struct baseline *b, task_t id);
/* Print a PASS or FAIL line for each of free pages, task count and the
 * handle counts of the tasks that were there (BASELINE_CHECKS lines);
 * returns how many failed. */
#define BASELINE_CHECKS 3
int baseline_compare(const struct baseline *b, const char *prefix);
