#!/usr/bin/env bash
# The README's test command (`make test`): the whole suite on both log adapters. Starts Apache
# Kafka and Apicurio Registry (scripts/kafka.sh, scripts/registry.sh: fetched from Maven Central)
# unless something already listens on their ports, runs `npm test` with the Kafka and registry
# specs enabled, and stops what it started. Needs PostgreSQL on 127.0.0.1:5432 (trust auth,
# database `test`), Java 17 and Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

started=()
stop_started() {
  local rc=$?
  for service in "${started[@]}"; do scripts/"$service".sh down || true; done
  exit "$rc"
}
trap stop_started EXIT

for service in kafka registry; do
  port="$([[ $service == kafka ]] && echo 9092 || echo 8081)"
  if port_open "$port"; then
    echo "[test] $service already listening on 127.0.0.1:$port; using it"
  else
    scripts/"$service".sh up
    started+=("$service")
  fi
done

export LEDGER_TEST_KAFKA=1 LEDGER_TEST_REGISTRY=1
export LEDGER_KAFKA_BROKERS="${LEDGER_KAFKA_BROKERS:-127.0.0.1:9092}"
export LEDGER_REGISTRY_URL="${LEDGER_REGISTRY_URL:-http://127.0.0.1:8081/apis/ccompat/v7}"
# One run covers both adapters: each adapter's specs (the log contract, copy-log, the processors'
# and projections' end-to-end specs) run in it; the Kafka and registry ones fail, never skip,
# when the broker or registry is unreachable.
npm test
