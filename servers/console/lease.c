#include "lease.h"
#include <proto/console.h>
#include <stddef.h>

/* Bits of a lease badge above CONSOLE_PORT_BADGE(0): a flag no owner's
 * badge has, the generation, the slot, the port. */
#define LEASE_FLAG (1ull << 61)
#define GEN_SHIFT 16
#define SLOT_SHIFT 8

struct lease {
    uint32_t gen;
    uint8_t rights; /* 0: free */
};

static struct lease leases[CONSOLE_PORTS][CONSOLE_LEASES];

static uint64_t badge_of(int port, int slot) {
    return CONSOLE_PORT_BADGE(0) | LEASE_FLAG |
           (uint64_t) leases[port][slot].gen << GEN_SHIFT |
           (uint64_t) slot << SLOT_SHIFT | (uint64_t) port;
}

/* The live lease a badge names, or NULL. */
static struct lease *find(uint64_t badge, int *port) {
    if (!(badge & LEASE_FLAG) || badge < CONSOLE_PORT_BADGE(0))
        return NULL;
    uint64_t p = badge & 0xff, slot = (badge >> SLOT_SHIFT) & 0xff;
    if (p >= CONSOLE_PORTS || slot >= CONSOLE_LEASES)
        return NULL;
    struct lease *l = &leases[p][slot];
    if (!l->rights || badge != badge_of(p, slot))
        return NULL;
    *port = p;
    return l;
}

error_t lease_check(uint64_t badge, int *port, uint8_t *rights) {
    if (badge >= CONSOLE_PORT_BADGE(0) &&
        badge < CONSOLE_PORT_BADGE(CONSOLE_PORTS)) {
        *port = badge - CONSOLE_PORT_BADGE(0);
        *rights = LEASE_OWNER | CONSOLE_LEASE_READ | CONSOLE_LEASE_WRITE;
        return OK;
    }
    struct lease *l = find(badge, port);
    if (!l)
        return ERR_NOT_PERMITTED;
    *rights = l->rights;
    return OK;
}

error_t lease_new(int port, uint8_t rights, uint64_t *badge) {
    for (int i = 0; i < CONSOLE_LEASES; i++) {
        if (!leases[port][i].rights) {
            leases[port][i].rights = rights;
            *badge = badge_of(port, i);
            return OK;
        }
    }
    return ERR_FULL;
}

error_t lease_end(int port, uint64_t badge) {
    int p;
    struct lease *l = find(badge, &p);
    if (!l || p != port)
        return ERR_NOT_FOUND;
    l->rights = 0;
    l->gen++; /* its badge is dead for good */
    return OK;
}

uint64_t lease_badge(int port, int i) {
    return leases[port][i].rights ? badge_of(port, i) : 0;
}
