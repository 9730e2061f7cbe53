#include <resea/syscall.h>

extern uint64_t __task_arg;
int main(void);

uint64_t task_arg(void) { return __task_arg; }

/* Called by _start: run main and end the task with its result. */
__attribute__((noreturn, used)) void resea_start(void) { task_exit(main()); }
