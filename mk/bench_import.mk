# Import benchmark: wwseed against the AWS CLI and the Node SDK (issue
# "Benchmarks"; docs/benchmarks.md, "Import: wwseed against the AWS CLI and
# the Node SDK"). Run by `make bench`, never by `make test`.
#
#   make bench-import                      10,000 and 100,000 definitions
#   make bench-import SIZES="10000"        knobs: SIZES, BENCH_IMPORT_ARGS
#                                          (any bench/import/run.py option,
#                                          e.g. "--repeat 3 --cli-sample 50")
#
# It installs what it needs: the Node SDK peer's packages (pinned in
# bench/import/package-lock.json, `npm ci`) and gnuplot (gnuplot-nox, from
# apt, as root) for docs/bench-concurrency.png. Servers are local (dynalite
# in memory, the null sink), on loopback, started and stopped by the run.
BENCH_TARGETS += bench-import

ifneq ($(filter command line environment,$(origin SIZES)),)
BENCH_IMPORT_SIZES := $(SIZES)
else
BENCH_IMPORT_SIZES := 10000 100000
endif
BENCH_IMPORT_ARGS ?=

bench/import/node_modules/.installed: bench/import/package.json bench/import/package-lock.json
	cd bench/import && npm ci --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: bench-import bench-import-gnuplot
bench-import-gnuplot:
	@command -v gnuplot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "bench-import: installing gnuplot-nox for the plot"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null; \
	  else echo "bench-import: gnuplot missing and not root: no plot" >&2; fi; }

bench-import: $(BIN_OUT) bench/import/node_modules/.installed bench-import-gnuplot
	@[ -f node_modules/dynalite/cli.js ] || $(MAKE) --no-print-directory deps
	python3 bench/import/run.py --sizes "$(BENCH_IMPORT_SIZES)" $(BENCH_IMPORT_ARGS)
