"""A number or a task id where <resea/ipc.h> expects a handle does not
compile; a handle_t does. Needs the build's generated headers (make)."""
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
INCLUDES = ["libs/common/abi", "libs/common/util", "libs/common",
            "libs/resea/include", "build/include"]

PROGRAM = """#include <resea/ipc.h>
#include <resea/async.h>
error_t f(struct message *m, handle_t h, task_t t) {
    (void) h; (void) t;
    return %s;
}
"""


@unittest.skipUnless(shutil.which("clang") and
                     os.path.exists(os.path.join(ROOT, "build/include/idl.h")),
                     "needs clang and a build")
class TypedHandles(unittest.TestCase):
    def compiles(self, call):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "t.c")
            with open(path, "w") as f:
                f.write(PROGRAM % call)
            resource = subprocess.run(["clang", "-print-resource-dir"], capture_output=True,
                                      text=True, check=True).stdout.strip()
            args = ["clang", "-fsyntax-only", "-ffreestanding", "-std=c11", "-Werror",
                    "-nostdinc", "-isystem", os.path.join(resource, "include")]
            args += ["-I" + os.path.join(ROOT, i) for i in INCLUDES]
            r = subprocess.run(args + [path], capture_output=True, text=True)
            return r.returncode == 0, r.stderr

    def test_a_handle_compiles(self):
        for call in ("ipc_call(h, m)", "ipc_send(h, m)", "ipc_send_err(h, ERR_INVALID_ARG)",
                     "ipc_call_timeout(h, m, 10)", "async_send(t, m)", "async_send(h, m)",
                     "async_is_empty(t)", "async_is_empty(h)"):
            ok, err = self.compiles(call)
            self.assertTrue(ok, f"{call}: {err}")

    def test_a_number_does_not(self):
        for call in ("ipc_call(1, m)", "ipc_send(2, m)", "ipc_call_bounded(1, m, 5)",
                     "ipc_send_err(3, ERR_INVALID_ARG)", "async_send(1, m)",
                     "async_is_empty(4)"):
            ok, err = self.compiles(call)
            self.assertFalse(ok, call)
            self.assertIn("a number is not a handle", err)

    def test_a_task_id_does_not(self):
        for call in ("ipc_call(t, m)", "ipc_send(t, m)", "ipc_call_handle(t, m)",
                     "async_send((uint64_t) t, m)"):
            ok, _ = self.compiles(call)
            self.assertFalse(ok, call)


if __name__ == "__main__":
    unittest.main()
