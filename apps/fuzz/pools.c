/* Where a worker's arguments come from. */
#include "worker.h"
#include <bootfs.h>
#include <layout.h>

#define PAGE 4096ull
#define KERNEL_ADDR 0xffffffff80100000ull
#define DIRECT_MAP 0xffff800000000000ull
#define NONCANONICAL 0x0000800000000000ull
#define IDS_REMEMBERED 16

__attribute__((aligned(4096))) uint8_t arena[ARENA_SIZE];
static const uint8_t rodata_block[256] = {1};

static task_t ids[IDS_REMEMBERED];
static unsigned next_id;

void track(int64_t h) {
    struct handle_info info;
    if (h <= 0 || h >= HANDLE_MAX)
        return;
    if (handle_info((handle_t) h, &info) != OK)
        info.kind = KOBJ_NONE; /* gone (moved away, say) */
    w.held[h] = (struct held){info.kind, info.rights, info.task_id};
    if (info.kind == KOBJ_TASK)
        remember_id(info.task_id);
}

void untrack(int64_t h) {
    if (h > 0 && h < HANDLE_MAX)
        w.held[h].kind = KOBJ_NONE;
}

handle_t held_handle(int kind) {
    handle_t start = 1 + rnd_below(HANDLE_MAX - 1);
    for (handle_t i = 0; i < HANDLE_MAX - 1; i++) {
        handle_t h = 1 + (start + i - 1) % (HANDLE_MAX - 1);
        if (w.held[h].kind && (!kind || w.held[h].kind == kind))
            return h;
    }
    return 0;
}

handle_t free_index(void) {
    for (handle_t h = 1; h < HANDLE_MAX; h++) {
        if (!w.held[h].kind)
            return h;
    }
    return HANDLE_MAX - 1;
}

uint64_t pick_handle(int kind) {
    switch (rnd_below(16)) {
    case 0:
        return free_index(); /* closed, or never used */
    case 1: {
        static const int64_t odd[] = {
            0, -1, HANDLE_MAX, HANDLE_MAX + 1, INT32_MIN, INT32_MAX, 255, 256};
        return (uint64_t) odd[rnd_below(sizeof(odd) / sizeof(odd[0]))];
    }
    case 2: /* a held handle with high bits set: must not be accepted */
        return (rnd() << 32) | (uint64_t) held_handle(0);
    case 3:
        return held_handle(0);
    default: {
        handle_t h = held_handle(kind);
        return h ? (uint64_t) h : held_handle(0);
    }
    }
}

void remember_id(task_t id) { ids[next_id++ % IDS_REMEMBERED] = id; }

task_t pick_id(void) {
    switch (rnd_below(8)) {
    case 0:
        return w.self;
    case 1:
        return w.coordinator;
    case 2:
        return (task_t) rnd_below(0x400); /* small: some live, some not */
    case 3:
        return (task_t) rnd();
    default:
        return ids[rnd_below(IDS_REMEMBERED)];
    }
}

task_t pick_kill_id(void) {
    /* task_kill_id takes any id with a spawn handle until the authority
     * work restricts it: keep it to the workers' own tasks (slots from
     * free_slot on), stale ids and ids that name nothing. */
    for (;;) {
        task_t id = pick_id();
        if ((id & 0xff) >= w.free_slot && id != w.coordinator)
            return id;
    }
}

static uint64_t in_arena(uint64_t len) {
    uint64_t room = len < ARENA_SIZE ? ARENA_SIZE - len : 0;
    return (uint64_t) arena + rnd_below(room + 1);
}

/* Where our program's memory ends, from its ELF image in the boot image. */
static uint64_t image_end(void) {
    static uint64_t end;
    const struct bootfs_entry *e = bootfs_find((void *) BOOTFS_ADDR, "fuzz");
    uint64_t file_end;
    if (!end && e)
        elf_extent(bootfs_data((void *) BOOTFS_ADDR, e), e->size, &file_end,
                   &end);
    return end;
}

/* Mapped pages followed by an unmapped one: a range starting before
 * their end and running past it. */
static uint64_t across_end(uint64_t len, bool write) {
    const struct bootfs_header *bh = (const void *) BOOTFS_ADDR;
    uint64_t end;
    if (write && one_in(2))
        end = (image_end() + PAGE - 1) & ~(PAGE - 1);
    else if (write)
        end = USER_STACK_TOP;
    else
        end = BOOTFS_ADDR + ((bh->total_size + PAGE - 1) & ~(PAGE - 1));
    uint64_t back = len > 1 ? 1 + rnd_below(len - 1) : 1;
    return end - back;
}

static uint64_t unmapped(void) {
    static const uint64_t addrs[] = {
        0,
        USER_SPACE_START,
        USER_IMAGE_BASE - PAGE,
        0x40000000,
        USER_STACK_TOP - USER_STACK_SIZE - PAGE,
        USER_SPACE_END - PAGE,
    };
    return addrs[rnd_below(sizeof(addrs) / sizeof(addrs[0]))] + rnd_below(PAGE);
}

uint64_t arena_before(uint64_t p, uint64_t back) {
    uint64_t room = p - (uint64_t) arena;
    return p - (back < room ? back : room);
}

uint64_t pick_ptr(uint64_t len, bool write) {
    switch (rnd_below(32)) {
    case 0:
    case 1:
        return one_in(2) ? (uint64_t) rodata_block : BOOTFS_ADDR + 64;
    case 2:
        return unmapped();
    case 3:
    case 4:
        return across_end(len, write);
    case 5:
        return one_in(2) ? KERNEL_ADDR + rnd_below(PAGE) : DIRECT_MAP;
    case 6:
        return one_in(2) ? NONCANONICAL + rnd_below(PAGE)
                         : USER_SPACE_END - 1 - rnd_below(64);
    case 7:
        return rnd();
    case 8:
    case 9: /* across a page boundary inside the arena: valid */
        return (uint64_t) arena + PAGE * (1 + rnd_below(4)) -
               rnd_below(len < PAGE ? len + 1 : PAGE);
    default:
        return in_arena(len);
    }
}

uint64_t pick_len(uint64_t max_ok) {
    switch (rnd_below(12)) {
    case 0:
        return 0;
    case 1:
        return max_ok;
    case 2:
        return max_ok + 1;
    case 3:
        return pick_value();
    case 4:
        return PAGE + rnd_below(3) - 1;
    default:
        return 1 + rnd_below(max_ok < 256 ? max_ok : 256);
    }
}

uint64_t pick_value(void) {
    uint64_t v;
    switch (rnd_below(8)) {
    case 0:
        return rnd();
    case 1: /* 2^k + {-1, 0, 1} */
        return (1ull << rnd_below(64)) + rnd_below(3) - 1;
    case 2:
        return -(uint64_t) rnd_below(16);
    case 3:
        v = rnd_below(64);
        return (rnd() << 32) | v;
    default:
        return rnd_below(64);
    }
}

/* Mostly short: when every worker waits, the machine idles, and idle
 * time costs QEMU as much as work. */
int64_t pick_timeout(void) {
    switch (rnd_below(64)) {
    case 0:
        return IPC_FOREVER;
    case 1: {
        static const int64_t bad[] = {-2, INT64_MIN, IPC_TIMEOUT_MAX + 1};
        return bad[rnd_below(3)];
    }
    case 2:
        return 5 + (int64_t) rnd_below(20);
    default:
        return one_in(3) ? 1 + (int64_t) rnd_below(3) : IPC_POLL;
    }
}
