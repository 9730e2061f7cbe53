#include <resea/cmdline.h>
#include <string.h>

/* The word starting at p ends at a space or the end of the string. */
static size_t word_len(const char *p) {
    size_t n = 0;
    while (p[n] && p[n] != ' ')
        n++;
    return n;
}

/* The first word that is `name` (a flag) or, with `is_key`, starts with
 * `name=`: a pointer just past the name, or NULL. */
static const char *find_word(const char *cmdline, const char *name,
                             bool is_key) {
    size_t len = strlen(name);
    for (const char *p = cmdline; *p;) {
        size_t n = word_len(p);
        if (n >= len && !strncmp(p, name, len) &&
            (is_key ? n > len && p[len] == '=' : n == len))
            return p + len;
        p += n;
        while (*p == ' ')
            p++;
    }
    return NULL;
}

bool cmdline_flag(const char *cmdline, const char *word) {
    return *word && find_word(cmdline, word, false);
}

uint64_t cmdline_u64(const char *cmdline, const char *key, uint64_t fallback) {
    const char *p = *key ? find_word(cmdline, key, true) : NULL;
    if (!p)
        return fallback;
    p++; /* the '=' */
    size_t n = word_len(p);
    uint64_t value = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned digit = (unsigned) (p[i] - '0');
        if (digit > 9 || value > (UINT64_MAX - digit) / 10)
            return fallback;
        value = value * 10 + digit;
    }
    return n ? value : fallback;
}

bool cmdline_word(const char *cmdline, const char *key, char *out,
                  size_t size) {
    const char *p = *key ? find_word(cmdline, key, true) : NULL;
    if (!p || size == 0)
        return false;
    p++; /* the '=' */
    size_t n = word_len(p);
    if (n >= size)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    return true;
}
