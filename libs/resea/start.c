#include <layout.h>
#include <resea/startup.h>
#include <resea/syscall.h>

extern uint64_t __task_arg;
int main(void);

extern const char *__task_cmdline;

uint64_t task_arg(void) { return __task_arg; }
const char *task_cmdline(void) { return __task_cmdline ? __task_cmdline : ""; }

/* With a pager for it, the stack may grow to USER_STACK_MAX: reserve the
 * room below it (proto/supervisor.h). */
static void stack_reserve(void) {
    handle_t pager = startup_handle(TAG_PAGER);
    if (pager > 0)
        vm_pager((void *) (USER_STACK_TOP - USER_STACK_MAX),
                 USER_STACK_MAX - USER_STACK_SIZE, MAP_READ | MAP_WRITE, pager);
}

/* Called by _start: run main and end the task with its result. */
__attribute__((noreturn, used)) void resea_start(void) {
    stack_reserve();
    task_exit(main());
}
