#include <resea/malloc.h>
#include <resea/syscall.h>
#include <resea/vm_pages.h>
#include <vm.h>

extern uint64_t __task_arg;
int main(void);

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

/* Called by _start: run main, with a heap, and end the task with its
 * result. */
__attribute__((noreturn, used)) void resea_start(void) {
    heap_init();
    task_exit(main());
}
