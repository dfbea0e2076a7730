# shortcut — build, test, prove, fuzz, bench.  See README.md.
BUILD   ?= build
CC      ?= cc
OPT     ?= -O2
SAN     ?=
WERROR  ?=
CFLAGS  ?= -g $(OPT)
ALL_CFLAGS = -std=gnu11 -Wall -Wextra $(WERROR) -D_GNU_SOURCE -pthread $(SAN) $(CFLAGS)
LDLIBS  = -ljansson -lmpfr -lgmp -lm -pthread
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)
PY      = /usr/bin/python3
FUZZ_SECONDS ?= 60

LIB_SRC  := $(wildcard src/*.c src/io/*.c)
CLI_SRC  := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/check_*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps check unit cli-tests sanitize warnings demo prove fuzz fuzz-build fuzz-bugs fuzz-ci fuzz-replay bench clean
all: $(BUILD)/shortcut $(BUILD)/libshortcut.a

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libshortcut.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/shortcut: $(CLI_OBJ) $(BUILD)/libshortcut.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libshortcut.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libshortcut.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $< $(BUILD)/libshortcut.a $(CHECK_LIBS) $(LDLIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

deps:
	@bash tools/deps.sh

# Check suites, then end-to-end CLI and PyTorch/numpy client tests.
unit: $(UNIT_BIN)
	@bash tests/run_unit.sh $(UNIT_BIN)

cli-tests: $(BUILD)/shortcut
	@SHORTCUT=$(abspath $(BUILD)/shortcut) PY=$(PY) bash tests/run_cli.sh

# Every suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) BUILD=build/asan OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  all unit cli-tests

# Warning-free with both compilers.
warnings:
	$(MAKE) BUILD=build/gcc-werror CC=gcc WERROR=-Werror all
	$(MAKE) BUILD=build/clang-werror CC=clang WERROR=-Werror all

check: deps
	$(MAKE) warnings
	$(MAKE) all unit cli-tests
	$(MAKE) sanitize
	$(MAKE) fuzz-ci
	@echo "make check: all suites passed"

demo: deps all
	@bash tools/demo.sh $(BUILD)/shortcut

prove: deps
	@bash proofs/prove_all.sh

# AFL++ on every harness (FUZZ_SECONDS each; FUZZ_JOBS=N: -M/-S on N cores), see fuzz/run.sh.
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

fuzz-build: deps
	@bash fuzz/run.sh --build

# The planted bugs of fuzz/models/naive_f32.c: each fuzzed until its first crash (<= 60 s),
# minimized with afl-tmin, reported with its signature line (fuzz/bugs.sh).
fuzz-bugs: deps
	@bash fuzz/bugs.sh

# What make check fuzzes: every planted bug found within 60 s, then the correct model clean for
# 10^5 executions (about 2-3 min in all).
fuzz-ci: deps
	@bash fuzz/bugs.sh --clean-execs 100000

# No fuzzing engine: seeds and committed reproducers under ASan+UBSan (also run by cli-tests).
fuzz-replay: deps
	@bash fuzz/run.sh --replay

bench: deps all
	@bash tests/bench/run.sh $(BUILD)/shortcut

clean:
	rm -rf build
