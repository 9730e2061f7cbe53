/* The other ends of the memory tests (test_vm*.c): tasks that fault in a
 * mapping, report their budget, share memory, or die holding it. */
#include "test.h"
#include <layout.h>
#include <string.h>
#include <vm.h>

_Static_assert(CHILD_VM_HOLDER < 256, "a child's mode fits in one byte");

#define PAGE 4096ull
#define PEER peer_handle(1) /* the handle a peer is given */

static int fault(uint64_t param) {
    uint64_t a = param & ~(PAGE - 1);
    volatile uint8_t *p = (volatile uint8_t *) (uintptr_t) a;
    int64_t got;
    switch (param & (PAGE - 1)) {
    case VM_FAULT_WRITE_READ_ONLY:
        if ((got = vm_map(0, 0, (void *) a, PAGE, MAP_READ)) != (int64_t) a)
            return (int) got;
        p[8] = 1;
        break;
    case VM_FAULT_EXEC_NO_EXEC:
        got = vm_map(0, 0, (void *) a, PAGE, MAP_READ | MAP_WRITE);
        if (got != (int64_t) a)
            return (int) got;
        p[0] = 0xc3; /* ret */
        ((void (*)(void))(uintptr_t) a)();
        break;
    case VM_FAULT_READ_AFTER_UNMAP:
        /* A neighbour keeps the page tables: only the page goes. */
        if (vm_map(0, 0, (void *) (a + PAGE), PAGE, MAP_READ) < 0)
            return -3000;
        got = vm_map(0, 0, (void *) a, PAGE, MAP_READ | MAP_WRITE);
        if (got != (int64_t) a)
            return (int) got;
        p[0] = 1; /* the TLB now holds the page */
        if (vm_unmap((void *) a, PAGE) != OK)
            return -2000;
        return p[0];
    case VM_FAULT_READ_HOLE:
        got = vm_map(0, 0, (void *) a, 3 * PAGE, MAP_READ | MAP_WRITE);
        if (got != (int64_t) a)
            return (int) got;
        p[PAGE] = 1;
        if (vm_unmap((void *) (a + PAGE), PAGE) != OK)
            return -2000;
        p[0] = 2;
        p[2 * PAGE] = 3;
        return p[PAGE];
    }
    return -1000; /* no fault */
}

static int report_limit(void) {
    struct vm_status st;
    error_t err = vm_status(&st);
    if (err)
        return err;
    task_exit((int64_t) st.limit);
}

/* The peer's one mapping. */
static struct {
    handle_t h;
    uint64_t addr, len;
} held;
static uint8_t ool_in[PAGE];

static int64_t map_held(struct message *m) {
    handle_t h = msg_take_handle(m);
    struct handle_info info = {0};
    handle_info(h, &info);
    int64_t addr = vm_map(h, 0, VM_ANYWHERE, m->words[1], m->words[0]);
    if (addr < 0) {
        handle_close(h);
        return addr;
    }
    held.h = h;
    held.addr = addr;
    held.len = m->words[1];
    m->words[1] = info.rights;
    return addr;
}

static int64_t release_held(void) {
    error_t err = vm_unmap((void *) held.addr, held.len);
    if (err == OK)
        err = handle_close(held.h);
    held.h = 0;
    held.addr = held.len = 0;
    return err;
}

static int64_t alloc_and_free(uint64_t len) {
    int64_t a = vm_map(0, 0, VM_ANYWHERE, len, MAP_READ | MAP_WRITE);
    if (a < 0)
        return a;
    memset((void *) a, 0x5a, len);
    return vm_unmap((void *) a, len);
}

/* An out-of-line buffer registered, then unmapped (and, if read_only,
 * replaced by a read-only page); its address. */
static int64_t unmapped_ool_buffer(bool read_only) {
    int64_t a = vm_map(0, 0, VM_ANYWHERE, PAGE, MAP_READ | MAP_WRITE);
    if (a < 0)
        return a;
    error_t err = ipc_ool_buffer((void *) a, PAGE);
    if (!err)
        err = vm_unmap((void *) a, PAGE);
    if (!err && read_only)
        return vm_map(0, 0, (void *) a, PAGE, MAP_READ);
    return err ? err : a;
}

/* Do what m asks: the reply's words[0]. */
static int64_t serve_vm(struct message *m) {
    volatile uint8_t *p = (volatile uint8_t *) held.addr;
    switch (MSG_ID(m->type)) {
    case VM_REQ_MAP:
        return map_held(m);
    case VM_REQ_HASH:
        return (int64_t) fnv_hash((const void *) held.addr, held.len);
    case VM_REQ_FILL:
        for (uint64_t i = 0; i < held.len; i++)
            p[i] = vm_pattern(m->words[0], i);
        return OK;
    case VM_REQ_RELEASE:
        return release_held();
    case VM_REQ_ALLOC:
        return alloc_and_free(m->words[0]);
    case VM_REQ_OOL_GONE:
        return unmapped_ool_buffer(m->words[0]);
    case VM_REQ_OOL_VALID:
        return ipc_ool_buffer(ool_in, sizeof(ool_in));
    case VM_REQ_OOL_HASH:
        return (int64_t) fnv_hash((const void *) m->ool_ptr, m->ool_len);
    case VM_REQ_PEEK:
        return (int64_t) fnv_hash((const void *) m->words[0], PAGE);
    }
    return ERR_UNKNOWN_MESSAGE;
}

static int vm_peer(void) {
    for (;;) {
        struct message m;
        error_t err = ipc_recv_handle(IPC_ANY, &m);
        if (err || m.type == MSG_NOTIFICATIONS)
            continue;
        struct message r = {.type = MSG_ID(m.type)};
        if (MSG_ID(m.type) == VM_REQ_WRITE_LATE) {
            r.words[0] = held.addr;
            ipc_reply(m.src, &r);
            *(volatile uint8_t *) held.addr = 1; /* a read-only one faults */
            continue;
        }
        r.words[0] = (uint64_t) serve_vm(&m);
        r.words[1] = m.words[1];
        if (m.handle > 0)
            handle_close(m.handle); /* one it did not keep */
        ipc_reply(m.src, &r);
    }
}

/* Map and write memory of every kind, tell PEER, then end holding it. */
static int holder(uint64_t param) {
    uint64_t len = (param & 0xffff) * PAGE;
    int64_t anon = vm_map(0, 0, VM_ANYWHERE, len, MAP_READ | MAP_WRITE);
    handle_t obj = mem_create(len, 0);
    if (anon < 0 || obj < 0)
        return anon < 0 ? (int) anon : obj;
    int64_t a = vm_map(obj, 0, VM_ANYWHERE, len, MAP_READ | MAP_WRITE);
    int64_t b = vm_map(obj, 0, VM_ANYWHERE, len, MAP_READ);
    if (a < 0 || b < 0)
        return a < 0 ? (int) a : (int) b;
    for (uint64_t i = 0; i < len; i++) {
        ((uint8_t *) anon)[i] = vm_pattern(1, i);
        ((uint8_t *) a)[i] = vm_pattern(2, i);
    }
    struct message m = {.type = VM_HOLDER_READY};
    if (param & (1u << 16)) {
        m.type |= MSG_HANDLE_MOVE;
        m.handle = handle_dup(obj, RIGHT_MAP_READ, 0);
    }
    error_t err = ipc_send(PEER, &m);
    if (err)
        return err;
    if (param & (1u << 17))
        *(volatile uint8_t *) b = 1; /* read-only: ends us */
    for (;;)
        ipc_recv(IPC_ANY, &m);
}

int vm_peer_main(int mode, uint64_t param) {
    switch (mode) {
    case CHILD_VM_FAULT:
        return fault(param);
    case CHILD_VM_LIMIT:
        return report_limit();
    case CHILD_VM_PEER:
        return vm_peer();
    case CHILD_VM_HOLDER:
        return holder(param);
    }
    return -1;
}
