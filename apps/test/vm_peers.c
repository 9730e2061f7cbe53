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

/* Map mem (ours now) and hold it: the address, and its rights in
 * *rights. */
static int64_t map_held(handle_t mem, uint64_t flags, uint64_t len,
                        uint64_t *rights) {
    struct handle_info info = {0};
    handle_info(mem, &info);
    *rights = info.rights;
    int64_t addr = vm_map(mem, 0, VM_ANYWHERE, len, flags);
    if (addr < 0) {
        handle_close(mem);
        return addr;
    }
    held.h = mem;
    held.addr = addr;
    held.len = len;
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

/* Do what m asks, and answer it in r; false if it is not a vmpeer call. */
static bool serve_vm(struct message *m, struct message *r) {
    volatile uint8_t *p = (volatile uint8_t *) held.addr;
    *r = (struct message){.type = msg_reply_type(m->type)};
    switch (m->type) {
    case VMPEER_MAP_MSG:
        r->vmpeer_map_reply.addr =
            map_held(msg_take_handle(m), m->vmpeer_map.flags, m->vmpeer_map.len,
                     &r->vmpeer_map_reply.rights);
        return true;
    case VMPEER_MAP_COPY_MSG:
        r->vmpeer_map_copy_reply.addr =
            map_held(msg_take_handle(m), m->vmpeer_map_copy.flags,
                     m->vmpeer_map_copy.len, &r->vmpeer_map_copy_reply.rights);
        return true;
    case VMPEER_HASH_MSG:
        r->vmpeer_hash_reply.hash =
            fnv_hash((const void *) held.addr, held.len);
        return true;
    case VMPEER_FILL_MSG:
        for (uint64_t i = 0; i < held.len; i++)
            p[i] = vm_pattern(m->vmpeer_fill.seed, i);
        r->vmpeer_fill_reply.result = OK;
        return true;
    case VMPEER_WRITE_LATE_MSG: /* the write comes after the reply */
        r->vmpeer_write_late_reply.addr = held.addr;
        return true;
    case VMPEER_RELEASE_MSG:
        r->vmpeer_release_reply.result = release_held();
        return true;
    case VMPEER_ALLOC_MSG:
        r->vmpeer_alloc_reply.result = alloc_and_free(m->vmpeer_alloc.len);
        return true;
    case VMPEER_OOL_GONE_MSG:
        r->vmpeer_ool_gone_reply.addr =
            unmapped_ool_buffer(m->vmpeer_ool_gone.read_only);
        return true;
    case VMPEER_OOL_VALID_MSG:
        r->vmpeer_ool_valid_reply.result =
            ipc_ool_buffer(ool_in, sizeof(ool_in));
        return true;
    case VMPEER_OOL_HASH_MSG:
        r->vmpeer_ool_hash_reply.hash =
            fnv_hash(m->vmpeer_ool_hash.data, m->vmpeer_ool_hash.data_len);
        return true;
    case VMPEER_PEEK_MSG:
        r->vmpeer_peek_reply.hash =
            fnv_hash((const void *) m->vmpeer_peek.addr, PAGE);
        return true;
    }
    return false;
}

static int vm_peer(void) {
    for (;;) {
        struct message m, r;
        error_t err = ipc_recv_handle(IPC_ANY, &m);
        if (err || m.type == MSG_NOTIFICATIONS)
            continue;
        if (!serve_vm(&m, &r)) {
            discard_unknown_message(&m);
            continue;
        }
        if (m.handle > 0)
            handle_close(m.handle); /* one it did not keep */
        ipc_reply(m.src, &r);
        if (m.type == VMPEER_WRITE_LATE_MSG)
            *(volatile uint8_t *) held.addr = 1; /* a read-only one faults */
    }
}

/* The calls to a CHILD_VM_PEER (test.h). */
int64_t vm_peer_map(handle_t peer, handle_t mem, uint32_t how, uint32_t flags,
                    uint64_t len, uint64_t *rights) {
    struct message m;
    if (how == MSG_HANDLE_COPY) {
        msg_init(&m, VMPEER_MAP_COPY_MSG);
        m.vmpeer_map_copy.mem = mem;
        m.vmpeer_map_copy.flags = flags;
        m.vmpeer_map_copy.len = len;
    } else {
        msg_init(&m, VMPEER_MAP_MSG);
        m.vmpeer_map.mem = mem;
        m.vmpeer_map.flags = flags;
        m.vmpeer_map.len = len;
    }
    error_t err = ipc_call(peer, &m);
    if (err)
        return err;
    bool copied = m.type == VMPEER_MAP_COPY_REPLY_MSG;
    if (rights)
        *rights =
            copied ? m.vmpeer_map_copy_reply.rights : m.vmpeer_map_reply.rights;
    return copied ? m.vmpeer_map_copy_reply.addr : m.vmpeer_map_reply.addr;
}

int64_t vm_peer_hash(handle_t peer) {
    struct message m = {.type = VMPEER_HASH_MSG};
    error_t err = ipc_call(peer, &m);
    return err ? err : (int64_t) m.vmpeer_hash_reply.hash;
}

error_t vm_peer_fill(handle_t peer, uint64_t seed) {
    struct message m = {.type = VMPEER_FILL_MSG};
    m.vmpeer_fill.seed = seed;
    error_t err = ipc_call(peer, &m);
    return err ? err : m.vmpeer_fill_reply.result;
}

int64_t vm_peer_write_late(handle_t peer) {
    struct message m = {.type = VMPEER_WRITE_LATE_MSG};
    error_t err = ipc_call(peer, &m);
    return err ? err : (int64_t) m.vmpeer_write_late_reply.addr;
}

error_t vm_peer_release(handle_t peer) {
    struct message m = {.type = VMPEER_RELEASE_MSG};
    error_t err = ipc_call(peer, &m);
    return err ? err : m.vmpeer_release_reply.result;
}

error_t vm_peer_alloc(handle_t peer, uint64_t len) {
    struct message m = {.type = VMPEER_ALLOC_MSG};
    m.vmpeer_alloc.len = len;
    error_t err = ipc_call(peer, &m);
    return err ? err : m.vmpeer_alloc_reply.result;
}

int64_t vm_peer_ool_gone(handle_t peer, bool read_only) {
    struct message m = {.type = VMPEER_OOL_GONE_MSG};
    m.vmpeer_ool_gone.read_only = read_only;
    error_t err = ipc_call(peer, &m);
    return err ? err : m.vmpeer_ool_gone_reply.addr;
}

error_t vm_peer_ool_valid(handle_t peer) {
    struct message m = {.type = VMPEER_OOL_VALID_MSG};
    error_t err = ipc_call(peer, &m);
    return err ? err : m.vmpeer_ool_valid_reply.result;
}

error_t vm_peer_ool_hash(handle_t peer, const void *data, size_t len,
                         int64_t timeout_ms, uint64_t *hash) {
    struct message m = {.type = VMPEER_OOL_HASH_MSG};
    m.vmpeer_ool_hash.data = (void *) data;
    m.vmpeer_ool_hash.data_len = len;
    error_t err = ipc_call_bounded(peer, &m, timeout_ms);
    *hash = m.vmpeer_ool_hash_reply.hash;
    return err;
}

int64_t vm_peer_peek(handle_t peer, uint64_t addr) {
    struct message m = {.type = VMPEER_PEEK_MSG};
    m.vmpeer_peek.addr = addr;
    error_t err = ipc_call(peer, &m);
    return err ? err : (int64_t) m.vmpeer_peek_reply.hash;
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
    struct message m = {.type = VMPEER_HOLDER_READY_MSG};
    if (param & (1u << 16))
        m.vmpeer_holder_ready.mem = handle_dup(obj, RIGHT_MAP_READ, 0);
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
