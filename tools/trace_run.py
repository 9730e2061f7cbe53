#!/usr/bin/env python3
"""Boot a traced system, play a scenario on its terminals, collect the trace.

Usage: trace_run.py --build DIR [--out FILE] [--scenario NAME] [--seconds N]
                    [--qemu QEMU] [--memory MIB] [--test]

DIR holds a build with CONFIG_TRACE whose boot tasks include the trace task
(`make trace-build` makes one in build/trace). QEMU gets COM1..COM3 as
terminals on local sockets, and its debug console (isa-debugcon, port 0xe9)
writes the trace task's stream (libs/common/abi/trace.h) to FILE (default
DIR/../trace.bin).

Scenarios, played on the shells' terminals when the boot has shells:
  full  (default) the chat between two terminals (COM2 and COM3), a name
        listing on COM1, and the async producer and consumer (asyncdemo)
  short the chat only: what `make test` records
Then `trace stop` on COM1 ends the recording, the trace task ends its
stream, and QEMU is stopped. A boot without shells (TRACE_TASKS chose
other tasks) is recorded for --seconds (default 5) and cut there.

--test is for the harness of `make test`: it runs the test task's trace_*
cases in the traced kernel, records the scenario, converts the stream
(tools/trace.py) and checks the result (tools/trace_check.py), printing
`PASS <name>` or `FAIL <name>: <reason>` for each.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from console_tests import Terminal, alice_and_bob_talk

TOOLS = Path(__file__).resolve().parent
STREAM_END_WAIT = 30  # seconds for the trace task to finish its stream
MAGIC = b"RSTRACE1"  # TRACE_STREAM_MAGIC (trace.h): checked by trace.py
PROMPT_WAIT = 20
GUEST_TIMEOUT = 60
QEMU_ALL_PASSED = 1  # isa-debug-exit: (0 << 1) | 1


def wait_for_end(path):
    """Wait for the trace task to end its stream."""
    deadline = time.monotonic() + STREAM_END_WAIT
    while time.monotonic() < deadline:
        if has_end(path):
            return True
        time.sleep(0.1)
    return False


def has_end(path):
    """Whether the stream ends with a TRACE_STREAM_END record."""
    data = Path(path).read_bytes()
    body = len(data) - len(MAGIC)
    return (data.startswith(MAGIC) and body >= 32 and body % 32 == 0 and
            data[-24:-22] == b"\xff\xff")


def boot(args, tmp):
    socks = [tmp / f"com{i}.sock" for i in (1, 2, 3)]
    cmd = [args.qemu, "-m", str(args.memory),
           "-kernel", str(args.build / "kernel.bin"),
           "-initrd", str(args.build / "bootfs.img"),
           "-no-reboot", "-display", "none"]
    for s in socks:
        cmd += ["-serial", f"unix:{s},server=on,wait=off"]
    cmd += ["-debugcon", f"file:{args.out}"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    return proc, [Terminal(s) for s in socks]


def find_shells(terms):
    """The terminals with a shell: each answers an empty line with its prompt."""
    shells = {}
    deadline = time.monotonic() + PROMPT_WAIT
    while time.monotonic() < deadline and len(shells) < len(terms):
        for i, t in enumerate(terms):
            if i in shells:
                continue
            t.line("")
            try:
                t.expect(rf"shell{i + 1}> ", timeout=0.5)
                shells[i] = t
            except AssertionError:
                pass
    return shells


def play_chat(c2, c3):
    alice_and_bob_talk(c2, c3)
    c3.type("\x04")  # Ctrl-D: bob leaves
    c2.expect(r"\* bob left")
    c2.type("\x04")
    c2.expect(r"shell2> ")


def play_names_and_async(c1):
    c1.line("names")
    c1.expect(r"chat")
    c1.expect(r"shell1> ")
    c1.line("run asyncdemo")
    c1.expect(r"consumer: ASYNCDEMO_STOP_MSG")
    c1.expect(r"producer: done")
    c1.expect(r"shell1> ")


def check_authority(shells):
    """Only the operator's shell (COM1) holds the trace: the users on the
    other terminals can neither watch each other nor stop the recording."""
    for t in (shells[1], shells[2]):
        for what in ("status", "stop"):
            t.line(f"trace {what}")
            t.expect(r"trace: this shell holds no trace capability")
    shells[0].line("trace status")
    shells[0].expect(r"trace: recording; \d+ events recorded")


def play(args, terms):
    """Run the scenario and stop recording; returns (steps played, whether
    the stream was ended)."""
    shells = find_shells(terms)
    if len(shells) < 3:
        time.sleep(args.seconds)
        return [f"recorded {args.seconds} s (no shells on COM1..COM3: the "
                "stream is cut, not ended)"], False
    steps = []
    if args.test:
        try:
            check_authority(shells)
            say(True, "only_the_operators_shell_holds_the_trace")
        except AssertionError as e:
            say(False, "only_the_operators_shell_holds_the_trace", e)
    play_chat(shells[1], shells[2])
    steps.append("chat between COM2 and COM3")
    if args.scenario == "full":
        play_names_and_async(shells[0])
        steps.append("names and asyncdemo on COM1")
    shells[0].line("trace stop")
    shells[0].expect(r"trace: stopped")
    return steps, True


def say(ok, step, reason=""):
    if ok:
        print(f"PASS trace/{step}", flush=True)
    else:
        print(f"FAIL trace/{step}: {reason}", flush=True)
    return ok


def record(args):
    """Boot, play, stop the trace; returns (ok, what happened)."""
    args.out.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        proc, terms = boot(args, Path(tmp))
        try:
            try:
                steps, ended = play(args, terms)
            except AssertionError as e:
                return False, f"the scenario failed: {e}"
            if ended and not wait_for_end(args.out):
                return False, f"the stream did not end within {STREAM_END_WAIT} s"
            return True, "; ".join(steps)
        finally:
            proc.kill()
            proc.wait()


def guest_tests(args, tmp):
    """The test task's trace_* cases in the traced kernel: their PASS and
    FAIL lines, and a FAIL of ours if the run itself went wrong."""
    import fuzz  # tools/fuzz.py: boot entries as the Makefile makes them
    img = Path(tmp) / "trace-test.img"
    subprocess.run([sys.executable, str(TOOLS / "mkbootfs.py"), "-o", str(img),
                    "--cmdline", "test=only=trace_",
                    *(fuzz.boot_entry(args.build, name) for name in ("init", "name")),
                    fuzz.boot_entry(args.build, "test", "autostart")], check=True)
    cmd = [args.qemu, "-m", str(args.memory), "-kernel", str(args.build / "kernel.bin"),
           "-initrd", str(img), "-no-reboot", "-display", "none", "-serial", "stdio",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    try:
        run = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                             timeout=GUEST_TIMEOUT)
    except subprocess.TimeoutExpired:
        return say(False, "guest", f"the traced test task ran over {GUEST_TIMEOUT} s")
    out = run.stdout.decode(errors="replace").replace("\r", "")
    lines = [l for l in out.splitlines() if l.startswith(("PASS ", "FAIL "))]
    for line in lines:
        print(line, flush=True)
    if "PANIC" in out:
        return say(False, "guest", "kernel panic")
    others = [l for l in lines if not l.split()[1].startswith("trace_")]
    if others:  # the test task's only= filter let other cases run
        return say(False, "guest", f"cases other than trace_* ran: {others[0]!r}")
    if not lines or run.returncode != QEMU_ALL_PASSED and all(
            l.startswith("PASS") for l in lines):
        return say(False, "guest", f"QEMU exit status {run.returncode}, no failing case")
    return all(l.startswith("PASS") for l in lines)


def run_tool(*argv):
    return subprocess.run([sys.executable, *map(str, argv)]).returncode == 0


def test(args):
    with tempfile.TemporaryDirectory() as tmp:
        guest_ok = guest_tests(args, tmp)
    ok, what = record(args)
    if not say(ok, "record", what):
        return 1
    json_path, html_path = args.out.with_suffix(".json"), args.out.with_suffix(".html")
    if not say(run_tool(TOOLS / "trace.py", args.out, "--json", json_path,
                        "--html", html_path), "convert", "tools/trace.py failed"):
        return 1
    checked = run_tool(TOOLS / "trace_check.py", json_path, html_path)
    return 0 if checked and guest_ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, required=True)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--scenario", choices=("full", "short"), default="full")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"))
    ap.add_argument("--memory", type=int, default=128)
    ap.add_argument("--test", action="store_true")
    args = ap.parse_args()
    args.out = args.out or args.build.parent / "trace.bin"
    if args.test:
        sys.exit(test(args))
    ok, what = record(args)
    if not ok:
        sys.exit(f"trace_run: {what}")
    print(f"trace_run: {what}; {args.out.stat().st_size} bytes in {args.out}")


if __name__ == "__main__":
    main()
