/*
 * Out-of-line data for a task whose registered buffer (ipc_ool_buffer)
 * is no longer writable memory: the kernel checked the buffer when it was
 * registered, and must not trust that check after an unmap. The sender
 * is refused, the receiver carries on, and takes the bytes once it names
 * a good buffer. (Last in build.mk: a kernel that fails here panics.)
 */
#include "vm_test.h"

static uint8_t bytes[256];

static handle_t ool_peer(void) {
    return spawn_peer_with(CHILD_VM_PEER, 0, TEST_PRIORITY + 1, 0, NULL,
                           PEER_MEMORY);
}

/* Send the peer `bytes` out of line; the result, and the hash of what it
 * received in *hash. */
static error_t send_bytes(handle_t peer, uint64_t *hash) {
    for (unsigned i = 0; i < sizeof(bytes); i++)
        bytes[i] = vm_pattern(31, i);
    return vm_peer_ool_hash(peer, bytes, sizeof(bytes), 2000, hash);
}

static bool alive(handle_t peer) {
    struct task_status st;
    return task_status(peer, &st) == OK && st.state != TASK_DEAD;
}

/* What the peer holds once its buffer is good again. */
static void check_recovers(handle_t peer) {
    uint64_t hash;
    CHECK_VM_ERR(vm_peer_ool_valid(peer), OK);
    CHECK_ERR(send_bytes(peer, &hash), OK);
    CHECK_EQ(hash, fnv_hash(bytes, sizeof(bytes)));
}

TEST(vm_ipc_ool_buffer_unmapped) {
    handle_t peer = ool_peer();
    CHECK(peer > 0);
    CHECK(vm_peer_ool_gone(peer, false) > 0);
    uint64_t hash;
    error_t err = send_bytes(peer, &hash);
    CHECK(err == ERR_BAD_POINTER || err == ERR_TOO_LARGE);
    CHECK(alive(peer));
    check_recovers(peer);
    end_peer(peer);
}

TEST(vm_ipc_ool_buffer_remapped_read_only) {
    handle_t peer = ool_peer();
    CHECK(peer > 0);
    int64_t there = vm_peer_ool_gone(peer, true);
    CHECK(there > 0);
    uint64_t hash;
    error_t err = send_bytes(peer, &hash);
    CHECK(err == ERR_BAD_POINTER || err == ERR_TOO_LARGE);
    CHECK(alive(peer));
    static const uint8_t zeros[PAGE];
    CHECK_EQ(vm_peer_peek(peer, there), fnv_hash(zeros, PAGE));
    check_recovers(peer);
    end_peer(peer);
}
