# make demo: the whole job on this machine, against a local DynamoDB-
# compatible server (dynalite) whose data persists in .local/ddb:
#   deps -> build -> start the server -> synthesize the CDK app -> create
#   its tables -> import seeds/ (plan and summary) -> status -> stop the
#   server it started. A second `make demo` finds the tables and says
#   "No changes".
# make local-up / local-down keep a server running on that data for your own
# commands (they print the endpoint and the export line to use).
#
# The credentials below are dummies for the local server, which accepts any
# signature; they are not real AWS credentials and reach nothing else.
DEMO_STATE := .local/ddb
DEMO_STAGE := dev
DEMO_TEMPLATE := infra-cdk/cdk.out/Schratcho-$(DEMO_STAGE).template.json
DEMO_CREDS := AWS_ACCESS_KEY_ID=AKIDLOCALDEMO AWS_SECRET_ACCESS_KEY=local-demo-secret-not-real \
	AWS_REGION=us-east-1

.PHONY: demo local-up local-down
demo: deps
	@$(MAKE) --no-print-directory $(BIN_OUT)
	@set -e; \
	if endpoint=$$(scripts/local-ddb.sh status $(DEMO_STATE) 2>/dev/null); then \
	  echo "demo: using the local server already running at $$endpoint ($(DEMO_STATE))"; \
	else \
	  endpoint=$$(scripts/local-ddb.sh start $(DEMO_STATE)); \
	  trap 'scripts/local-ddb.sh stop $(DEMO_STATE); echo "demo: stopped the local server (the tables stay in $(DEMO_STATE))"' EXIT; \
	  echo "demo: started a local DynamoDB-compatible server (dynalite) at $$endpoint, data in $(DEMO_STATE)"; \
	fi; \
	echo "demo: synthesizing the CDK app (make cdk-synth STAGE=$(DEMO_STAGE))"; \
	$(MAKE) --no-print-directory cdk-synth STAGE=$(DEMO_STAGE) LAYOUT=per-kind >/dev/null; \
	export $(DEMO_CREDS) AWS_ENDPOINT_URL_DYNAMODB=$$endpoint; \
	echo; echo "$$ wwseed tables create --template $(DEMO_TEMPLATE) --stage $(DEMO_STAGE)"; \
	./$(BIN_OUT) tables create --template $(DEMO_TEMPLATE) --stage $(DEMO_STAGE); \
	echo; echo "$$ wwseed import seeds/"; \
	./$(BIN_OUT) import --stage $(DEMO_STAGE) --report .local/last-import.json seeds/; \
	echo; echo "$$ wwseed status --limit 3"; \
	./$(BIN_OUT) status --stage $(DEMO_STAGE) --limit 3 seeds/; \
	echo; echo "demo: the JSON report of the import is in .local/last-import.json"

local-up: deps
	@endpoint=$$(scripts/local-ddb.sh start $(DEMO_STATE)) && \
	echo "local DynamoDB (dynalite) at $$endpoint, data in $(DEMO_STATE)" && \
	echo "export AWS_ENDPOINT_URL_DYNAMODB=$$endpoint $(DEMO_CREDS)" && \
	echo "(dummy credentials: the local server accepts any; stop it with 'make local-down')"

local-down:
	@scripts/local-ddb.sh stop $(DEMO_STATE) && echo "stopped the local server (data kept in $(DEMO_STATE))"
