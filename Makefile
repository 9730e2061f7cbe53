# The build. `make` builds the kernel and the boot image; `make run` boots
# them in QEMU; `make test` runs the host unit tests and the in-QEMU tests.
# Every task lives in servers/NAME or apps/NAME with a build.mk that sets
# `srcs-y` (and optionally `name`, `priority`, `caps`, `serves`); nothing else
# lists tasks.

SHELL    := /bin/bash
BUILD    ?= build
V        ?=
# Debian's python3-kconfiglib is for the system python, which need not be
# the first python3 on PATH (pyenv, venv).
PYTHON   ?= $(firstword $(wildcard /usr/bin/python3) python3)
QEMU     ?= qemu-system-x86_64
CC        = $(or $(shell command -v clang),$(shell command -v clang-14))
LD        = $(or $(shell command -v ld.lld),$(shell command -v ld.lld-14))
OBJCOPY  ?= objcopy
NM       ?= nm
HOST_CC  ?= $(or $(shell command -v cc),$(CC))
ARCH     := x64

ifeq ($(V),)
Q := @
endif
empty :=
space := $(empty) $(empty)

# The configuration: Kconfig declares the options and their defaults,
# .config holds the choices (`make menuconfig` edits it). tools/config.py
# checks it before anything is built and writes it out whole for make and
# for C. The goals that repair or replace it work whatever it holds.
KCONFIG_CONFIG ?= .config
NO_CONFIG_GOALS := clean defconfig menuconfig setup
ifneq ($(filter-out $(NO_CONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(BUILD)/config.mk
endif
BOOT_TASKS := $(subst ",,$(CONFIG_BOOT_TASKS))

TARGET_FLAGS := --target=x86_64-pc-none-elf -ffreestanding -fno-builtin \
	-nostdlib -fno-stack-protector -fno-pic -mno-red-zone -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
# The kernel never touches the FPU: each task's x87/MMX/SSE state is its
# own (kernel/arch/x64/arch.c), and kernel code must not clobber it.
KERNEL_ONLY_FLAGS := -mno-mmx -mno-sse -mgeneral-regs-only
WARNINGS := -Wall -Wextra -Werror -Wno-unused-parameter -Wcast-function-type
# libs/common: abi/ is the kernel-user interface, util/ code both sides
# use, proto/ the servers' protocols (included as <proto/...>).
COMMON_INCLUDES := -Ilibs/common/abi -Ilibs/common/util -Ilibs/common
CFLAGS := -std=c11 -O2 -g $(TARGET_FLAGS) $(WARNINGS) -MMD -MP \
	$(COMMON_INCLUDES) -I$(BUILD)/include
# Link-time optimisation lets the IPC path inline across files.
KERNEL_CFLAGS := $(CFLAGS) $(KERNEL_ONLY_FLAGS) -DKERNEL -mcmodel=kernel -Ikernel \
	-Ikernel/arch/$(ARCH) -flto
USER_CFLAGS := $(CFLAGS) -Ilibs/resea/include -flto
HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(COMMON_INCLUDES) \
	-I$(BUILD)/include -Ilibs/common/tests -Ilibs/resea/include
# The protocols' message types and views (<idl.h>, which message.h
# includes), generated from the IDL files (libs/common/idl: the shared
# protocols; servers/X, apps/X: a task's private ones) before anything
# compiles.
IDL_H := $(BUILD)/include/idl.h
IDL_SRCS := $(wildcard libs/common/idl/*.idl servers/*/*.idl apps/*/*.idl)

COMMON_SRCS := libs/common/abi/error.c $(addprefix libs/common/util/,format.c \
	string.c bootfs.c elf.c text.c)
# The host tests build string.c under other names (test_string.c).
HOST_SRCS := $(filter-out %/string.c,$(COMMON_SRCS)) \
	$(wildcard libs/common/tests/*.c) \
	libs/resea/async_queue.c $(wildcard libs/resea/line*.c) libs/resea/cmdline.c \
	libs/resea/tx_ring.c libs/resea/malloc.c libs/resea/vm_pages.c libs/resea/datetime.c \
	$(wildcard libs/resea/tests/*.c)

KERNEL_SRCS := $(wildcard kernel/*.c kernel/arch/$(ARCH)/*.c kernel/arch/$(ARCH)/*.S) \
	$(COMMON_SRCS)
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_SRCS))
LIBRESEA_SRCS := $(wildcard libs/resea/*.c libs/resea/*.S) $(COMMON_SRCS)
LIBRESEA_OBJS := $(patsubst %,$(BUILD)/user/%.o,$(LIBRESEA_SRCS))

# Discover the tasks.
TASK_DIRS := $(patsubst %/build.mk,%,$(wildcard servers/*/build.mk apps/*/build.mk))
tasks :=
define load-task
name := $(notdir $(1))
srcs-y :=
priority := 10
memory :=
caps :=
serves :=
include $(1)/build.mk
$$(name)-objs := $$(addprefix $(BUILD)/user/$(1)/,$$(addsuffix .o,$$(srcs-y)))
$$(name)-priority := $$(priority)
$$(name)-memory := $$(memory)
$$(name)-caps := $$(subst $$(space),+,$$(strip $$(caps)))
$$(name)-serves := $$(subst $$(space),+,$$(strip $$(serves)))
tasks += $$(name)
endef
$(foreach dir,$(TASK_DIRS),$(eval $(call load-task,$(dir))))

# A task links its objects, an object holding its name (for
# __program_name(), libs/resea/print_macros.c) and the library.
define task-rules
$(BUILD)/user/$(1).name.o: $(TASKS_STAMP) $(FLAGS_STAMP)
	$(Q)mkdir -p $$(@D)
	$(Q)echo 'const char __program_name_str[] = "$(1)";' | \
		$(CC) $(filter-out -MMD -MP,$(USER_CFLAGS)) -x c -c -o $$@ -
$(BUILD)/$(1).elf: $$($(1)-objs) $(BUILD)/user/$(1).name.o $(LIBRESEA_OBJS) libs/resea/user.ld
	@echo "  LD      $$@"
	$(Q)$(LD) -T libs/resea/user.ld --gc-sections -o $$@ $$($(1)-objs) \
		$(BUILD)/user/$(1).name.o $(LIBRESEA_OBJS)
endef
$(foreach t,$(tasks),$(eval $(call task-rules,$(t))))

TASK_ELFS := $(foreach t,$(tasks),$(BUILD)/$(t).elf)
# A boot task written `name*N` is started N times (e.g. a shell per port).
instances-of = $(patsubst $(1)*%,%,$(filter $(1)*%,$(2)))
bootfs-entries = $(foreach t,$(tasks),$(t)=$(BUILD)/$(t).elf:prio=$($(t)-priority)$(if $($(t)-memory),:mem=$($(t)-memory))$(if $($(t)-caps),:caps=$($(t)-caps))$(if $($(t)-serves),:serves=$($(t)-serves))$(if $(filter $(t) $(t)*%,$(1)),:autostart)$(if $(call instances-of,$(t),$(1)),:instances=$(call instances-of,$(t),$(1))))

QEMU_FLAGS := -m $(CONFIG_QEMU_MEMORY) -kernel $(BUILD)/kernel.bin -no-reboot
# COM1 on this terminal (Ctrl-A X quits); COM2 and COM3 on local sockets
# for more users: socat -,rawer UNIX-CONNECT:build/com2.sock
QEMU_RUN_SERIAL := -display none -serial mon:stdio \
	-serial unix:$(BUILD)/com2.sock,server=on,wait=off \
	-serial unix:$(BUILD)/com3.sock,server=on,wait=off
QEMU_TEST_FLAGS := $(QEMU_FLAGS) -initrd $(BUILD)/bootfs-test.img \
	-display none -serial stdio -serial null \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

.PHONY: all run test test-only bench profile fuzz debug defconfig menuconfig clean setup host-test \
	trace trace-build
.DEFAULT_GOAL := all

all: $(BUILD)/kernel.bin $(BUILD)/bootfs.img

setup:
	$(Q)tools/setup.sh $(SETUP_ARGS) 'CC=$(CC)' 'LD=$(LD)' 'HOST_CC=$(HOST_CC)' 'PYTHON=$(PYTHON)' \
		'QEMU=$(firstword $(QEMU))' 'OBJCOPY=$(OBJCOPY)' 'NM=$(NM)'

# setup first, then the build: under -j they must not race.
run: setup
	$(Q)$(MAKE) --no-print-directory all
	@echo "QEMU: quit with Ctrl-A X"
	$(Q)$(QEMU) $(QEMU_FLAGS) -initrd $(BUILD)/bootfs.img $(QEMU_RUN_SERIAL)

# The tests render the trace viewer in a headless browser.
test: SETUP_ARGS := --browser
test: setup
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/bootfs-test.img $(BUILD)/host/common_tests
	$(Q)$(MAKE) --no-print-directory trace-build TRACE_TASKS="$(BOOT_TASKS)"
	$(Q)$(PYTHON) -m unittest discover -s tools/tests 2>$(BUILD)/tools-tests.log \
		|| { cat $(BUILD)/tools-tests.log; echo "FAIL tools unit tests"; exit 1; }
	$(Q)$(PYTHON) tools/run_tests.py --host $(BUILD)/host/common_tests \
		--host tools/boot_tests.py --host tools/console_tests.py \
		--host tools/output_tests.py \
		--host tools/chat_tests.py \
		--host tools/supervision_tests.py \
		--host tools/edit_tests.py \
		--host tools/top_tests.py \
		--host "tools/trace_run.py --test --scenario short --build $(TRACE_BUILD) \
			--qemu $(firstword $(QEMU)) --memory $(CONFIG_QEMU_MEMORY)" \
		--host "tools/fuzz.py --suite --build $(BUILD)" \
		--timeout 120 -- $(QEMU) $(QEMU_TEST_FLAGS)

# The in-QEMU cases whose names start with ONLY, alone: make test-only ONLY=vm_
test-only: all
	$(Q)$(PYTHON) tools/mkbootfs.py -o $(BUILD)/bootfs-only.img \
		--cmdline "test=only=$(ONLY)" $(call bootfs-entries,test)
	$(Q)$(PYTHON) tools/run_tests.py --timeout 120 -- $(QEMU) \
		$(subst bootfs-test.img,bootfs-only.img,$(QEMU_TEST_FLAGS))

# Deterministic figures: the TSC counts guest instructions under -icount.
# They are printed, kept in bench.txt and plotted in bench.svg.
bench: setup
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kernel.bin $(BUILD)/bootfs-bench.img
	$(Q)$(QEMU) $(QEMU_FLAGS) -initrd $(BUILD)/bootfs-bench.img -display none \
		-serial stdio -icount shift=0,align=off \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 | grep --line-buffered '^BENCH' \
		| tee $(BUILD)/bench.txt; \
		status=$${PIPESTATUS[0]}; [ $$status -eq 1 ] || { echo "bench failed (QEMU status $$status)"; exit 1; }
	$(Q)$(PYTHON) tools/bench_plot.py $(BUILD)/bench.txt -o $(BUILD)/bench.svg

# The kernel trace (docs/trace.md): the same tree built with CONFIG_TRACE
# in $(TRACE_BUILD), booted with TRACE_TASKS and the trace task, which
# copies the ring out through QEMU's debug console; tools/trace_run.py
# plays a scenario on the terminals and tools/trace.py turns the stream
# into a timeline.
TRACE_BUILD := $(BUILD)/trace
TRACE_TASKS ?= $(BOOT_TASKS)
TRACE_ARGS ?=
trace-build: $(KCONFIG_CONFIG)
	$(Q)mkdir -p $(TRACE_BUILD)
	$(Q){ grep -v -e '^CONFIG_BOOT_TASKS=' -e '^CONFIG_TRACE=' \
		-e '^# CONFIG_TRACE is not set' $(KCONFIG_CONFIG); \
		echo 'CONFIG_TRACE=y'; \
		echo 'CONFIG_BOOT_TASKS="$(strip $(filter-out trace,$(TRACE_TASKS)) trace)"'; \
	} > $(TRACE_BUILD)/config.new
	$(Q)cmp -s $(TRACE_BUILD)/config.new $(TRACE_BUILD)/.config || \
		mv $(TRACE_BUILD)/config.new $(TRACE_BUILD)/.config
	$(Q)$(MAKE) --no-print-directory BUILD=$(TRACE_BUILD) \
		KCONFIG_CONFIG=$(TRACE_BUILD)/.config all

trace: setup
	$(Q)$(MAKE) --no-print-directory trace-build
	$(Q)$(PYTHON) tools/trace_run.py --build $(TRACE_BUILD) --qemu $(firstword $(QEMU)) \
		--memory $(CONFIG_QEMU_MEMORY) --out $(BUILD)/trace.bin $(TRACE_ARGS)
	$(Q)$(PYTHON) tools/trace.py $(BUILD)/trace.bin --json $(BUILD)/trace.json \
		--html $(BUILD)/trace.html

# One round trip, instruction by instruction: where the figure above goes.
profile: setup
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kernel.bin $(BUILD)/bootfs-bench.img
	$(Q)$(PYTHON) tools/profile_ipc.py $(QEMU) $(QEMU_FLAGS) \
		-initrd $(BUILD)/bootfs-bench.img -display none -serial null \
		-icount shift=0,align=off -device isa-debug-exit,iobase=0xf4,iosize=0x04

# The syscall fuzzer (docs/testing.md): deterministic for a SEED under -icount.
SEED ?= 1
CALLS ?= 100000
CAPS ?= both
fuzz: setup
	$(Q)$(MAKE) --no-print-directory $(BUILD)/kernel.bin $(TASK_ELFS)
	$(Q)$(PYTHON) tools/fuzz.py --seed $(SEED) --calls $(CALLS) --caps $(CAPS) \
		--build $(BUILD)

host-test: $(BUILD)/host/common_tests
	$(Q)$<

debug: setup
	$(Q)$(MAKE) --no-print-directory all
	@echo "QEMU is halted with its gdb stub on :1234. In another terminal:"
	@echo "  gdb -x tools/gdbinit"
	$(Q)$(QEMU) $(QEMU_FLAGS) -initrd $(BUILD)/bootfs.img $(QEMU_RUN_SERIAL) -s -S

defconfig:
	$(Q)$(PYTHON) tools/config.py defconfig Kconfig $(KCONFIG_CONFIG)

menuconfig: setup
	$(Q)KCONFIG_CONFIG=$(KCONFIG_CONFIG) $(PYTHON) -m menuconfig Kconfig

clean:
	rm -rf $(BUILD)

# stamp FILE,TEXT: FILE holds TEXT and is rewritten only when TEXT changes,
# so that what depends on FILE is redone exactly then.
stamp = $(shell mkdir -p $(BUILD); echo '$(2)' | cmp -s - $(1) || echo '$(2)' > $(1))
# Rebuild everything when the compiler flags change.
FLAGS_STAMP := $(BUILD)/flags.txt
$(call stamp,$(FLAGS_STAMP),$(KERNEL_CFLAGS) $(USER_CFLAGS))
# Check CONFIG_BOOT_TASKS again when tasks come or go.
TASKS_STAMP := $(BUILD)/tasks.txt
$(call stamp,$(TASKS_STAMP),$(tasks))

$(KCONFIG_CONFIG):
	@echo "  GEN     $@ (the defaults from Kconfig)"
	$(Q)$(PYTHON) tools/config.py defconfig Kconfig $@

# config.mk is newer than .config after every check; config.h changes only
# when a value does.
$(BUILD)/config.mk: $(KCONFIG_CONFIG) Kconfig $(wildcard servers/*/Kconfig apps/*/Kconfig) \
		tools/config.py tools/mkbootfs.py $(TASKS_STAMP)
	$(Q)$(PYTHON) tools/config.py build Kconfig $(KCONFIG_CONFIG) $@ $(BUILD)/include/config.h $(tasks)
$(BUILD)/include/config.h: $(BUILD)/config.mk ;

$(BUILD)/kernel.elf: $(KERNEL_OBJS) kernel/arch/$(ARCH)/kernel.ld tools/embed_symbols.py
	@echo "  LD      $@"
	$(Q)$(LD) -T kernel/arch/$(ARCH)/kernel.ld -z max-page-size=4096 -o $@ $(KERNEL_OBJS)
	$(Q)NM=$(NM) $(PYTHON) tools/embed_symbols.py $@

# QEMU's multiboot loader takes a flat image (the header gives the
# load addresses); it refuses 64-bit ELF files.
$(BUILD)/kernel.bin: $(BUILD)/kernel.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# A task's priority and caps live in its build.mk: the images depend on them.
TASK_BUILD_MKS := $(addsuffix /build.mk,$(TASK_DIRS))

$(BUILD)/bootfs.img: $(TASK_ELFS) $(TASK_BUILD_MKS) tools/mkbootfs.py $(BUILD)/config.mk
	@echo "  BOOTFS  $@ (starts: $(BOOT_TASKS))"
	$(Q)$(PYTHON) tools/mkbootfs.py -o $@ $(call bootfs-entries,$(BOOT_TASKS))

$(BUILD)/bootfs-test.img: $(TASK_ELFS) $(TASK_BUILD_MKS) tools/mkbootfs.py
	@echo "  BOOTFS  $@ (starts: test)"
	$(Q)$(PYTHON) tools/mkbootfs.py -o $@ $(call bootfs-entries,test)

$(BUILD)/bootfs-bench.img: $(TASK_ELFS) $(TASK_BUILD_MKS) tools/mkbootfs.py
	@echo "  BOOTFS  $@ (starts: bench)"
	$(Q)$(PYTHON) tools/mkbootfs.py -o $@ $(call bootfs-entries,bench)

$(IDL_H): $(IDL_SRCS) tools/genidl.py
	@echo "  GENIDL  $@"
	$(Q)$(PYTHON) tools/genidl.py -o $@ $(IDL_SRCS)

$(BUILD)/kernel/%.c.o: %.c $(BUILD)/include/config.h $(IDL_H) $(FLAGS_STAMP)
	@echo "  CC      $<"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

$(BUILD)/kernel/%.S.o: %.S $(IDL_H) $(FLAGS_STAMP)
	@echo "  AS      $<"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KERNEL_CFLAGS) -c -o $@ $<

$(BUILD)/user/%.c.o: %.c $(BUILD)/include/config.h $(IDL_H) $(FLAGS_STAMP)
	@echo "  CC      $<"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -c -o $@ $<

$(BUILD)/user/%.S.o: %.S $(IDL_H) $(FLAGS_STAMP)
	@echo "  AS      $<"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(USER_CFLAGS) -c -o $@ $<

$(BUILD)/host/common_tests: $(HOST_SRCS) libs/common/util/string.c $(IDL_H) \
	$(wildcard libs/common/*/*.h libs/resea/include/*.h libs/resea/include/resea/*.h)
	@echo "  HOSTCC  $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(HOST_SRCS) -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
