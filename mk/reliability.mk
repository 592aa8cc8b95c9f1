# Reliability and security (docs/reliability.md).
#   make reliability      the reliability scenarios at full size (SIZE=full:
#                         10,000 definitions through injected faults, 20 kill
#                         points, ...) against a local server started here;
#                         prints the figures. Never part of `make test`,
#                         which runs the same scripts at a size of seconds.
#                         Strict (RELIABILITY_STRICT=1): also the checks of
#                         known defects that `make test` leaves out (see
#                         docs/reliability.md), so it fails until they are
#                         fixed.
#   make reliability RELIABILITY_TESTS="tests/integration/test_reliability_faults.sh"
#                         one scenario
#   make valgrind         scripts/valgrind-cli.sh: the CLI's main commands
#                         under memcheck (installs valgrind from apt if
#                         missing and root)
RELIABILITY_TESTS ?= $(sort $(wildcard tests/integration/test_reliability_*.sh)) tests/integration/test_secrets.sh

.PHONY: reliability valgrind
reliability: SHELL := /bin/bash
reliability: deps $(BIN_OUT)
	@set -u; state=$$(mktemp -d "$${TMPDIR:-/tmp}/wwseed-rel.XXXXXX"); \
	trap 'scripts/local-ddb.sh stop "$$state/ddb"; rm -rf "$$state"' EXIT; \
	ep=$$(scripts/local-ddb.sh start "$$state/ddb" --memory --createTableMs 50 --deleteTableMs 50 --updateTableMs 50) || exit 1; \
	fail=0; \
	for t in $(RELIABILITY_TESTS); do \
	  echo "== $$t (SIZE=full)"; \
	  ( for v in $$(compgen -e | grep -E '^(AWS_|WWSEED_TABLE_|WWSEED_LEDGER)'); do unset "$$v"; done; \
	    mkdir -p "$$state/home"; \
	    export HOME=$$state/home AWS_CONFIG_FILE=$$state/home/.aws/config \
	      AWS_SHARED_CREDENTIALS_FILE=$$state/home/.aws/credentials AWS_EC2_METADATA_DISABLED=true \
	      WWSEED_ROOT=$(CURDIR) WWSEED_BIN=$(abspath $(BIN_OUT)) WWSEED_TEST_TMP=$$state \
	      WWSEED_TEST_ENDPOINT=$$ep SIZE=full RELIABILITY_STRICT=1; \
	    exec bash "$$t" ) | tee "$$state/out"; \
	  rc=$${PIPESTATUS[0]}; \
	  if grep -q '^not ok' "$$state/out" || [ $$rc -ne 0 ]; then fail=1; fi; \
	done; \
	if [ $$fail -ne 0 ]; then echo "reliability: FAILED"; exit 1; else echo "reliability: all scenarios passed"; fi

valgrind: deps $(BIN_OUT)
	@command -v valgrind >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null; \
	  else echo "valgrind: not installed and not root" >&2; exit 2; fi; }
	scripts/valgrind-cli.sh $(abspath $(BIN_OUT))
