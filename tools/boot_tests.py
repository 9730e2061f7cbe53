#!/usr/bin/env python3
"""Boot-level tests: what the kernel does before and around its test task.

Usage: boot_tests.py [BUILD_DIR]   (default: build, next to this folder)

Each case boots QEMU with the built kernel and a chosen boot image or kernel
command line, reads the serial output and prints `PASS boot/<name>` or
`FAIL boot/<name>: <reason>`, then `N passed, M failed`. Needs the kernel,
build/bootfs.img and the task ELF files from `make`.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fuzz

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
PANIC_STATUS = 5  # isa-debug-exit: (2 << 1) | 1
SOME_FAILED_STATUS = 3  # the test task wrote 1


def boot(initrd=None, append=None, until=None, timeout=20, memory=128, serials=1):
    """Boot; return (exit status or None if we stopped it, output)."""
    cmd = [QEMU, "-m", str(memory), "-kernel", str(BUILD / "kernel.bin"), "-no-reboot",
           "-display", "none", "-serial", "stdio", *["-serial", "null"] * (serials - 1),
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if initrd:
        cmd += ["-initrd", str(initrd)]
    if append:
        cmd += ["-append", append]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    os.set_blocking(proc.stdout.fileno(), False)
    out, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        chunk = proc.stdout.read() or b""
        out += chunk
        if until and until.encode() in out:
            proc.kill()
            proc.wait()
            return None, out.decode(errors="replace")
        if proc.poll() is not None:
            out += proc.stdout.read() or b""
            return proc.returncode, out.decode(errors="replace")
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    return "timeout", out.decode(errors="replace")


def mkbootfs(path, *entries):
    subprocess.run([sys.executable, str(ROOT / "tools/mkbootfs.py"), "-o", str(path),
                    *entries], check=True)


def expect(output, *needles):
    for needle in needles:
        if needle not in output:
            return f"output lacks {needle!r}"
    return None


def case_panic_prints_symbolised_backtrace(tmp):
    status, out = boot(BUILD / "bootfs.img", append="kdebug=panic")
    if status != PANIC_STATUS:
        return f"exit status {status}, expected {PANIC_STATUS}"
    return expect(out, "PANIC: test panic", "backtrace:", "test_panic_inner+0x",
                  "kdebug_test_panic+0x", "kernel_main+0x", "init ")


def case_kernel_stack_overflow_is_a_clean_panic(tmp):
    # kdebug=stack-overflow recurses on a task kernel stack until it runs
    # into the guard page below it.
    status, out = boot(BUILD / "bootfs.img", append="kdebug=stack-overflow")
    if status != PANIC_STATUS:
        return f"exit status {status}, expected {PANIC_STATUS}"
    return expect(out, "kernel stack overflow: 0xffffc", "is a guard page",
                  "PANIC: kernel stack overflow", "overflow_inner+0x")


def case_kernel_uses_all_ram(tmp):
    # sysinfo's total pages against -m: RAM above the first GiB, and with
    # 4096 MiB above 4 GiB (QEMU's PC leaves a hole below 4 GiB), counts.
    img = tmp / "memory.img"
    mkbootfs(img, "--cmdline", "test=only=sysinfo_memory", fuzz.boot_entry(BUILD, "init"),
             fuzz.boot_entry(BUILD, "name"), fuzz.boot_entry(BUILD, "test", "autostart"))
    for mib in (128, 2048, 4096):
        status, out = boot(img, memory=mib)
        m = re.search(r"memory: (\d+) of (\d+) pages free", out)
        if status != 1 or not m:
            return f"-m {mib}: exit status {status}, figures {m and m[0]!r}"
        total_mib = int(m[2]) * 4096 / 2**20
        if total_mib < 0.95 * mib or total_mib > mib:
            return f"-m {mib}: {total_mib:.0f} MiB of pages, expected 95-100 %"


def case_test_suite_passes_with_4_gib(tmp):
    # Every in-QEMU test, with RAM above 4 GiB in the direct map and the
    # page allocator (make test runs them with the configured RAM).
    status, out = boot(BUILD / "bootfs-test.img", memory=4096, serials=2, timeout=120)
    if status != 1:
        return f"exit status {status}, expected 1 (all passed)"
    if not re.search(r"^\d+ passed, 0 failed\r?$", out, re.M):
        return "no summary line with 0 failed"


def case_boot_starts_configured_tasks(tmp):
    img = tmp / "hello.img"
    mkbootfs(img, f"init={BUILD}/init.elf:prio=20", f"hello={BUILD}/hello.elf:autostart")
    status, out = boot(img, until="hello from user space", timeout=10)
    if status is not None:
        return f"QEMU ended ({status}) before hello ran"
    return expect(out, "[init] started hello")


def case_garbage_boot_image_is_rejected(tmp):
    img = tmp / "garbage.img"
    img.write_bytes(bytes(range(256)) * 64)
    status, out = boot(img)
    if status != PANIC_STATUS:
        return f"exit status {status}, expected a clean stop ({PANIC_STATUS})"
    return expect(out, "boot image is malformed")


def case_boot_image_without_init(tmp):
    img = tmp / "noinit.img"
    mkbootfs(img, f"hello={BUILD}/hello.elf:autostart")
    status, out = boot(img)
    if status != PANIC_STATUS:
        return f"exit status {status}, expected {PANIC_STATUS}"
    return expect(out, "has no 'init'")


def case_init_that_is_not_an_executable(tmp):
    junk = tmp / "junk.elf"
    junk.write_bytes(b"\x7fELF" + bytes(200))
    img = tmp / "badinit.img"
    mkbootfs(img, f"init={junk}")
    status, out = boot(img)
    if status != PANIC_STATUS:
        return f"exit status {status}, expected {PANIC_STATUS}"
    return expect(out, "cannot start init: malformed executable")


def case_test_cases_have_time_limits(tmp):
    # The test task's `selftest` cases: one hangs (with a child), one faults,
    # one exits; each is reported by name and the case after them still runs
    # and finds the hung case's child gone.
    img = tmp / "selftest.img"
    mkbootfs(img, "--cmdline", "test=selftest limit=2", fuzz.boot_entry(BUILD, "init"),
             fuzz.boot_entry(BUILD, "name"), fuzz.boot_entry(BUILD, "test", "autostart"))
    status, out = boot(img)
    if status != SOME_FAILED_STATUS:
        return f"exit status {status}, expected {SOME_FAILED_STATUS}"
    if not re.search(r"^FAIL harness_selftest_fault: killed by page fault at rip 0x[0-9a-f]+, "
                     r"address 0x10\r?$", out, re.M):
        return "no FAIL line for the faulting case"
    return expect(out, "FAIL harness_selftest_hang: timed out after 2 s\r\n",
                  "FAIL harness_selftest_exit: exited with code 3 without a result\r\n",
                  "PASS harness_selftest_after\r\n", "1 passed, 3 failed\r\n")


def case_task_lines_cannot_pass_for_the_kernels(tmp):
    # A task named "spoofer" writes lines in the log's "[who]" style; each
    # shows under its own name, escape sequences are defused.
    img = tmp / "logspoof.img"
    mkbootfs(img, "--cmdline", "test=logspoof", fuzz.boot_entry(BUILD, "init"),
             fuzz.boot_entry(BUILD, "name"), fuzz.boot_entry(BUILD, "test", "autostart"))
    status, out = boot(img)
    if status != 1:
        return f"exit status {status}, expected 1 (log spoof: 0)"
    lines = out.replace("\r\n", "\n").split("\n")
    for fake in ("[init] started console", "[kernel] task init (#257) killed"):
        if fake in lines:
            return f"a bare {fake!r} line"
    return expect(out, "[spoofer] [init] started console\r\n",
                  "[spoofer] [kernel] task init (#257) killed\r\n",
                  "ok\r[spoofer] [kernel] behind a carriage return\r\n",
                  "?[2K\r[spoofer] [name] behind an escape\r\n",
                  "\n[spoofer] its own, as it is\r\n", "log spoof: 0")


def case_fuzzer_notices_stuck_workers_and_leaks(tmp):
    # `selftest`: the first workers block for ever (the watchdog must end
    # them, or the run never does) and tasks are left alive at the end (the
    # leak checks must fail).
    img = fuzz.image(BUILD, tmp, seed=1, calls=300, caps=False, extra="selftest")
    status, out = boot(img, timeout=60)
    if status != SOME_FAILED_STATUS:
        return f"exit status {status}, expected {SOME_FAILED_STATUS}"
    m = re.search(r"(\d+) by the watchdog", out)
    if not m or int(m[1]) < 6:
        return "the watchdog did not end the six stuck workers"
    return expect(out, "FAIL fuzz/nocaps/seed1/free_pages: ",
                  "FAIL fuzz/nocaps/seed1/task_count: ", "FAIL fuzz/nocaps/seed1/handles: ")


def case_no_boot_image(tmp):
    status, out = boot(None)
    if status != PANIC_STATUS:
        return f"exit status {status}, expected {PANIC_STATUS}"
    return expect(out, "no boot image")


def main():
    cases = [(n[5:], f) for n, f in globals().items() if n.startswith("case_")]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in cases:
            why = fn(Path(tmp))
            if why:
                print(f"FAIL boot/{name}: {why}", flush=True)
                failed += 1
            else:
                print(f"PASS boot/{name}", flush=True)
                passed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
