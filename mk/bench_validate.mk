# Validation benchmark (docs/benchmarks.md, "Validation"). Run by
# `make bench` (or alone: `make bench-validate`), never by `make test`.
#
#   make bench-validate                          100,000 tickets
#   make bench-validate BENCH_VALIDATE_TICKETS=20000
#
# Generates synthetic definitions (bench/gen_defs.py: realistic tickets with
# 10 scratch areas and a 10-prize pool, plus prizes and stores) as one export
# file and as JSON Lines, then reports validation throughput beside parsing
# the same file with cJSON alone, and the peak memory of validating the JSON
# Lines stream at two sizes (the second 4x the first).
BENCH_TARGETS += bench-validate
BENCH_VALIDATE_TICKETS ?= 100000
BENCH_VALIDATE_DIR := $(BUILD)/bench-validate

$(BUILD)/bench/validate_bench: bench/validate_bench.c $(BUILD)/migrate/source.o $(LIB_models) $(LIB_common)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/migrate/source.o $(LIB_models) $(LIB_common) $(LDLIBS)

.PHONY: bench-validate
bench-validate: $(BUILD)/bench/validate_bench
	@rm -rf $(BENCH_VALIDATE_DIR) && mkdir -p $(BENCH_VALIDATE_DIR)
	python3 bench/gen_defs.py $(BENCH_VALIDATE_DIR)/n $(BENCH_VALIDATE_TICKETS)
	python3 bench/gen_defs.py $(BENCH_VALIDATE_DIR)/n4 $$(( $(BENCH_VALIDATE_TICKETS) * 4 )) lines
	@echo "== export shape, $(BENCH_VALIDATE_TICKETS) tickets"
	$(BUILD)/bench/validate_bench compare $(BENCH_VALIDATE_DIR)/n/export.json
	@echo "== JSON Lines stream, $(BENCH_VALIDATE_TICKETS) and $$(( $(BENCH_VALIDATE_TICKETS) * 4 )) tickets"
	$(BUILD)/bench/validate_bench stream $(BENCH_VALIDATE_DIR)/n/lines
	$(BUILD)/bench/validate_bench stream $(BENCH_VALIDATE_DIR)/n4/lines
	@rm -rf $(BENCH_VALIDATE_DIR)
