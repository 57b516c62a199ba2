#!/usr/bin/env bash
# Apache Kafka for tests, CI and local runs, without Docker: the broker's jars come from
# Maven Central (infra/kafka/pom.xml) into a cache outside the repository; one KRaft node
# (broker + controller) runs on 127.0.0.1:9092 (controller 9093) with data and logs in the
# run dir.
#   scripts/kafka.sh fetch|up|down|kill|status|logs|clean
set -euo pipefail
SERVICE_NAME=kafka
source "$(dirname "${BASH_SOURCE[0]}")/lib/service.sh"

# 4.4.0 is the newest 4.x on Maven Central and passes our kafkajs checks (docs/kafka-compatibility.md).
KAFKA_VERSION="${LEDGER_KAFKA_VERSION:-4.4.0}"
KAFKA_HOME="$LEDGER_CACHE_DIR/kafka-$KAFKA_VERSION"
KAFKA_DIR="$LEDGER_RUN_DIR/kafka"
PID_FILE="$KAFKA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DIR/server.log"
JAVA="${LEDGER_KAFKA_JAVA_HOME:+$LEDGER_KAFKA_JAVA_HOME/bin/}java"
HEAP_OPTS="${LEDGER_KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"

fetch() {
  if [[ -f "$KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar" ]]; then
    say "Kafka $KAFKA_VERSION already in $KAFKA_HOME"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found (apt-get install -y maven)"
  say "fetching Kafka $KAFKA_VERSION from Maven Central into $KAFKA_HOME"
  local staging="$KAFKA_HOME.partial"
  rm -rf "$staging"
  (cd "$LEDGER_REPO_DIR/infra/kafka" && mvn -B -q -Dstyle.color=never -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$staging/libs" -DincludeScope=runtime)
  rm -rf "$KAFKA_HOME"
  mv "$staging" "$KAFKA_HOME"
}


# Readiness: the broker accepts connections and has logged that it finished starting.
ready_check() {
  port_open 127.0.0.1 9092 && grep -q 'Kafka Server started' "$LOG_FILE"
}

up() {
  if service_pid >/dev/null; then say "already running (pid $(service_pid))"; return; fi
  port_open 127.0.0.1 9092 && die "127.0.0.1:9092 is taken by another process"
  fetch
  mkdir -p "$KAFKA_DIR/data"
  { cat "$LEDGER_REPO_DIR/infra/kafka/server.properties"; echo "log.dirs=$KAFKA_DIR/data"; } >"$KAFKA_DIR/server.properties"
  if [[ ! -f "$KAFKA_DIR/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    say "formatting storage (cluster $cluster_id)"
    "$JAVA" -Xmx256m -cp "$KAFKA_HOME/libs/*" kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/format.log" 2>&1 \
      || { cat "$KAFKA_DIR/format.log" >&2; die "storage format failed"; }
  fi
  say "starting Kafka $KAFKA_VERSION on 127.0.0.1:9092"
  service_spawn "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LEDGER_REPO_DIR/infra/kafka/log4j2.properties" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$KAFKA_DIR/server.properties"
  service_wait_ready "${LEDGER_KAFKA_START_TIMEOUT:-120}"
}

# Hard kill (SIGKILL) for fault tests: the broker gets no chance to shut down cleanly.
hard_kill() {
  local pid
  pid="$(service_pid)" || { say "not running"; return; }
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  rm -f "$PID_FILE"
  say "killed pid $pid"
}

clean() {
  service_pid >/dev/null && die "running; run 'scripts/kafka.sh down' first"
  rm -rf "$KAFKA_DIR"
  say "removed $KAFKA_DIR"
}

case "${1:-}" in
  fetch) fetch ;;
  up) up ;;
  down) service_stop 60 ;;
  kill) hard_kill ;;
  status) service_status ;;
  logs) service_logs ;;
  clean) clean ;;
  *) echo "usage: $0 fetch|up|down|kill|status|logs|clean" >&2; exit 2 ;;
esac
