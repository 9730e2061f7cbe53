/*
 * Sharing memory by passing its handle, and IPC through buffers in memory
 * that was unmapped: the kernel keeps pointers to a task's message buffer
 * between calls (kernel/ipc.c), which must not outlive the mapping.
 */
#include "vm_test.h"

static handle_t vm_peer(void) {
    return spawn_peer_with(CHILD_VM_PEER, 0, TEST_PRIORITY + 1, 0, NULL,
                           PEER_MEMORY);
}

static handle_t echo_server(void) {
    return spawn_peer_with(CHILD_ECHO_SERVER, 0, TEST_PRIORITY + 1, 0, NULL,
                           PEER_MEMORY);
}

TEST(vm_share_read_only_with_a_child) {
    handle_t peer = vm_peer();
    CHECK(peer > 0);
    handle_t h = mem_create(4 * PAGE, 0);
    CHECK(h > 0);
    int64_t w = vm_map(h, 0, VM_ANYWHERE, 4 * PAGE, RW);
    CHECK(w > 0);
    fill(w, 4 * PAGE, 13);
    uint64_t rights = 0;
    int64_t there = vm_peer_map(peer, handle_dup(h, RIGHT_MAP_READ, 0),
                                MSG_HANDLE_MOVE, MAP_READ, 4 * PAGE, &rights);
    CHECK(there > 0);
    CHECK_EQ(rights, RIGHT_MAP_READ);
    CHECK_EQ(vm_peer_hash(peer), fnv_hash((void *) w, 4 * PAGE));
    /* The same pages, not a copy: what we write now, it reads. */
    fill(w, 4 * PAGE, 14);
    CHECK_EQ(vm_peer_hash(peer), fnv_hash((void *) w, 4 * PAGE));
    struct mem_info mi;
    CHECK_ERR(mem_info(h, &mi), OK);
    CHECK_EQ(mi.mappings, 2);
    /* Its handle cannot map the object writable. */
    CHECK_ERR(vm_peer_release(peer), OK);
    CHECK_VM_ERR(vm_peer_map(peer, handle_dup(h, RIGHT_MAP_READ, 0),
                             MSG_HANDLE_MOVE, RW, 4 * PAGE, NULL),
                 ERR_NOT_PERMITTED);
    there = vm_peer_map(peer, handle_dup(h, RIGHT_MAP_READ, 0), MSG_HANDLE_MOVE,
                        MAP_READ, 4 * PAGE, NULL);
    CHECK(there > 0);
    /* A write through its read-only mapping ends it, and changes nothing. */
    CHECK_EQ(vm_peer_write_late(peer), there);
    struct task_status st;
    CHECK_ERR(wait_dead(peer, &st), OK);
    CHECK_EQ(st.exit_reason, EXIT_PAGE_FAULT);
    CHECK_EQ(st.fault_addr, there);
    CHECK_ERR(handle_close(peer), OK);
    CHECK(holds(w, 4 * PAGE, 14));
    CHECK_ERR(mem_info(h, &mi), OK);
    CHECK_EQ(mi.mappings, 1); /* its death took its mapping */
    CHECK_ERR(unmap(w, 4 * PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
}

TEST(vm_share_writable_both_ways) {
    handle_t peer = vm_peer();
    CHECK(peer > 0);
    handle_t h = mem_create(2 * PAGE, 0);
    CHECK(h > 0);
    int64_t w = vm_map(h, 0, VM_ANYWHERE, 2 * PAGE, RW);
    CHECK(w > 0);
    fill(w, 2 * PAGE, 21);
    handle_t rw = handle_dup(h, RIGHT_MAP_READ | RIGHT_MAP_WRITE, 0);
    CHECK(vm_peer_map(peer, rw, MSG_HANDLE_MOVE, RW, 2 * PAGE, NULL) > 0);
    CHECK_EQ(vm_peer_hash(peer), fnv_hash((void *) w, 2 * PAGE));
    CHECK_ERR(vm_peer_fill(peer, 22), OK);
    CHECK(holds(w, 2 * PAGE, 22)); /* its writes, seen here */
    fill(w, 2 * PAGE, 23);
    CHECK_EQ(vm_peer_hash(peer), fnv_hash((void *) w, 2 * PAGE));
    CHECK_ERR(vm_peer_release(peer), OK);
    CHECK(holds(w, 2 * PAGE, 23)); /* its unmap left ours */
    struct mem_info mi;
    CHECK_ERR(mem_info(h, &mi), OK);
    CHECK_EQ(mi.mappings, 1);
    end_peer(peer);
    CHECK_ERR(unmap(w, 2 * PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
}

/* Copying a memory handle to another task needs RIGHT_GRANT; moving it
 * does not. */
TEST(vm_memory_handle_copy_needs_grant) {
    handle_t peer = vm_peer();
    CHECK(peer > 0);
    handle_t h = mem_create(PAGE, 0);
    CHECK(h > 0);
    handle_t ro = handle_dup(h, RIGHT_MAP_READ, 0);
    CHECK(ro > 0);
    CHECK_VM_ERR(vm_peer_map(peer, ro, MSG_HANDLE_COPY, MAP_READ, PAGE, NULL),
                 ERR_NOT_PERMITTED);
    struct handle_info info;
    CHECK_ERR(handle_info(ro, &info), OK); /* still ours */
    handle_t grant = handle_dup(h, RIGHT_MAP_READ | RIGHT_GRANT, 0);
    uint64_t rights = 0;
    CHECK(vm_peer_map(peer, grant, MSG_HANDLE_COPY, MAP_READ, PAGE, &rights) >
          0);
    CHECK_EQ(rights, RIGHT_MAP_READ | RIGHT_GRANT);
    CHECK_ERR(handle_info(grant, &info), OK); /* a copy: both hold it */
    CHECK_ERR(vm_peer_release(peer), OK);
    CHECK(vm_peer_map(peer, ro, MSG_HANDLE_MOVE, MAP_READ, PAGE, &rights) > 0);
    CHECK_EQ(rights, RIGHT_MAP_READ);
    CHECK_ERR(handle_info(ro, &info), ERR_BAD_HANDLE); /* gone from us */
    end_peer(peer);
    CHECK_ERR(handle_close(h), OK);
    CHECK_ERR(handle_close(grant), OK);
}

/* A message buffer the kernel has seen, unmapped, is refused; the message
 * the failed call would have sent or received is still to come. */
TEST(vm_ipc_send_buffer_unmapped_after_use) {
    handle_t echo = echo_server();
    CHECK(echo > 0);
    int64_t a = anon_map(PAGE, RW);
    CHECK(a > 0);
    struct message *m = (struct message *) a;
    *m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_send(echo, m), OK);
    CHECK_ERR(unmap(a, PAGE), OK);
    CHECK_ERR(ipc_send(echo, m), ERR_BAD_POINTER);
    CHECK_ERR(ipc_call(echo, m), ERR_BAD_POINTER);
    struct message ok = {.type = ECHO_ADD};
    ok.words[0] = 1;
    CHECK_ERR(ipc_call(echo, &ok), OK);
    CHECK_EQ(ok.words[0], 2);
    CHECK_EQ(ok.words[ECHO_COUNT_WORD], 2); /* the refused ones never came */
    end_peer(echo);
}

TEST(vm_ipc_call_buffer_unmapped_after_use) {
    handle_t echo = echo_server();
    CHECK(echo > 0);
    int64_t a = anon_map(PAGE, RW);
    CHECK(a > 0);
    struct message *m = (struct message *) (a + 512);
    *m = (struct message){.type = ECHO_ADD};
    m->words[0] = 5;
    CHECK_ERR(ipc_call(echo, m), OK);
    CHECK_EQ(m->words[0], 6);
    CHECK_ERR(unmap(a, PAGE), OK);
    CHECK_ERR(ipc_call(echo, m), ERR_BAD_POINTER);
    struct message ok = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(echo, &ok), OK);
    CHECK_EQ(ok.words[ECHO_COUNT_WORD], 2);
    end_peer(echo);
}

TEST(vm_ipc_receive_buffer_unmapped_after_use) {
    handle_t self = self_handle();
    handle_t sender = spawn_peer_with(CHILD_SENDER, 2 | (7 << 8),
                                      TEST_PRIORITY - 1, 1, &self, PEER_MEMORY);
    CHECK(sender > 0);
    task_t from = task_id_of(sender);
    int64_t a = anon_map(PAGE, RW);
    CHECK(a > 0);
    struct message *m = (struct message *) a;
    CHECK_ERR(ipc_recv(from, m), OK);
    CHECK_EQ(m->words[0], 7);
    CHECK_EQ(m->words[1], 0);
    CHECK_ERR(unmap(a, PAGE), OK);
    CHECK_ERR(ipc_recv_timeout(from, m, 1000), ERR_BAD_POINTER);
    struct message ok;
    CHECK_ERR(ipc_recv_timeout(from, &ok, 1000), OK);
    CHECK_EQ(ok.words[1], 1); /* the second message, not lost */
    CHECK_EQ(exit_code_of(sender), 0);
}

/* Never used before it went: refused too, for each direction. */
TEST(vm_ipc_buffer_unmapped_before_use) {
    handle_t echo = echo_server();
    CHECK(echo > 0);
    int64_t a = anon_map(2 * PAGE, RW);
    CHECK(a > 0);
    CHECK_ERR(unmap(a, 2 * PAGE), OK);
    struct message *m = (struct message *) a;
    CHECK_ERR(ipc_send(echo, m), ERR_BAD_POINTER);
    CHECK_ERR(ipc_call(echo, m), ERR_BAD_POINTER);
    CHECK_ERR(ipc_recv_timeout(IPC_ANY, m, 100), ERR_BAD_POINTER);
    /* One that spans two pages, the second of them gone. */
    CHECK_EQ(anon_map_at(a, PAGE, RW), a);
    m = (struct message *) (a + PAGE - 40);
    *(volatile int32_t *) &m->type = ECHO_ADD;
    CHECK_ERR(ipc_call(echo, m), ERR_BAD_POINTER);
    CHECK_ERR(unmap(a, PAGE), OK);
    struct message ok = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(echo, &ok), OK);
    CHECK_EQ(ok.words[ECHO_COUNT_WORD], 1);
    end_peer(echo);
}

/* A buffer that spans two pages, used, then its second page unmapped. */
TEST(vm_ipc_straddling_buffer_unmapped_after_use) {
    handle_t echo = echo_server();
    CHECK(echo > 0);
    int64_t a = anon_map(2 * PAGE, RW);
    CHECK(a > 0);
    struct message *m = (struct message *) (a + PAGE - 40);
    *m = (struct message){.type = ECHO_ADD};
    CHECK_ERR(ipc_call(echo, m), OK);
    CHECK_ERR(unmap(a + PAGE, PAGE), OK);
    CHECK_ERR(ipc_call(echo, m), ERR_BAD_POINTER);
    CHECK_ERR(unmap(a, PAGE), OK);
    struct message ok = {.type = ECHO_ADD};
    CHECK_ERR(ipc_call(echo, &ok), OK);
    CHECK_EQ(ok.words[ECHO_COUNT_WORD], 2);
    end_peer(echo);
}

/* New memory at the old buffer's address: the message is read from and
 * written to the new page, not the old one. */
TEST(vm_ipc_buffer_remapped_at_the_same_address) {
    handle_t echo = echo_server();
    CHECK(echo > 0);
    CHECK_EQ(anon_map_at(FIXED, PAGE, RW), FIXED);
    struct message *m = (struct message *) FIXED;
    *m = (struct message){.type = ECHO_ADD};
    m->words[0] = 5;
    CHECK_ERR(ipc_call(echo, m), OK);
    CHECK_EQ(m->words[0], 6);
    CHECK_ERR(unmap(FIXED, PAGE), OK);
    handle_t h = mem_create(PAGE, 0);
    CHECK(h > 0);
    CHECK_EQ(vm_map(h, 0, (void *) FIXED, PAGE, RW), FIXED);
    CHECK(zeroed(FIXED, PAGE));
    *m = (struct message){.type = ECHO_ADD};
    m->words[0] = 7;
    CHECK_ERR(ipc_call(echo, m), OK);
    CHECK_EQ(m->type, ECHO_ADD);
    CHECK_EQ(m->words[0], 8);
    CHECK_EQ(m->words[ECHO_COUNT_WORD], 2);
    end_peer(echo);
    CHECK_ERR(unmap(FIXED, PAGE), OK);
    CHECK_ERR(handle_close(h), OK);
}

/* A receive buffer the kernel saw writable, now a read-only page: the
 * message is not written there. */
TEST(vm_ipc_receive_buffer_remapped_read_only) {
    handle_t self = self_handle();
    handle_t sender = spawn_peer_with(CHILD_SENDER, 2 | (7 << 8),
                                      TEST_PRIORITY - 1, 1, &self, PEER_MEMORY);
    CHECK(sender > 0);
    task_t from = task_id_of(sender);
    CHECK_EQ(anon_map_at(FIXED, PAGE, RW), FIXED);
    struct message *m = (struct message *) FIXED;
    CHECK_ERR(ipc_recv(from, m), OK);
    CHECK_ERR(unmap(FIXED, PAGE), OK);
    CHECK_EQ(anon_map_at(FIXED, PAGE, MAP_READ), FIXED);
    CHECK_ERR(ipc_recv_timeout(from, m, 1000), ERR_BAD_POINTER);
    CHECK(zeroed(FIXED, PAGE));
    struct message ok;
    CHECK_ERR(ipc_recv_timeout(from, &ok, 1000), OK);
    CHECK_EQ(ok.words[1], 1);
    CHECK_EQ(exit_code_of(sender), 0);
}
