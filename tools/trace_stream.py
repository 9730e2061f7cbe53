"""The trace stream: reading it, and writing one (for tests).

A stream is TRACE_STREAM_MAGIC, then 32-byte `struct trace_event` records
(libs/common/abi/trace.h), little-endian, ended by a record of kind
TRACE_STREAM_END whose `a` counts the records before it. A stream without
that record was cut short.
"""
import struct
from collections import namedtuple

from trace_abi import Abi

RECORD = struct.Struct("<QHHIIIII")  # struct trace_event
Event = namedtuple("Event", "offset tsc kind aux task peer a b c")


class StreamError(Exception):
    """A stream that cannot be read; the message names the offset."""


class Stream:
    """The records of a stream, and whether it was ended properly."""

    def __init__(self, events, complete, end_count):
        self.events = events
        self.complete = complete
        self.end_count = end_count  # `a` of the end record, None if cut


def read(data, abi):
    """Parse a stream's bytes; raises StreamError on anything malformed."""
    magic = abi.magic
    if not data.startswith(magic):
        raise StreamError(f"offset 0: bad magic {data[:len(magic)]!r} "
                          f"(expected {magic!r})")
    events, off = [], len(magic)
    while off < len(data):
        if len(data) - off < RECORD.size:
            raise StreamError(f"offset {off}: partial record of "
                              f"{len(data) - off} bytes (records are {RECORD.size})")
        e = Event(off, *RECORD.unpack_from(data, off))
        if e.kind == abi.stream_end:
            if off + RECORD.size != len(data):
                raise StreamError(f"offset {off + RECORD.size}: data after the end record")
            return Stream(events, True, e.a)
        if e.kind not in abi.kinds:
            raise StreamError(f"offset {off}: unknown event kind {e.kind} "
                              f"(not in TRACE_EVENT_LIST)")
        events.append(e)
        off += RECORD.size
    return Stream(events, False, None)


def name_words(name):
    """A task name as the four-word parts of TRACE_NAME (part 1: bytes 16..31)."""
    raw = name.encode()[:31].ljust(32, b"\0")
    words = struct.unpack("<8I", raw)
    return [words[:4]] + ([words[4:]] if any(words[4:]) else [])


class Writer:
    """Builds a stream record by record; each method takes the time stamp
    first and the fields as trace.h names them."""

    def __init__(self, abi=None):
        self.abi = abi or Abi()
        self.data = bytearray(self.abi.magic)
        self.count = 0

    def record(self, tsc, kind, task=0, peer=0, a=0, b=0, c=0, aux=0):
        kind = self.abi.kind(kind) if isinstance(kind, str) else kind
        self.data += RECORD.pack(tsc, kind, aux, task, peer, a & 0xffffffff,
                                 b & 0xffffffff, c & 0xffffffff)
        if kind != self.abi.stream_end:
            self.count += 1
        return self

    def end(self, tsc):
        return self.record(tsc, self.abi.stream_end, a=self.count)

    def bytes(self):
        return bytes(self.data)

    def _block(self, name):
        return next(v for v, n in self.abi.block_reasons.items() if n == name)

    # One method per kind, so a test reads like the kernel's trace.
    def overflow(self, tsc, lost):
        return self.record(tsc, "TRACE_OVERFLOW", a=lost, b=lost >> 32)

    def clock(self, tsc, ms, hz=100):
        return self.record(tsc, "TRACE_CLOCK", a=ms, b=ms >> 32, c=hz)

    def name(self, tsc, task, name):
        for part, (p, a, b, c) in enumerate(name_words(name)):
            self.record(tsc, "TRACE_NAME", task, p, a, b, c, aux=part)
        return self

    def switch(self, tsc, prev, nxt, why="BLOCK_NONE", state=1):
        return self.record(tsc, "TRACE_SWITCH", prev, nxt, self._block(why), state)

    def block(self, tsc, task, why, peer=0, timeout_ms=-1):
        return self.record(tsc, "TRACE_BLOCK", task, peer, self._block(why), timeout_ms)

    def wake(self, tsc, task, waker=0, result=0):
        return self.record(tsc, "TRACE_WAKE", task, waker, result)

    def send(self, tsc, task, peer, type_, ool=0, flags=0):
        return self.record(tsc, "TRACE_SEND", task, peer, type_, ool, flags)

    def call(self, tsc, task, peer, type_, ool=0, flags=0):
        return self.record(tsc, "TRACE_CALL", task, peer, type_, ool, flags)

    def reply(self, tsc, task, peer, type_, ool=0, flags=0):
        return self.record(tsc, "TRACE_REPLY", task, peer, type_, ool, flags)

    def ipc_return(self, tsc, task, peer=0, result=0, flags=0, type_=0):
        return self.record(tsc, "TRACE_IPC_RETURN", task, peer, result, flags, type_)

    def notify(self, tsc, task, peer, bits):
        return self.record(tsc, "TRACE_NOTIFY", task, peer, bits, bits >> 32)

    def timer(self, tsc, task):
        return self.record(tsc, "TRACE_TIMER", task)

    def irq(self, tsc, task, line):
        return self.record(tsc, "TRACE_IRQ", task, a=line)

    def create(self, tsc, task, new_task, priority):
        return self.record(tsc, "TRACE_TASK_CREATE", task, new_task, priority)

    def exit(self, tsc, task, reason=1, code=0):
        return self.record(tsc, "TRACE_TASK_EXIT", task, 0, reason, code, code >> 32)

    def fault(self, tsc, task, reason, addr):
        return self.record(tsc, "TRACE_TASK_FAULT", task, 0, reason, addr, addr >> 32)

    def handle(self, tsc, task, peer, kind, rights, moved=True):
        return self.record(tsc, "TRACE_HANDLE", task, peer, kind, rights, int(moved))
