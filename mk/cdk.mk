# The CDK app in infra-cdk/ (tables, outputs, seeder IAM).
#   make cdk-synth [STAGE=dev] [LAYOUT=per-kind|single-table]
#       writes infra-cdk/cdk.out/Schratcho-$(STAGE).template.json, offline
#   make cdk-test      the app's own tests (node's test runner)
# The CLI's telemetry, version check and notices are off: synth needs no network.
STAGE  ?= dev
LAYOUT ?= per-kind
CDK_ENV := CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=true

.PHONY: cdk-synth cdk-test
cdk-synth: deps
	cd infra-cdk && npm run --silent build && \
	  $(CDK_ENV) node_modules/.bin/cdk synth --quiet --no-notices \
	    -c stage=$(STAGE) -c layout=$(LAYOUT) >/dev/null
	@echo "infra-cdk/cdk.out/Schratcho-$(STAGE).template.json"

cdk-test: deps
	cd infra-cdk && npm test
