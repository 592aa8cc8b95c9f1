# Fuzzing with libFuzzer (clang): every tests/fuzz/fuzz_*.c becomes
# build-fuzz/<name>, linked against the modules compiled again with clang
# and -fsanitize=fuzzer-no-link,address,undefined (never the gcc archives).
#
#   make fuzz                      build and run each target FUZZ_SECONDS (60)
#   make fuzz FUZZ_SECONDS=600     longer
#   make fuzz-build                build only
#
# Each target starts from its checked-in corpus, tests/fuzz/corpus/<name>/
# (seeded from the test fixtures), and grows a working copy under
# build-fuzz/corpus/<name>/; crashes land in build-fuzz/crashes/ and become
# fixtures. tests/fuzz/smoke_fuzz.sh (the harness's fuzz group) runs every
# target briefly.
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_DIR      := build-fuzz
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   := -O1 -g -std=c11 -D_GNU_SOURCE -I. -MMD -MP $(FUZZ_SAN) $(PKG_CFLAGS)
FUZZ_TARGETS  := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_MOD_SRC  := $(foreach m,$(MODULES),$(SRC_$(m)))
FUZZ_MOD_OBJ  := $(FUZZ_MOD_SRC:%.c=$(FUZZ_DIR)/obj/%.o)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libfuzzmods.a: $(FUZZ_MOD_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libfuzzmods.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libfuzzmods.a $(PKG_LIBS) -lpthread -lm

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  n=$$(basename $$t); \
	  mkdir -p $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/crashes tests/fuzz/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/crashes/$$n- \
	    $(FUZZ_DIR)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

-include $(shell find $(FUZZ_DIR) -name '*.d' 2>/dev/null)
