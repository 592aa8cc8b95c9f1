# wwseed build. `make` builds ./wwseed, `make test` runs every test,
# `make demo` runs the main job against a local DynamoDB-compatible server.
# Modules are one static archive each, so tests link exactly the shipped code
# and a module's tests need only the modules below it (common <- aws, models
# <- migrate <- cmd).

CC      ?= cc
PKGS    := libcurl openssl libcjson cmocka
BUILD   ?= build
SANITIZE ?=
WERROR  ?=

WARN := -Wall -Wextra -pedantic -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wvla -Wformat=2 -Wshadow -Wpointer-arith -Wcast-qual \
	-Wundef -fno-common
ifneq ($(WERROR),)
WARN += -Werror
endif

CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -I. -MMD -MP
ifneq ($(SANITIZE),)
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif

# pkg-config is asked only once the dependency step has run (see deps).
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs libcurl openssl libcjson 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
CFLAGS += $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS) -lpthread -lm

MODULES := common aws models migrate
$(foreach m,$(MODULES),$(eval SRC_$(m) := $(sort $(wildcard $(m)/*.c))))
$(foreach m,$(MODULES),$(eval OBJ_$(m) := $(SRC_$(m):%.c=$(BUILD)/%.o)))
$(foreach m,$(MODULES),$(eval LIB_$(m) := $(BUILD)/lib$(m).a))
LIBS_ALL := $(LIB_migrate) $(LIB_models) $(LIB_aws) $(LIB_common)

SRC_cmd := $(sort $(wildcard cmd/*.c))
OBJ_cmd := $(SRC_cmd:%.c=$(BUILD)/%.o)

BIN := wwseed
ifeq ($(BUILD),build)
BIN_OUT := $(BIN)
else
BIN_OUT := $(BUILD)/$(BIN)
endif

.PHONY: all
all: $(BIN_OUT)

$(BIN_OUT): $(OBJ_cmd) $(LIBS_ALL)
	$(CC) $(LDFLAGS) -o $@ $(OBJ_cmd) $(LIBS_ALL) $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

define module_lib
$(LIB_$(1)): $(OBJ_$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach m,$(MODULES),$(eval $(call module_lib,$(m))))

# Unit tests: tests/unit/<module>/test_<unit>.c, one cmocka binary each,
# linked against the module's archive and those below it.
TEST_DEPS_common  := $(LIB_common)
TEST_DEPS_aws     := $(LIB_aws) $(LIB_common)
TEST_DEPS_models  := $(LIB_models) $(LIB_common)
TEST_DEPS_migrate := $(LIBS_ALL)
UNIT_SRC := $(sort $(wildcard $(MODULES:%=tests/unit/%/test_*.c)))
UNIT_BIN := $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)
INTEG_SRC := $(sort $(wildcard tests/integration/test_*.c))
INTEG_BIN := $(INTEG_SRC:tests/%.c=$(BUILD)/tests/%)
SUPPORT_SRC := $(sort $(wildcard tests/support/*.c))
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/%.o)

define unit_rule
$(BUILD)/tests/unit/$(1)/%: tests/unit/$(1)/%.c $(TEST_DEPS_$(1)) $(SUPPORT_OBJ)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$< $(SUPPORT_OBJ) $(TEST_DEPS_$(1)) $$(CMOCKA_LIBS) $$(LDLIBS)
endef
$(foreach m,$(MODULES),$(eval $(call unit_rule,$(m))))

$(BUILD)/tests/integration/%: tests/integration/%.c $(LIBS_ALL) $(SUPPORT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIBS_ALL) $(CMOCKA_LIBS) $(LDLIBS)

.PHONY: deps build-tests test test-unit test-cli test-integration test-asan
deps:
	@scripts/deps.sh

build-tests: $(BIN_OUT) $(UNIT_BIN) $(INTEG_BIN)

# The whole suite: unit, CLI, integration (against dynalite, started and
# stopped by the harness), the CDK app's tests, the fuzz smoke, and the same
# unit/CLI/integration suite again under ASan+UBSan.
test: deps
	$(MAKE) build-tests
	BUILD=$(BUILD) scripts/run-tests.sh all
	$(MAKE) test-asan

test-unit test-cli test-integration: deps
	$(MAKE) build-tests
	BUILD=$(BUILD) scripts/run-tests.sh $(@:test-%=%)

test-asan: deps
	$(MAKE) BUILD=build-asan SANITIZE=address,undefined build-tests
	BUILD=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  scripts/run-tests.sh unit cli integration

.PHONY: format format-check clean distclean
FORMAT_SRC = $(wildcard cmd/*.[ch] common/*.[ch] aws/*.[ch] models/*.[ch] migrate/*.[ch])
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build build-asan build-fuzz $(BIN)

# Further targets (demo, local-up/down, cdk, fuzz, bench, reliability)
# live in mk/*.mk beside the code they drive. Each benchmark fragment adds
# its target to BENCH_TARGETS; `make bench` runs them all (never in test).
BENCH_TARGETS :=
-include mk/*.mk
.PHONY: bench
bench: deps $(BIN_OUT)
	@for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
