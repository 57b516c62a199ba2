# Entry points. The scripts do the work; keep targets thin. See README.md.
.PHONY: help test run kafka-up kafka-down registry-up registry-down infra-up infra-down ci

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

test: ## the whole suite on both log adapters (starts Kafka and the registry if not running, stops them after)
	scripts/test.sh

run: ## the product, embedded (no Kafka needed), web pages built first; node directly so Ctrl-C/SIGTERM reach it
	node_modules/.bin/node web/build.ts
	node_modules/.bin/node cli/call-ledger.ts run

kafka-up: ## Apache Kafka (KRaft, one node) on 127.0.0.1:9092, fetched from Maven Central
	scripts/kafka.sh up

kafka-down:
	scripts/kafka.sh down

registry-up: ## Apicurio Registry (in-memory) on 127.0.0.1:8081, ccompat API at /apis/ccompat/v7
	scripts/registry.sh up

registry-down:
	scripts/registry.sh down

infra-up: kafka-up registry-up ## Kafka + registry

# The registry keeps its schemas in memory: once it stops, the broker's records name schema ids
# that no longer exist (or, worse, that a new registry gives to other schemas). So the pair keeps
# nothing across a stop.
infra-down: registry-down kafka-down ## stop both and delete the broker's data
	scripts/kafka.sh clean

ci: ## what CI runs (.ci/run): install, start infra, test with both adapters, stop
	.ci/run
