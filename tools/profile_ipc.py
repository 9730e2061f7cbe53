#!/usr/bin/env python3
"""Where one IPC round trip spends its guest instructions, function by function.

Usage: profile_ipc.py QEMU_COMMAND...   (`make profile` runs it)

Boots the benchmark image halted with QEMU's gdb stub, lets gdb stop in the
benchmark's round_trip() loop (its second use: the 2000 plain round trips),
single-steps a few thousand instructions and prints, for the instructions
from one call's entry into the kernel to the next, how many ran in each
function (kernel and benchmark task). Single steps run with interrupts
masked, so the count is that of `BENCH ipc_round_trip`: the same every run.
Needs gdb (Debian package gdb).
"""
import bisect
import collections
import os
import shutil
import socket
import subprocess
import sys
import tempfile

KERNEL_ELF = "build/kernel.elf"
TASK_ELF = "build/bench.elf"
STEPS = 4000
USER_END = 0x0000800000000000

GDB_SCRIPT = """
import gdb
gdb.execute("set pagination off")
gdb.execute("file {task}")
gdb.execute("target remote :{port}")
gdb.execute("hbreak round_trip")
gdb.execute("continue")  # the warm-up
gdb.execute("continue")  # the measured loop
gdb.execute("delete")
with open("{out}", "w") as f:
    for _ in range({steps}):
        gdb.execute("stepi", to_string=True)
        f.write("%x\\n" % (int(gdb.parse_and_eval("$pc")) & (2**64 - 1)))
gdb.execute("kill")
"""


def symbols(elf):
    out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True,
                         check=True).stdout
    table = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            table.append((int(parts[0], 16), parts[2]))
    return table


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trace(qemu_cmd, path):
    port = free_port()
    qemu = subprocess.Popen(qemu_cmd + ["-S", "-gdb", f"tcp:127.0.0.1:{port}"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".py") as script:
            script.write(GDB_SCRIPT.format(task=TASK_ELF, port=port, out=path,
                                           steps=STEPS))
            script.flush()
            subprocess.run(["gdb", "-batch", "-nx", "-x", script.name],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=600, check=False)
    finally:
        qemu.kill()
        qemu.wait()


def one_round_trip(rips, entry):
    """From a call's kernel entry to the client's next one (two syscalls)."""
    entries = [i for i, rip in enumerate(rips) if rip == entry]
    if len(entries) < 5:
        sys.exit("profile: the trace holds no full round trip")
    return rips[entries[2]:entries[4]]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: profile_ipc.py QEMU_COMMAND...")
    if not shutil.which("gdb"):
        sys.exit("profile: gdb is missing: install gdb")
    kernel, task = symbols(KERNEL_ELF), symbols(TASK_ELF)
    entry = next(addr for addr, name in kernel if name == "syscall_entry")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "rips")
        trace(sys.argv[1:], path)
        with open(path) as f:
            rips = [int(line, 16) for line in f if line.strip()]
    window = one_round_trip(rips, entry)

    def name_of(rip):
        table = task if rip < USER_END else kernel
        i = bisect.bisect_right([addr for addr, _ in table], rip) - 1
        where = "user" if rip < USER_END else "kernel"
        return f"{where}:{table[i][1] if i >= 0 else '?'}"

    counts = collections.Counter(name_of(rip) for rip in window)
    print(f"one round trip (call + reply and receive): {len(window)} instructions")
    for name, n in counts.most_common():
        print(f"{n:6d}  {name}")


if __name__ == "__main__":
    main()
