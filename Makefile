# Entry points. The scripts do the work; keep targets thin. See README.md.
.PHONY: help test test-all run kafka-up kafka-down registry-up registry-down infra-up infra-down ci

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

test: ## unit + int tests (Kafka specs need LEDGER_TEST_KAFKA=1 and `make infra-up`)
	npm test

test-all: infra-up ## npm test with the Kafka and registry specs enabled (starts both if needed)
	LEDGER_TEST_KAFKA=1 LEDGER_TEST_REGISTRY=1 npm test

run: ## the product, embedded (no Kafka needed)
	npm start

kafka-up: ## Apache Kafka (KRaft, one node) on 127.0.0.1:9092, fetched from Maven Central
	scripts/kafka.sh up

kafka-down:
	scripts/kafka.sh down

registry-up: ## Apicurio Registry (in-memory) on 127.0.0.1:8081, ccompat API at /apis/ccompat/v7
	scripts/registry.sh up

registry-down:
	scripts/registry.sh down

infra-up: kafka-up registry-up ## Kafka + registry

infra-down: registry-down kafka-down

ci: ## what CI runs (.ci/run): install, start infra, test with both adapters, stop
	.ci/run
