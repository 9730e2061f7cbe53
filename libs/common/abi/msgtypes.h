#pragma once
/*
 * The protocols' message types and notification bits are generated from
 * the files in libs/common/idl into <idl.h> (docs/idl.md). Types below 16 are
 * the kernel's (message.h); a task's own private protocol may use ids
 * from MSG_USER up.
 */
#include <message.h>

#define MSG_USER 1000 /* first id free for a task's private protocol */
