# DynamoDB client micro-benchmark (docs/benchmarks.md, "DynamoDB client").
# Run by `make bench`, never by `make test`:
#
#   make bench-client                       2000 requests per run, 4 threads
#   make bench-client BENCH_CLIENT_N=5000 BENCH_CLIENT_K=8
#
# Two servers, both on loopback: dynalite in memory (started and stopped
# here through scripts/local-ddb.sh) and a null server that the benchmark
# forks, answering "{}" with a correct x-amz-crc32 (the client's ceiling).
BENCH_TARGETS += bench-client
BENCH_CLIENT_N ?= 2000
BENCH_CLIENT_NULL_N ?= 20000
BENCH_CLIENT_K ?= 4

$(BUILD)/bench/ddb_client: bench/ddb_client.c $(LIB_aws) $(LIB_common)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_aws) $(LIB_common) $(LDLIBS)

.PHONY: bench-client
bench-client: $(BUILD)/bench/ddb_client
	@[ -f node_modules/dynalite/cli.js ] || $(MAKE) --no-print-directory deps
	@state=$$(mktemp -d "$${TMPDIR:-/tmp}/wwseed-bench-client.XXXXXX"); \
	  trap 'scripts/local-ddb.sh stop "$$state"; rm -rf "$$state"' EXIT; \
	  ep=$$(scripts/local-ddb.sh start "$$state" --memory --createTableMs 50) || exit 1; \
	  echo "bench-client: dynalite at $$ep, $(BENCH_CLIENT_N) requests, 1 and $(BENCH_CLIENT_K) threads"; \
	  $(BUILD)/bench/ddb_client --endpoint "$$ep" -n $(BENCH_CLIENT_N) -k $(BENCH_CLIENT_K) || exit 1; \
	  echo "bench-client: null server, $(BENCH_CLIENT_NULL_N) requests"; \
	  $(BUILD)/bench/ddb_client --null -n $(BENCH_CLIENT_NULL_N) -k $(BENCH_CLIENT_K) | tail -n +2

# common/sha256.c throughput, SHA-NI path (when the CPU has it) against the
# portable one: `make bench-sha256` (BENCH_SHA256_MB per size, default 256).
BENCH_TARGETS += bench-sha256
BENCH_SHA256_MB ?= 256

$(BUILD)/bench/sha256_bench: bench/sha256_bench.c $(LIB_common)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_common) $(LDLIBS)

.PHONY: bench-sha256
bench-sha256: $(BUILD)/bench/sha256_bench
	@$(BUILD)/bench/sha256_bench $(BENCH_SHA256_MB)
