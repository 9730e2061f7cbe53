#include <layout.h>
#include <resea/malloc.h>
#include <resea/startup.h>
#include <resea/syscall.h>
#include <resea/vm_pages.h>
#include <vm.h>

extern uint64_t __task_arg;
int main(void);
void ipc_init(void); /* ipc.c: our out-of-line receive buffer */

extern const char *__task_cmdline;

uint64_t task_arg(void) { return __task_arg; }
const char *task_cmdline(void) { return __task_cmdline ? __task_cmdline : ""; }

/* The heap's pages: fresh anonymous memory, charged to our budget. */
static int64_t heap_map(void *addr, uint64_t len) {
    return vm_map(0, 0, addr, len, MAP_READ | MAP_WRITE);
}

static int heap_unmap(void *addr, uint64_t len) { return vm_unmap(addr, len); }

static struct vm_pages heap_pages;

static void heap_init(void) {
    static const struct vm_pages_ops ops = {heap_map, heap_unmap};
    vm_pages_init(&heap_pages, &ops, VM_PAGES_HEAP_BASE, VM_PAGES_HEAP_SIZE);
    struct page_source src = {vm_pages_get, vm_pages_put, &heap_pages};
    malloc_init(&src);
}

/* With a pager for it, the stack may grow to USER_STACK_MAX: reserve the
 * room below it (proto/supervisor.h). */
static void stack_reserve(void) {
    handle_t pager = startup_handle(TAG_PAGER);
    if (pager > 0)
        vm_pager((void *) (USER_STACK_TOP - USER_STACK_MAX),
                 USER_STACK_MAX - USER_STACK_SIZE, MAP_READ | MAP_WRITE, pager);
}

/* Called by _start: run main, with a heap and a stack that grows, and
 * end the task with its result. */
__attribute__((noreturn, used)) void resea_start(void) {
    heap_init();
    stack_reserve();
    ipc_init();
    task_exit(main());
}
