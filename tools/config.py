#!/usr/bin/env python3
"""The build configuration, through kconfiglib (Debian's python3-kconfiglib).

Usage:
  config.py defconfig KCONFIG CONFIG
      write CONFIG with the default of every option in KCONFIG
  config.py build KCONFIG CONFIG OUT_MK OUT_H TASK...
      check CONFIG, then write every option's value for make (OUT_MK,
      always rewritten) and for C (OUT_H, rewritten only when its content
      changes, so that make rebuilds nothing when nothing changed);
      TASK... are the tasks that exist, for CONFIG_BOOT_TASKS

Defaults come from KCONFIG only. Whatever kconfiglib would merely warn about
(a value that is malformed or out of its range, an unknown option, a bad
line) is an error here, and so is a CONFIG_BOOT_TASKS entry init cannot start.
"""
import os
import re
import sys

import mkbootfs

try:
    import kconfiglib
except ImportError:
    sys.exit("config: kconfiglib is missing: run tools/setup.sh "
             "(Debian package python3-kconfiglib)")

NUMBER = {kconfiglib.INT: re.compile(r"-?[0-9]+"),
          kconfiglib.HEX: re.compile(r"(0[xX])?[0-9a-fA-F]+")}
MK_HEADER = "# Generated from .config by tools/config.py: do not edit.\n"
H_HEADER = "/* Generated from .config by tools/config.py: do not edit. */\n#pragma once\n"


def fail(errors):
    for e in errors:
        print(f"config: {e}", file=sys.stderr)
    sys.exit(1)


def load_kconfig(path):
    try:
        kconf = kconfiglib.Kconfig(path, warn_to_stderr=False)
    except (kconfiglib.KconfigError, OSError) as e:
        fail([str(e).strip()])
    if kconf.warnings:
        fail(kconf.warnings)
    return kconf


def number_error(sym, value):
    """What is wrong with VALUE for the int or hex option SYM, or None."""
    base, show = (16, hex) if sym.orig_type is kconfiglib.HEX else (10, str)
    allowed = ""
    for low, high, cond in sym.ranges:
        if kconfiglib.expr_value(cond):  # the first active range is the one
            low, high = int(low.str_value, base), int(high.str_value, base)
            allowed = f" (allowed: {show(low)} to {show(high)})"
            break
    if not NUMBER[sym.orig_type].fullmatch(value):
        return f"not a {'number' if base == 10 else 'hexadecimal number'}{allowed}"
    if allowed and not low <= int(value, base) <= high:
        return f"out of range{allowed}"
    return None


def load_config(kconf, path):
    """Load PATH into KCONF; every problem in it is an error."""
    malformed = []
    set_value = kconfiglib.Symbol.set_value

    # load_config() sets each value through Symbol.set_value(), which drops
    # a malformed number with a warning: keep it, to say what was wrong.
    def keep_malformed(sym, value):
        before = len(kconf.warnings)
        ok = set_value(sym, value)
        if not ok and sym.orig_type in NUMBER:
            del kconf.warnings[before:]
            malformed.append((sym, value))
        return ok

    kconfiglib.Symbol.set_value = keep_malformed
    try:
        kconf.load_config(path)
    except OSError as e:
        fail([f"{path}: {e.strerror}"])
    finally:
        kconfiglib.Symbol.set_value = set_value
    errors = [re.sub(r"warning: (ignoring )?|(\. Assignment ignored\.| -- assignment ignored)$",
                     "", w) for w in kconf.warnings]
    errors += [f"{path}: CONFIG_{name}={value}: no such option in Kconfig"
               for name, value in kconf.missing_syms]
    numbers = malformed + [(sym, sym.user_value) for sym in kconf.unique_defined_syms
                           if sym.orig_type in NUMBER and sym.user_value is not None]
    for sym, value in numbers:
        problem = number_error(sym, value)
        if problem:
            errors.append(f"{path}: CONFIG_{sym.name}={value}: {problem}")
    if errors:
        fail(errors)


def boot_tasks_errors(value, tasks):
    """The problems of CONFIG_BOOT_TASKS (`name` or `name*N` entries)."""
    errors, seen = [], set()
    for entry in value.split():
        name, star, count = entry.partition("*")
        where = f"CONFIG_BOOT_TASKS: {entry!r}"
        if name in ("init", "name"):
            errors.append(f"{where}: init and the name server always start; leave it out")
        elif name not in tasks:
            startable = " ".join(sorted(tasks - {"init", "name"}))
            errors.append(f"{where}: there is no task {name!r} (tasks: {startable})")
        elif name in seen:
            errors.append(f"{where}: {name} is listed twice ({name}*N starts N copies)")
        elif star and not (re.fullmatch("[0-9]+", count) and
                           1 <= int(count) <= mkbootfs.INSTANCES_MAX):
            errors.append(f"{where}: the count after * must be a number "
                          f"from 1 to {mkbootfs.INSTANCES_MAX}")
        seen.add(name)
    return errors


def resolve(kconf):
    """Work out every value; a warning now (a default out of range) is Kconfig's bug."""
    for sym in kconf.unique_defined_syms:
        sym.str_value
    if kconf.warnings:
        fail(kconf.warnings)


def defconfig(kconfig, config):
    kconf = load_kconfig(kconfig)
    resolve(kconf)
    kconf.write_config(config, save_old=False)


def build(kconfig, config, out_mk, out_h, tasks):
    kconf = load_kconfig(kconfig)
    load_config(kconf, config)
    resolve(kconf)
    boot_tasks = kconf.syms["BOOT_TASKS"].str_value
    errors = boot_tasks_errors(boot_tasks, set(tasks))
    if errors:
        fail(errors)
    if not boot_tasks.split():
        print("config: warning: CONFIG_BOOT_TASKS is empty: init starts only the name "
              "server, and the system boots to silence", file=sys.stderr)
    for path in (out_mk, out_h):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    kconf.write_autoconf(out_h, H_HEADER)
    kconf.write_config(out_mk, MK_HEADER, save_old=False)
    os.utime(out_mk)  # newer than CONFIG even when nothing changed: make is done with it


def main(args):
    if len(args) == 3 and args[0] == "defconfig":
        defconfig(*args[1:])
    elif len(args) >= 5 and args[0] == "build":
        build(*args[1:5], args[5:])
    else:
        sys.exit("usage: config.py defconfig KCONFIG CONFIG\n"
                 "       config.py build KCONFIG CONFIG OUT_MK OUT_H TASK...")


if __name__ == "__main__":
    main(sys.argv[1:])
