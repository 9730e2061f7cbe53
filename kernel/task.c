/*
 * Task lifecycle. A task's memory (struct, kernel stack, address space) is
 * owned by the task table; handles hold references. A task that ends loses
 * its address space and handles at once and its struct when the last
 * reference goes, so a dead task can still be asked why it ended.
 */
#include "task.h"
#include "arch.h"
#include "boot.h"
#include "handle.h"
#include "ipc.h"
#include "irq.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "timeout.h"
#include "ktrace.h"
#include "usercopy.h"
#include "vmspace.h"
#include <elf.h>
#include <layout.h>
#include <string.h>

_Static_assert(sizeof(struct task) <= PAGE_SIZE, "a task fits in a page");

/* What a task's budget pays for its structure and kernel stack, taken
 * from the kernel's own pages and given back when the structure goes. */
#define TASK_KERNEL_MEMORY (PAGE_SIZE + KSTACK_SIZE)

static struct task *tasks[TASK_MAX];
static uint32_t generations[TASK_MAX];
static int num_tasks;
/* A task whose last reference went while it was running: freed after the
 * switch away from its kernel stack. */
static struct task *reap_pending;

struct task *task_lookup(uint32_t id) {
    struct task *t = tasks[TASK_ID_SLOT(id)];
    return (t && t->id == id) ? t : NULL;
}

struct task *task_at_slot(int slot) {
    return tasks[slot];
}
int task_count(void) { return num_tasks; }

static int alloc_slot(void) {
    for (int i = 1; i < TASK_MAX; i++) { /* id 0 means "any sender" */
        if (!tasks[i])
            return i;
    }
    return -1;
}

/* Cold: kept out of schedule(), which checks for it on every switch. */
__attribute__((noinline)) static void free_task_memory(struct task *t) {
    struct task *giver = t->mem_giver;
    mem_uncharge(&t->mem, TASK_KERNEL_MEMORY); /* the last of it */
    arch_kstack_free(t->kstack);
    page_free(PTR2PADDR(t));
    if (giver)
        task_unref(giver);
}

void task_reap(void) {
    if (reap_pending && reap_pending != current) {
        free_task_memory(reap_pending);
        reap_pending = NULL;
    }
}

/* Bytes of the executable, from the boot image or the creator's memory
 * (the creator is the current task while it is being loaded). */
static error_t image_read(const void *image, void *dst, uint64_t off,
                          uint64_t len) {
    const struct task_image *img = image;
    if (off > img->size || len > img->size - off)
        return ERR_BAD_IMAGE;
    if (img->kernel) {
        memcpy(dst, img->kernel + off, len);
        return OK;
    }
    return copy_from_user(dst, img->user + off, len);
}

/* Copy one loadable segment into fresh pages. */
static error_t load_segment(uint64_t pml4, const struct task_image *image,
                            const struct elf64_phdr *ph,
                            struct mem_account *acct) {
    uint64_t start = ph->p_vaddr & ~(PAGE_SIZE - 1);
    uint64_t file_end = ph->p_vaddr + ph->p_filesz;
    unsigned flags = VM_USER | VM_OWNED;
    flags |= (ph->p_flags & PF_W) ? VM_WRITE : 0;
    flags |= (ph->p_flags & PF_X) ? VM_EXEC : 0;

    for (uint64_t page = start; page < ph->p_vaddr + ph->p_memsz;
         page += PAGE_SIZE) {
        uint64_t paddr = page_alloc_charged(acct);
        if (!paddr)
            return ERR_NO_MEMORY;
        if (vm_map(pml4, page, paddr, flags, acct) != OK) {
            page_free_charged(acct, paddr);
            return ERR_NO_MEMORY;
        }
        uint64_t lo = page > ph->p_vaddr ? page : ph->p_vaddr;
        uint64_t hi = page + PAGE_SIZE < file_end ? page + PAGE_SIZE : file_end;
        error_t err = OK;
        if (lo < hi)
            err = image_read(image, (uint8_t *) PADDR2PTR(paddr) + (lo - page),
                             ph->p_offset + (lo - ph->p_vaddr), hi - lo);
        if (err)
            return err; /* the page is mapped: freed with the space */
    }
    return OK;
}

static error_t map_fresh(uint64_t pml4, uint64_t start, uint64_t end,
                         unsigned flags, struct mem_account *acct) {
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        uint64_t paddr = page_alloc_charged(acct);
        if (!paddr)
            return ERR_NO_MEMORY;
        if (vm_map(pml4, va, paddr, flags | VM_OWNED, acct) != OK) {
            page_free_charged(acct, paddr);
            return ERR_NO_MEMORY;
        }
    }
    return OK;
}

/* Build the user address space: program, stack, boot image (shared),
 * every page and table charged to acct. */
static error_t build_address_space(uint64_t pml4,
                                   const struct task_image *image,
                                   const struct elf_headers *elf,
                                   struct mem_account *acct) {
    for (unsigned i = 0; i < elf->eh.e_phnum; i++) {
        if (!elf_loadable(&elf->ph[i]))
            continue;
        error_t err = load_segment(pml4, image, &elf->ph[i], acct);
        if (err)
            return err;
    }
    error_t err = map_fresh(pml4, USER_STACK_TOP - USER_STACK_SIZE,
                            USER_STACK_TOP, VM_USER | VM_WRITE, acct);
    if (err)
        return err;
    for (uint64_t off = 0; off < boot_image.size; off += PAGE_SIZE) {
        if (vm_map(pml4, BOOTFS_ADDR + off, boot_image.paddr + off, VM_USER,
                   acct))
            return ERR_NO_MEMORY;
    }
    return OK;
}

static struct task *task_alloc(const char *name, int priority, int slot) {
    uint64_t tp = page_alloc(), sp = tp ? arch_kstack_alloc(slot) : 0;
    if (!sp) {
        if (tp)
            page_free(tp);
        return NULL;
    }
    struct task *t = PADDR2PTR(tp);
    t->kstack = sp;
    strlcpy(t->name, name, sizeof(t->name));
    t->priority = priority;
    t->base_priority = priority;
    t->refs = 1; /* dropped when the task ends */
    list_init(&t->runq_node);
    list_init(&t->timeout_node);
    list_init(&t->timer_node);
    list_init(&t->watchers);
    for (int i = 0; i < TASK_WATCHES_MAX; i++)
        list_init(&t->watches[i].node);
    ipc_task_init(t);
    return t;
}

struct task *task_spawn(const char *name, const struct task_image *image,
                        int priority, uint64_t arg, const char *cmdline,
                        uint64_t memory, int *err) {
    if (priority < 0 || priority > TASK_PRIORITY_MAX) {
        *err = ERR_INVALID_ARG;
        return NULL;
    }
    struct elf_headers elf; /* checked once, then used as checked */
    if ((*err = elf_read_headers(image_read, image, image->size,
                                 USER_IMAGE_BASE, USER_IMAGE_END, &elf)))
        return NULL;
    int slot = alloc_slot();
    if (slot < 0) {
        *err = ERR_FULL;
        return NULL;
    }
    struct task *t = task_alloc(name, priority, slot);
    if (t) { /* its structure and kernel stack are its own to pay for */
        t->mem.limit = memory;
        t->mem.used = TASK_KERNEL_MEMORY;
    }
    uint64_t pml4 = t && t->mem.used <= memory ? vm_create(&t->mem) : 0;
    if (!pml4 || (*err = build_address_space(pml4, image, &elf, &t->mem))) {
        if (pml4)
            vm_destroy(pml4, &t->mem);
        if (t)
            free_task_memory(t);
        if (!pml4 || *err == OK)
            *err = ERR_NO_MEMORY;
        return NULL;
    }

    t->arch.pml4 = pml4;
    t->id = slot | (++generations[slot] << 8);
    t->creator = current ? current->id : 0;
    t->parent = current ? current->id : 0;
    if (current) { /* the caller reserved the budget (task_create) */
        t->mem_giver = current;
        t->mem.parent = &current->mem;
        task_ref(current);
    }
    tasks[slot] = t;
    num_tasks++;
    /* The command line sits at the top of the stack, below it the stack. */
    uint64_t rsp = USER_STACK_TOP, cmdline_addr = 0;
    if (cmdline) {
        rsp -= TASK_CMDLINE_MAX;
        cmdline_addr = rsp;
        ASSERT(copy_to_space(pml4, (void __user *) rsp, cmdline,
                             strlen(cmdline) + 1) == OK);
    }
    arch_task_init_user(t, elf.eh.e_entry, rsp, arg, cmdline_addr);
    trace_record(TRACE_TASK_CREATE, t->creator, t->id, (uint32_t) priority, 0,
                 0);
    trace_name(t);
    sched_ready(t);
    return t;
}

void task_set_fault(struct task *t, uint64_t addr, uint64_t rip) {
    t->fault_addr = addr;
    t->fault_rip = rip;
}

error_t task_watch(struct task *t, struct task *watcher) {
    if (t->state == TASK_STATE_DEAD)
        return ERR_ABORTED;
    struct watch *free = NULL;
    for (int i = 0; i < TASK_WATCHES_MAX; i++) {
        struct watch *w = &watcher->watches[i];
        if (!list_linked(&w->node)) {
            free = free ? free : w;
        } else if (w->target == t->id) {
            return OK;
        }
    }
    if (!free)
        return ERR_FULL;
    free->target = t->id;
    free->watcher = watcher->id;
    list_push_back(&t->watchers, &free->node);
    return OK;
}

bool task_is_ancestor(const struct task *a, const struct task *t) {
    /* Parents are live tasks (see forget_ended), so the chain is short
     * and ends at init; the bound is for safety. */
    for (int i = 0; i < TASK_MAX && t; i++) {
        if (t->parent == a->id)
            return true;
        t = task_lookup(t->parent);
    }
    return false;
}

/* What other tasks keep about t: its children go to t's parent, and no
 * task still lists t's slot as one that raised NOTIFY_ASYNC (a successor
 * in that slot never did). */
static void forget_ended(const struct task *t) {
    int slot = TASK_ID_SLOT(t->id);
    for (int i = 0; i < TASK_MAX; i++) {
        struct task *o = tasks[i];
        if (!o)
            continue;
        if (o->parent == t->id)
            o->parent = t->parent;
        o->notify_sources[slot / 64] &= ~(1ull << (slot % 64));
    }
}

/* Tell t's creator and watchers that t has ended, and drop the watches
 * t kept on others. Both ends of a watch unlink it when they end, so a
 * watch on the list always names a live watcher. */
static void notify_watchers(struct task *t) {
    struct task *c = task_lookup(t->creator);
    if (c && c->state != TASK_STATE_DEAD)
        task_notify(c, NOTIFY_DEATH);
    struct list *n;
    while ((n = list_pop_front(&t->watchers))) {
        struct watch *w = container_of(n, struct watch, node);
        task_notify(task_lookup(w->watcher), NOTIFY_DEATH);
    }
    for (int i = 0; i < TASK_WATCHES_MAX; i++) {
        if (list_linked(&t->watches[i].node))
            list_remove(&t->watches[i].node);
    }
}

/* A task's end, and the fault behind it (nothing without CONFIG_TRACE). */
static void trace_end(const struct task *t, uint32_t reason, int64_t code) {
    if (reason >= EXIT_PAGE_FAULT)
        trace_record(TRACE_TASK_FAULT, t->id, 0, reason,
                     (uint32_t) t->fault_addr,
                     (uint32_t) (t->fault_addr >> 32));
    trace_record(TRACE_TASK_EXIT, t->id, 0, reason, (uint32_t) code,
                 (uint32_t) ((uint64_t) code >> 32));
}

void task_end(struct task *t, uint32_t reason, int64_t code) {
    if (t->state == TASK_STATE_DEAD)
        return;
    trace_end(t, reason, code);
    sched_remove(t);
    ipc_abort(t);
    timer_cancel(t);
    irq_release_all(t);
    t->state = TASK_STATE_DEAD;
    t->exit_reason = reason;
    t->exit_code = code;
    handle_close_all(t);
    forget_ended(t);
    /* Leave the address space before freeing it; then the objects its
     * regions mapped may go too. */
    uint64_t pml4 = t->arch.pml4;
    t->arch.pml4 = vm_kernel_pml4();
    if (t == current)
        arch_use_kernel_space();
    vm_destroy(pml4, &t->mem);
    vmspace_destroy(t);
    mem_end(&t->mem);
    notify_watchers(t);
    task_unref(t);
    if (t == current)
        schedule(); /* never returns: t is not runnable */
}

void task_ref(struct task *t) { t->refs++; }

void task_unref(struct task *t) {
    ASSERT(t->refs > 0);
    if (--t->refs > 0)
        return;
    ASSERT(t->state == TASK_STATE_DEAD);
    tasks[TASK_ID_SLOT(t->id)] = NULL;
    num_tasks--;
    if (t == current) {
        ASSERT(!reap_pending);
        reap_pending = t;
    } else {
        free_task_memory(t);
    }
}

void task_notify(struct task *t, uint64_t bits) {
    t->notifications |= bits;
    if (t->state == TASK_STATE_BLOCKED && t->block_reason == BLOCK_RECV &&
        t->recv_from == IPC_ANY)
        sched_wake(t);
}
