#include <resea/syscall.h>

extern uint64_t __task_arg;
int main(void);

extern const char *__task_cmdline;

uint64_t task_arg(void) { return __task_arg; }
const char *task_cmdline(void) { return __task_cmdline ? __task_cmdline : ""; }

/* Called by _start: run main and end the task with its result. */
__attribute__((noreturn, used)) void resea_start(void) { task_exit(main()); }
