#!/usr/bin/env bash
# Apicurio Registry for tests, CI and local runs, without Docker: its runnable `all` archive
# (io.apicurio:apicurio-registry-app:<version>:tar.gz:all) comes from Maven Central into a
# cache outside the repository and runs with in-memory storage on 127.0.0.1:8081. The
# Confluent-compatible API is at http://127.0.0.1:8081/apis/ccompat/v7.
#   scripts/registry.sh fetch|up|down|status|logs
set -euo pipefail
SERVICE_NAME=registry
source "$(dirname "${BASH_SOURCE[0]}")/lib/service.sh"

REGISTRY_VERSION="${LEDGER_REGISTRY_VERSION:-3.0.9}"
REGISTRY_HOME="$LEDGER_CACHE_DIR/apicurio/apicurio-registry-app-$REGISTRY_VERSION"
ARCHIVE="$LEDGER_CACHE_DIR/apicurio/apicurio-registry-app-$REGISTRY_VERSION-all.tar.gz"
REGISTRY_DIR="$LEDGER_RUN_DIR/registry"
PID_FILE="$REGISTRY_DIR/registry.pid"
LOG_FILE="$REGISTRY_DIR/registry.log"
JAVA="${LEDGER_REGISTRY_JAVA_HOME:+$LEDGER_REGISTRY_JAVA_HOME/bin/}java"
HEAP_OPTS="${LEDGER_REGISTRY_HEAP_OPTS:--Xms64m -Xmx384m}"
PORT=8081
CCOMPAT_URL="http://127.0.0.1:$PORT/apis/ccompat/v7"

runner_jar() { echo "$REGISTRY_HOME/apicurio-registry-app-$REGISTRY_VERSION-runner.jar"; }

fetch() {
  if [[ -f "$(runner_jar)" ]]; then
    say "Apicurio Registry $REGISTRY_VERSION already in $REGISTRY_HOME"
    return
  fi
  if [[ ! -f "$ARCHIVE" ]]; then
    command -v mvn >/dev/null || die "mvn not found (apt-get install -y maven)"
    say "fetching Apicurio Registry $REGISTRY_VERSION from Maven Central"
    mvn -B -q -Dstyle.color=never dependency:copy \
      -Dartifact="io.apicurio:apicurio-registry-app:$REGISTRY_VERSION:tar.gz:all" \
      -DoutputDirectory="$LEDGER_CACHE_DIR/apicurio"
  fi
  local staging="$REGISTRY_HOME.partial"
  rm -rf "$staging"
  mkdir -p "$staging"
  tar -xzf "$ARCHIVE" -C "$staging"
  rm -rf "$REGISTRY_HOME"
  mv "$staging" "$REGISTRY_HOME"
  [[ -f "$(runner_jar)" ]] || die "archive has no $(basename "$(runner_jar)")"
}

ready_check() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$CCOMPAT_URL/subjects" 2>/dev/null)" == 200 ]]
}

up() {
  if service_pid >/dev/null; then say "already running (pid $(service_pid))"; return; fi
  port_open 127.0.0.1 "$PORT" && die "127.0.0.1:$PORT is taken by another process"
  command -v curl >/dev/null || die "curl not found (apt-get install -y curl)"
  fetch
  mkdir -p "$REGISTRY_DIR"
  say "starting Apicurio Registry $REGISTRY_VERSION (in-memory) on 127.0.0.1:$PORT"
  # Storage defaults to an in-memory H2 database: every start is empty, which is what tests want.
  service_spawn "$JAVA" $HEAP_OPTS -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dquarkus.log.console.color=false \
    -jar "$(runner_jar)"
  service_wait_ready "${LEDGER_REGISTRY_START_TIMEOUT:-180}"
}

case "${1:-}" in
  fetch) fetch ;;
  up) up ;;
  down) service_stop 30 ;;
  status) service_status ;;
  logs) service_logs ;;
  *) echo "usage: $0 fetch|up|down|status|logs" >&2; exit 2 ;;
esac
