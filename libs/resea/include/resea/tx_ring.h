#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <proto/console.h>
#include <stdint.h>

/*
 * A terminal's output queue: the bytes waiting for the UART. Pure C (the
 * console server uses it; the host tests cover it).
 *
 * A write is all or nothing: text that does not fit, with "\n" turned into
 * "\r\n", is not queued at all, so no line is ever cut. What the console
 * refused to a writer that will not retry is counted as lost, and once the
 * ring has drained to TX_LOW_WATER (or before the next text that fits), a
 * notice "(N characters lost)" is queued on a line of its own, in the
 * place of what was lost. Characters are counted as UTF-8 characters.
 */
#define TX_RING 8192
/* Drained this far, a ring has room for any write (two bytes per byte of
 * CONSOLE_WRITE_MAX, and a notice): writers that were refused are told. */
#define TX_LOW_WATER 2048
#define TX_NOTICE_MAX 48 /* "\r\n(N characters lost)\r\n" */

struct tx_ring {
    char buf[TX_RING];
    unsigned head, count;
    uint64_t lost;      /* refused characters not yet reported */
    bool at_line_start; /* the last byte queued ends a line (or none yet) */
    bool refused;       /* a write was refused since it was last drained */
};

void tx_init(struct tx_ring *r);
/* Queue text whole, with the notice owed before it; false: nothing
 * queued. */
bool tx_put(struct tx_ring *r, const char *s, size_t len);
/* Count text that was refused, to report it (tx_put failed). */
void tx_lose(struct tx_ring *r, const char *s, size_t len);
/* The next byte to send; false when empty. */
bool tx_pop(struct tx_ring *r, char *c);
/* After sending: at TX_LOW_WATER or below, queue the notice owed, and say
 * whether a write was refused since (once: writers waiting may retry). */
bool tx_drained(struct tx_ring *r);
