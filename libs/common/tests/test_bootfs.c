#include <stdlib.h>
#include <string.h>
#include "bootfs.h"
#include "check.h"

/*
 * The valid image, written byte by byte at the documented offsets so a
 * layout change in bootfs.h shows up here too:
 *   header (16 bytes), 3 entries (48 bytes each),
 *   "init" at 0x1000 (100 bytes), "console" at 0x2000 (4096 bytes),
 *   "hello" at 0x3000 (5 bytes); total_size 0x3005.
 */
#define IMAGE_BUF 0x4000
#define TOTAL 0x3005u
#define HDR_SIZE 16
#define ENTRY_SIZE 52
#define ENTRY(i) (HDR_SIZE + (i) *ENTRY_SIZE)
#define E_OFFSET 32
#define E_SIZE 36
#define E_FLAGS 40
#define E_PRIO 44

static _Alignas(4096) unsigned char img[IMAGE_BUF];

static void put32(unsigned char *p, uint32_t off, uint32_t v) {
    for (int i = 0; i < 4; i++)
        p[off + i] = (unsigned char) (v >> (8 * i));
}

static void put_entry(unsigned char *p, int i, const char *name, uint32_t off,
                      uint32_t size, uint32_t flags, uint32_t prio) {
    memset(p + ENTRY(i), 0, ENTRY_SIZE);
    memcpy(p + ENTRY(i), name, strlen(name));
    put32(p, ENTRY(i) + E_OFFSET, off);
    put32(p, ENTRY(i) + E_SIZE, size);
    put32(p, ENTRY(i) + E_FLAGS, flags);
    put32(p, ENTRY(i) + E_PRIO, prio);
}

static void put_header(unsigned char *p, uint32_t count, uint32_t total) {
    put32(p, 0, BOOTFS_MAGIC);
    put32(p, 4, BOOTFS_VERSION);
    put32(p, 8, count);
    put32(p, 12, total);
}

/* Builds the valid image in img and checks that it is accepted. */
static void build_valid(void) {
    memset(img, 0, sizeof(img));
    put_header(img, 3, TOTAL);
    put_entry(img, 0, "init", 0x1000, 100, 0, 3);
    put_entry(img, 1, "console", 0x2000, 0x1000, BOOTFS_AUTOSTART, 5);
    put_entry(img, 2, "hello", 0x3000, 5, BOOTFS_AUTOSTART, 7);
    for (uint32_t i = 0; i < 100; i++)
        img[0x1000 + i] = (unsigned char) i;
    memcpy(img + 0x3000, "hello", 5);
    CHECK_ERR(bootfs_check(img, IMAGE_BUF), OK);
}

#define EXPECT_BAD(size) CHECK_ERR(bootfs_check(img, size), ERR_BAD_IMAGE)

TEST(bootfs_valid_accepted) {
    build_valid();
    CHECK_ERR(bootfs_check(img, TOTAL), OK);
    CHECK_INT_EQ(bootfs_count(img), 3);
}

TEST(bootfs_find_and_entry_at) {
    build_valid();
    const struct bootfs_entry *init = bootfs_find(img, "init");
    const struct bootfs_entry *console = bootfs_find(img, "console");
    const struct bootfs_entry *hello = bootfs_find(img, "hello");
    CHECK(init == bootfs_entry_at(img, 0));
    CHECK(console == bootfs_entry_at(img, 1));
    CHECK(hello == bootfs_entry_at(img, 2));
    CHECK(bootfs_entry_at(img, 3) == NULL);
    CHECK(bootfs_entry_at(img, UINT32_MAX) == NULL);
    CHECK_STR_EQ(console->name, "console");
    CHECK_INT_EQ(console->offset, 0x2000);
    CHECK_INT_EQ(console->size, 0x1000);
    CHECK_INT_EQ(console->flags, BOOTFS_AUTOSTART);
    CHECK_INT_EQ(console->priority, 5);
    CHECK(memcmp(bootfs_data(img, hello), "hello", 5) == 0);
    CHECK(bootfs_data(img, init) == img + 0x1000);
}

TEST(bootfs_find_missing_names) {
    build_valid();
    CHECK(bootfs_find(img, "nope") == NULL);
    CHECK(bootfs_find(img, "ini") == NULL);   /* prefix of a name */
    CHECK(bootfs_find(img, "init2") == NULL); /* a name is its prefix */
    CHECK(bootfs_find(img, "") == NULL);
    CHECK(bootfs_find(img, NULL) == NULL);
    CHECK(bootfs_find(img, "a name far longer than BOOTFS_NAME_MAX bytes") ==
          NULL);
}

TEST(bootfs_rejects_short_or_null) {
    build_valid();
    for (size_t size = 0; size < HDR_SIZE; size++)
        EXPECT_BAD(size);
    CHECK_ERR(bootfs_check(NULL, IMAGE_BUF), ERR_BAD_IMAGE);
}

TEST(bootfs_rejects_bad_magic_or_version) {
    build_valid();
    img[0] ^= 1;
    EXPECT_BAD(IMAGE_BUF);
    build_valid();
    put32(img, 4, BOOTFS_VERSION + 1);
    EXPECT_BAD(IMAGE_BUF);
    put32(img, 4, 0);
    EXPECT_BAD(IMAGE_BUF);
}

/* Fills img with `count` valid empty files named "00".."99", 31 bytes. */
static void build_many(uint32_t count) {
    memset(img, 0, sizeof(img));
    put_header(img, count, 0x1000);
    char name[BOOTFS_NAME_MAX];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    for (uint32_t i = 0; i < count; i++) {
        name[0] = (char) ('0' + i % 10);
        name[1] = (char) ('0' + i / 10);
        put_entry(img, (int) i, name, 0x1000, 0, 0, 0);
    }
}

/* One entry too many, each of them valid on its own. */
TEST(bootfs_rejects_too_many_entries) {
    build_many(BOOTFS_MAX_ENTRIES + 1);
    CHECK_ERR(bootfs_check(img, 0x1000), ERR_BAD_IMAGE);
    put32(img, 8, UINT32_MAX);
    CHECK_ERR(bootfs_check(img, 0x1000), ERR_BAD_IMAGE);
}

/*
 * The header claims fewer bytes than its own entry table. Each copy has
 * exactly total_size bytes, so reading the table anyway trips ASan.
 */
TEST(bootfs_rejects_table_past_total_size) {
    const uint32_t counts[] = {1, 3};
    for (size_t c = 0; c < 2; c++) {
        const uint32_t totals[] = {HDR_SIZE, HDR_SIZE + 8,
                                   ENTRY(counts[c]) - 1};
        for (size_t t = 0; t < 3; t++) {
            build_valid();
            put_header(img, counts[c], totals[t]);
            unsigned char *p = malloc(totals[t]);
            memcpy(p, img, totals[t]);
            error_t err = bootfs_check(p, totals[t]);
            free(p);
            CHECK_ERR(err, ERR_BAD_IMAGE);
        }
    }
}

TEST(bootfs_rejects_total_size_over_size) {
    build_valid();
    EXPECT_BAD(TOTAL - 1);
    put32(img, 12, UINT32_MAX);
    EXPECT_BAD(IMAGE_BUF);
}

TEST(bootfs_rejects_entry_outside_image) {
    build_valid();
    put32(img, ENTRY(2) + E_SIZE, 6); /* one byte past total_size */
    EXPECT_BAD(IMAGE_BUF);
    build_valid();
    put32(img, ENTRY(2) + E_OFFSET, 0x4000); /* past total_size */
    put32(img, ENTRY(2) + E_SIZE, 0);
    EXPECT_BAD(IMAGE_BUF);
    build_valid();
    put32(img, ENTRY(2) + E_SIZE, UINT32_MAX);
    EXPECT_BAD(IMAGE_BUF);
}

/* offset + size wraps to 0x1000 in 32 bits. */
TEST(bootfs_rejects_offset_size_overflow) {
    build_valid();
    put32(img, ENTRY(1) + E_OFFSET, 0xfffff000u);
    put32(img, ENTRY(1) + E_SIZE, 0x2000);
    EXPECT_BAD(IMAGE_BUF);
}

TEST(bootfs_rejects_misaligned_offset) {
    build_valid();
    put32(img, ENTRY(0) + E_OFFSET, 0x1001);
    EXPECT_BAD(IMAGE_BUF);
    build_valid();
    put32(img, ENTRY(0) + E_OFFSET, 0x1800);
    EXPECT_BAD(IMAGE_BUF);
}

/* Offset 0 is aligned but would hand out the header as file data. */
TEST(bootfs_rejects_data_over_table) {
    build_valid();
    put32(img, ENTRY(0) + E_OFFSET, 0);
    EXPECT_BAD(IMAGE_BUF);
}

TEST(bootfs_rejects_bad_names) {
    build_valid();
    img[ENTRY(1)] = '\0'; /* empty */
    EXPECT_BAD(IMAGE_BUF);
    build_valid();
    memset(img + ENTRY(1), 'x', BOOTFS_NAME_MAX); /* no NUL in the field */
    EXPECT_BAD(IMAGE_BUF);
    build_valid();
    memcpy(img + ENTRY(2), "init", 5); /* duplicate of entry 0 */
    EXPECT_BAD(IMAGE_BUF);
}

/* Limits: 64 entries, 31-byte names, empty files at the very end. */
TEST(bootfs_accepts_limits) {
    build_many(BOOTFS_MAX_ENTRIES);
    CHECK_ERR(bootfs_check(img, 0x1000), OK);
    char name[BOOTFS_NAME_MAX];
    memcpy(name, img + ENTRY(63), sizeof(name));
    CHECK_INT_EQ(strlen(name), BOOTFS_NAME_MAX - 1);
    CHECK(bootfs_find(img, name) == bootfs_entry_at(img, 63));
    /* Two names that differ only in their last byte are distinct. */
    memcpy(img + ENTRY(1), img + ENTRY(0), BOOTFS_NAME_MAX);
    img[ENTRY(1) + BOOTFS_NAME_MAX - 2] = 'm';
    CHECK_ERR(bootfs_check(img, 0x1000), OK);
    img[ENTRY(1) + BOOTFS_NAME_MAX - 2] = 'n';
    CHECK_ERR(bootfs_check(img, 0x1000), ERR_BAD_IMAGE);
}

TEST(bootfs_rejects_misaligned_image) {
    build_valid();
    memmove(img + 1, img, IMAGE_BUF - 1);
    CHECK_ERR(bootfs_check(img + 1, IMAGE_BUF - 1), ERR_BAD_IMAGE);
}

/* Reads every byte an accepted image hands out, so ASan sees bad bounds;
   the sum goes to a volatile so the reads cannot be optimised away. */
static volatile unsigned sink;

static void touch_accepted(const unsigned char *p) {
    unsigned sum = 0;
    for (uint32_t i = 0; i < bootfs_count(p); i++) {
        const struct bootfs_entry *e = bootfs_entry_at(p, i);
        CHECK(bootfs_find(p, e->name) == e);
        sum += bootfs_serves(p, e, "console") + bootfs_serves_any(p, e);
        const unsigned char *data = bootfs_data(p, e);
        for (uint32_t j = 0; j < e->size; j++)
            sum += data[j];
    }
    sink = sum + bootfs_system_name(p, "console");
}

/* Interesting 32-bit values for the header and entry fields. */
static uint32_t fuzz_word(uint64_t *rng) {
    static const uint32_t special[] = {
        0,      1,          3,           4,           63,         64,
        65,     0xfff,      0x1000,      0x2000,      0x3000,     0x3005,
        0x4000, 0x7fffffff, 0x80000000u, 0xfffff000u, 0xffffffffu};
    return special[test_rand(rng) % (sizeof(special) / sizeof(special[0]))];
}

static void mutate(unsigned char *p, size_t size, uint64_t *rng) {
    unsigned n = 1 + (unsigned) (test_rand(rng) % 4);
    for (unsigned k = 0; k < n; k++) {
        uint64_t r = test_rand(rng);
        size_t meta = ENTRY(3); /* header and entry table */
        if (r % 3 == 0) {
            size_t at = (size_t) (r >> 8) % (meta / 4) * 4;
            put32(p, (uint32_t) at, fuzz_word(rng));
        } else if (r % 3 == 1) {
            p[(r >> 8) % meta] ^= (unsigned char) (1u << ((r >> 4) % 8));
        } else {
            p[(r >> 8) % size] = (unsigned char) (r >> 32);
        }
    }
}

TEST(bootfs_fuzz_mutations) {
    build_valid();
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    unsigned accepted = 0;
    for (int iter = 0; iter < 20000; iter++) {
        /* Exact-size heap copy: any read past `size` trips ASan. */
        size_t size = TOTAL + 8;
        if (test_rand(&rng) % 4 == 0)
            size = (size_t) (test_rand(&rng) % (TOTAL + 8));
        unsigned char *p = malloc(size ? size : 1);
        memcpy(p, img, size);
        if (size > ENTRY(3))
            mutate(p, size, &rng);
        if (bootfs_check(p, size) == OK) {
            accepted++;
            touch_accepted(p);
        }
        free(p);
    }
    /* Both outcomes must occur, or the fuzzing tests nothing. */
    CHECK(accepted > 100 && accepted < 19000);
}

/* Serve lists: "NAME.serves" holds NAME's names, each with its NUL. */
static void build_with_serves(void) {
    static const char console_list[] = "console\0log\0";
    memset(img, 0, sizeof(img));
    put_header(img, 5, 0x4000);
    put_entry(img, 0, "init", 0x1000, 100, 0, 3);
    put_entry(img, 1, "console", 0x1000, 100, BOOTFS_AUTOSTART, 5);
    put_entry(img, 2, "console.serves", 0x2000, sizeof(console_list) - 1, 0, 0);
    put_entry(img, 3, "chat.serves", 0x3000, 4, 0, 0); /* no NUL: nothing */
    put_entry(img, 4, "hello", 0x3000, 0, 0, 0);
    memcpy(img + 0x2000, console_list, sizeof(console_list) - 1);
    memcpy(img + 0x3000, "chat", 4);
    CHECK_ERR(bootfs_check(img, IMAGE_BUF), OK);
}

TEST(bootfs_serve_lists) {
    build_with_serves();
    const struct bootfs_entry *console = bootfs_find(img, "console");
    const struct bootfs_entry *hello = bootfs_find(img, "hello");
    CHECK(bootfs_serves(img, console, "console"));
    CHECK(bootfs_serves(img, console, "log"));
    CHECK(!bootfs_serves(img, console, "con"));
    CHECK(!bootfs_serves(img, console, "consoles"));
    CHECK(!bootfs_serves(img, console, ""));
    CHECK(!bootfs_serves(img, hello, "console"));
    CHECK(!bootfs_serves(img, NULL, "console"));
    CHECK(bootfs_serves_any(img, console));
    CHECK(!bootfs_serves_any(img, hello));
    CHECK(bootfs_system_name(img, "console"));
    CHECK(bootfs_system_name(img, "log"));
    CHECK(!bootfs_system_name(img, "chat")); /* its list has no NUL */
    CHECK(!bootfs_system_name(img, "hello"));
}

/* A 31-byte name has no room for a list: it serves nothing. */
TEST(bootfs_serve_list_of_a_long_name) {
    build_with_serves();
    put_entry(img, 4, "a-name-of-thirty-one-characters", 0x3000, 0, 0, 0);
    CHECK_ERR(bootfs_check(img, IMAGE_BUF), OK);
    const struct bootfs_entry *e = bootfs_entry_at(img, 4);
    CHECK(!bootfs_serves_any(img, e));
    CHECK(!bootfs_serves(img, e, "console"));
}
