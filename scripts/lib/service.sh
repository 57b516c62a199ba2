# Shared helpers for the infra scripts (kafka.sh, registry.sh): one background JVM per
# service, a pid file, a log file, a readiness wait. Sourced, not executed.

LEDGER_REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LEDGER_CACHE_DIR="${LEDGER_CACHE_DIR:-$HOME/.cache/call-ledger}"
LEDGER_RUN_DIR="${LEDGER_RUN_DIR:-$LEDGER_REPO_DIR/.run}"

say() { printf '[%s] %s\n' "$SERVICE_NAME" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

service_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
  return 1
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Starts "$@" detached from this shell (own session, survives the caller), output to $LOG_FILE.
service_spawn() {
  mkdir -p "$(dirname "$LOG_FILE")"
  # Keep the previous run's log (a crash's evidence) one generation back.
  [[ -s "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.previous"
  : >"$LOG_FILE"
  setsid nohup "$@" >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
}

# Waits until `ready_check` succeeds; fails early if the process died, or after $1 seconds.
service_wait_ready() {
  local timeout="$1" waited=0
  while ! ready_check; do
    if ! service_pid >/dev/null; then
      say "process exited during start; last log lines:"
      tail -n 60 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if (( waited >= timeout )); then
      say "not ready after ${timeout}s; last log lines:"
      tail -n 60 "$LOG_FILE" >&2 || true
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "ready after ~${waited}s (pid $(cat "$PID_FILE"), log $LOG_FILE)"
}

# SIGTERM, wait for a clean exit, SIGKILL as a last resort.
service_stop() {
  local pid
  if ! pid="$(service_pid)"; then
    say "not running"
    rm -f "$PID_FILE"
    return 0
  fi
  say "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 "${1:-30}"); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; say "stopped"; return 0; }
    sleep 1
  done
  say "still alive; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

service_status() {
  local pid
  if pid="$(service_pid)"; then echo "$SERVICE_NAME running (pid $pid)"; else echo "$SERVICE_NAME stopped"; return 3; fi
}

service_logs() { tail -n "${LEDGER_LOG_LINES:-200}" "$LOG_FILE"; }
