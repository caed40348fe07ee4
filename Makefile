# leaksim - one non-recursive Makefile.
#
#   make                 build build/leaksim (the default configuration)
#   make run             build, then run the main job
#   make test            build and run every test (unit, CLI, layering, fuzz corpora, lint)
#   make bench           build and run the benchmarks
#   make fuzz            build the libFuzzer targets with clang (build/fuzz/)
#   make install         install to $(DESTDIR)$(PREFIX)
#   make clean | format | lint
#
# Knobs: SANITIZE=address,undefined (own build directory), V=1 (echo commands),
# CC, CFLAGS, CPPFLAGS, LDFLAGS, LDLIBS (yours, appended to ours), PREFIX, DESTDIR.
# Every output lands under build/<config>/; build/leaksim links to the default
# configuration's binary.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SANITIZE ?=
FUZZ_SECONDS ?= 20

comma := ,
ifeq ($(SANITIZE),)
CONFIG ?= release
else
CONFIG ?= san-$(subst $(comma),-,$(SANITIZE))
endif
B := build/$(CONFIG)

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-6s %s\n'
endif

# ---------------------------------------------------------------- flags

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla -Wwrite-strings -fno-common -Werror
BASE_CFLAGS := -std=c11 -O2 -g $(WARN)
BASE_CPPFLAGS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DLS_VERSION='"$(VERSION)"' \
                 -MMD -MP
ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
ifeq ($(FUZZ),1)
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
             -fno-omit-frame-pointer
endif

# pkg-config flags live in a generated file. Making it first runs the
# dependency check, which installs missing Debian packages when root (or
# prints the apt-get command and stops); make then re-reads this Makefile.
NODEPS_GOALS := clean format lint
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(B)/pkg.mk
endif

$(B)/pkg.mk: scripts/deps.sh
	@mkdir -p $(@D)
	@sh scripts/deps.sh
	@{ echo "PKG_CFLAGS := $$(pkg-config --cflags libsodium yaml-0.1 libpcre2-8)"; \
	   echo "PKG_LIBS := $$(pkg-config --libs libsodium yaml-0.1 libpcre2-8) -lm"; \
	   echo "CMOCKA_CFLAGS := $$(pkg-config --cflags cmocka)"; \
	   echo "CMOCKA_LIBS := $$(pkg-config --libs cmocka)"; \
	   echo "SODIUM_VERSION := $$(pkg-config --modversion libsodium)"; \
	 } > $@.tmp && mv $@.tmp $@

ALL_CFLAGS = $(BASE_CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_CPPFLAGS = $(BASE_CPPFLAGS) $(CPPFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

# The engine sees only src/; sim/ and the CLI also see the repository root so
# that they include "sim/...". tests/check-layering.sh enforces the direction.
ENGINE_INC := -Isrc
SIM_INC := -Isrc -I.

# -------------------------------------------------------------- sources

LIB_SRC := $(sort $(wildcard src/core/*.c src/io/*.c src/sigma/*.c src/score/*.c src/forensics/*.c))
SIM_SRC := $(sort $(wildcard sim/*.c sim/sensors/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))
LIB_OBJ := $(call obj,$(LIB_SRC))
SIM_OBJ := $(call obj,$(SIM_SRC)) $(B)/obj/gen/scenarios.o
SCENARIO_YAML := $(sort $(wildcard sim/scenarios/*.yaml))
CLI_OBJ := $(call obj,$(CLI_SRC))
SUPPORT_OBJ := $(call obj,$(SUPPORT_SRC))

LIB_A := $(B)/libleaksim.a
SIM_A := $(B)/libleaksim-sim.a
BIN := $(B)/leaksim
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
REPLAY_BIN := $(patsubst tests/fuzz/fuzz_%.c,$(B)/fuzz/replay_%,$(FUZZ_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/fuzz_%.c,$(B)/fuzz/fuzz_%,$(FUZZ_SRC))
BENCH_BIN := $(patsubst bench/%.c,$(B)/bench/%,$(BENCH_SRC))

# ---------------------------------------------------------------- rules

$(B)/obj/src/cli/%.o: src/cli/%.c $(B)/pkg.mk
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(SIM_INC) -DLS_BUILD_CONFIG='"$(CONFIG)"' \
	    -DLS_BUILD_CC='"$(notdir $(CC))"' -DLS_BUILD_SANITIZE='"$(or $(SANITIZE),none)"' \
	    $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/src/%.o: src/%.c $(B)/pkg.mk
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ENGINE_INC) $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/sim/%.o: sim/%.c $(B)/pkg.mk
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(SIM_INC) $(ALL_CFLAGS) -c $< -o $@

# Built-in scenarios are embedded in the binary as byte arrays.
$(B)/gen/scenarios.c: $(SCENARIO_YAML) scripts/embed-scenarios.sh
	$(quiet) GEN $@
	@mkdir -p $(@D)
	$(Q)sh scripts/embed-scenarios.sh $@ $(SCENARIO_YAML)

$(B)/obj/gen/scenarios.o: $(B)/gen/scenarios.c $(B)/pkg.mk
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(SIM_INC) $(ALL_CFLAGS) -c $< -o $@

$(B)/obj/tests/%.o: tests/%.c $(B)/pkg.mk
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(SIM_INC) -Itests/support $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -c $< -o $@

$(B)/obj/bench/%.o: bench/%.c $(B)/pkg.mk
	$(quiet) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CPPFLAGS) $(SIM_INC) $(ALL_CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	$(quiet) AR $@
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(SIM_A): $(SIM_OBJ)
	$(quiet) AR $@
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(SIM_A) $(LIB_A)
	$(quiet) LINK $@
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(SIM_A) $(LIB_A) $(PKG_LIBS) $(LDLIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(SUPPORT_OBJ) $(SIM_A) $(LIB_A)
	$(quiet) LINK $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(SIM_A) $(LIB_A) $(PKG_LIBS) $(CMOCKA_LIBS) $(LDLIBS)

# A fuzz target linked with a plain main() that replays corpus files, so the
# corpora run in every configuration without libFuzzer.
$(B)/fuzz/replay_%: $(B)/obj/tests/fuzz/fuzz_%.o $(B)/obj/tests/fuzz/replay.o $(SIM_A) $(LIB_A)
	$(quiet) LINK $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

$(B)/fuzz/fuzz_%: $(B)/obj/tests/fuzz/fuzz_%.o $(SIM_A) $(LIB_A)
	$(quiet) LINK $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(LDLIBS)

$(B)/bench/%: $(B)/obj/bench/%.o $(SIM_A) $(LIB_A)
	$(quiet) LINK $@
	@mkdir -p $(@D)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

.SECONDARY:

# -------------------------------------------------------------- targets

.PHONY: all run test golden bench fuzz fuzz-bins fuzz-smoke install clean format lint

all: $(BIN)
ifeq ($(CONFIG),release)
	@ln -sfn $(CONFIG)/leaksim build/leaksim
endif

# The main job: generate -> detect -> score -> report on the default scenario
# with the bundled rules, into leaksim-out/default-seed1/ (replacing an
# earlier run), ending with a summary.
run: all
	@$(BIN) run --force

test: all $(UNIT_BIN) $(REPLAY_BIN)
	@sh tests/run.sh $(B)

# Rewrite the golden files from the current code; review the diff before committing.
golden: $(B)/tests/test_gen
	LEAKSIM_UPDATE_GOLDEN=1 $(B)/tests/test_gen

bench: all $(BENCH_BIN)
	@for b in $(BENCH_BIN); do $$b || exit 1; done
	@sh bench/bench_run.sh $(BIN)

fuzz:
	$(Q)$(MAKE) --no-print-directory CONFIG=fuzz FUZZ=1 CC=clang SANITIZE= fuzz-bins

fuzz-bins: $(FUZZ_BIN)

# Run every fuzz target for FUZZ_SECONDS each, starting from its corpus.
fuzz-smoke: fuzz
	@set -e; for f in $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC)); do \
	    echo "fuzz $$f: $(FUZZ_SECONDS)s"; \
	    mkdir -p build/fuzz/corpus-$$f; \
	    build/fuzz/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
	        build/fuzz/corpus-$$f tests/fuzz/corpus/$$f >build/fuzz/$$f.log 2>&1 \
	        || { tail -n 40 build/fuzz/$$f.log; exit 1; }; \
	    tail -n 1 build/fuzz/$$f.log; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/leaksim
	@if ls docs/man/*.1 >/dev/null 2>&1; then \
	    install -d $(DESTDIR)$(MANDIR)/man1 && \
	    install -m 0644 docs/man/*.1 $(DESTDIR)$(MANDIR)/man1/; fi

clean:
	rm -rf build

format:
	clang-format -i $(wildcard src/*/*.c src/*/*.h sim/*.c sim/*.h sim/*/*.c sim/*/*.h \
	    tests/*/*.c tests/*/*.h bench/*.c bench/*.h)

# Unsafe libc calls are banned (CONVENTIONS.md); a call is a name followed by '('.
lint:
	@sh tests/lint.sh

-include $(LIB_OBJ:.o=.d) $(SIM_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SUPPORT_OBJ:.o=.d)
-include $(patsubst %,$(B)/obj/%,$(UNIT_SRC:.c=.d) $(FUZZ_SRC:.c=.d) $(BENCH_SRC:.c=.d))
-include $(B)/obj/tests/fuzz/replay.d
