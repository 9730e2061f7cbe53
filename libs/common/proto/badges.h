#pragma once

/*
 * Who mints which badges. The name server mints the badges of lookups,
 * 1, 2, ... for each registration, all below BADGE_LOOKUP_END (it mints
 * no more once a registration reaches it). The badges from
 * BADGE_LOOKUP_END up are minted by whoever started a server, from its
 * own unbadged handle to it (init, or the test task for the servers it
 * starts), to carry an authority: a server that sees one knows that it
 * did not come from a lookup. Each protocol says which it accepts
 * (NAME_BADGE_* in <resea/name.h>, CONSOLE_PORT_BADGE in
 * <proto/console.h>).
 */
#define BADGE_LOOKUP_END (1ull << 62)
