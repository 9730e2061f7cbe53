#pragma once
#include <error.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Terminal leases: the badges the console mints for itself, on behalf of
 * a port's owner. A lease badge names its port, its slot in that port's
 * table and the slot's generation, which revoking advances: a badge of a
 * revoked lease never matches again, even once the slot is lent anew (the
 * generation wraps after 2^32 leases of one slot).
 */
#define LEASE_OWNER 0x80 /* rights of the owner's handle: all, and lending */

/* Who a request came from: the port its badge is for and what it may do;
 * ERR_NOT_PERMITTED if the badge is no port's (a lookup, a revoked
 * lease). */
error_t lease_check(uint64_t badge, int *port, uint8_t *rights);
/* A new lease of port with these rights: its badge. ERR_FULL. */
error_t lease_new(int port, uint8_t rights, uint64_t *badge);
/* End the lease whose badge is given, if it is one of port's live ones. */
error_t lease_end(int port, uint64_t badge);
/* The live lease in slot i of port, if any: its badge, else 0. */
uint64_t lease_badge(int port, int i);
