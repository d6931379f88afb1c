#!/usr/bin/env bash
# A local three-node Herald cluster on this machine, from cluster-node/target/herald.jar with
# config/local1..3.conf, against the local MariaDB database "herald".
#
#   deploy/local-cluster.sh start    start the three nodes and wait until each is ready
#   deploy/local-cluster.sh stop     stop them with SIGTERM (coordinated shutdown)
#   deploy/local-cluster.sh status   show each node's process and /ready answer
#
# Build the jar first: mvn -B -pl cluster-node -am package -DskipTests
# Environment: HERALD_LOCAL_DIR (logs, pids, data; default data/local-cluster in the repository),
# HERALD_JAR, JAVA_OPTS (default -Xmx512m), HERALD_READY_TIMEOUT (seconds, default 180),
# HERALD_DB_URL / HERALD_DB_USER / HERALD_DB_PASSWORD (default: the values in local1..3.conf).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${HERALD_JAR:-$repo/cluster-node/target/herald.jar}"
run_dir="${HERALD_LOCAL_DIR:-$repo/data/local-cluster}"
java_opts="${JAVA_OPTS:--Xmx512m}"
ready_timeout="${HERALD_READY_TIMEOUT:-180}"
nodes=(1 2 3)

management_port() { echo $((8558 + $1)); }
pid_file() { echo "$run_dir/local$1.pid"; }

running_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

is_ready() {
  curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$(management_port "$1")/ready"
}

check_database() {
  local user="${HERALD_DB_USER:-herald}" password="${HERALD_DB_PASSWORD:-herald-local}"
  if ! mysql -h127.0.0.1 -u"$user" -p"$password" herald -e 'SELECT 1' >/dev/null 2>&1; then
    echo "Cannot reach the MariaDB database 'herald' as '$user' on 127.0.0.1:3306." >&2
    echo "Start MariaDB, then run as an administrator:" >&2
    echo "  mysql -h127.0.0.1 -uroot < $repo/deploy/mysql-setup.sql" >&2
    exit 1
  fi
}

start() {
  if [[ ! -f "$jar" ]]; then
    echo "No $jar; build it: mvn -B -pl cluster-node -am package -DskipTests" >&2
    exit 1
  fi
  check_database
  mkdir -p "$run_dir/logs"

  # Every node must accept the same operator token; make one once and keep it.
  if [[ -z "${HERALD_ADMIN_TOKEN:-}" ]]; then
    if [[ ! -f "$run_dir/admin-token" ]]; then
      (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=' >"$run_dir/admin-token")
    fi
    HERALD_ADMIN_TOKEN="$(cat "$run_dir/admin-token")"
  fi
  export HERALD_ADMIN_TOKEN

  # Node 1 first: it is the first seed, the only one that may form the cluster by itself.
  for n in "${nodes[@]}"; do
    if pid="$(running_pid "$n")"; then
      echo "local$n already runs (pid $pid)"
      continue
    fi
    # Data directories in local*.conf are relative, so each node runs from the run folder.
    # shellcheck disable=SC2086 # JAVA_OPTS holds several options
    (cd "$run_dir" && exec nohup java $java_opts -Dconfig.resource="local$n.conf" \
      -jar "$jar" >>"logs/local$n.log" 2>&1 </dev/null) &
    echo $! >"$(pid_file "$n")"
    echo "local$n started (pid $!), log $run_dir/logs/local$n.log"
  done

  local deadline=$((SECONDS + ready_timeout))
  for n in "${nodes[@]}"; do
    until is_ready "$n"; do
      if ! running_pid "$n" >/dev/null; then
        echo "local$n exited; the end of its log:" >&2
        tail -n 30 "$run_dir/logs/local$n.log" >&2
        exit 1
      fi
      if ((SECONDS > deadline)); then
        echo "local$n not ready after ${ready_timeout}s; see $run_dir/logs/local$n.log" >&2
        exit 1
      fi
      sleep 1
    done
    echo "local$n ready: API http://localhost:$((8080 + n)), management" \
      "http://127.0.0.1:$(management_port "$n")"
  done
  echo "Operator token: $run_dir/admin-token"
}

stop() {
  local pids=()
  for n in "${nodes[@]}"; do
    if pid="$(running_pid "$n")"; then
      kill -TERM "$pid"
      pids+=("$pid")
      echo "local$n stopping (pid $pid)"
    fi
    rm -f "$(pid_file "$n")"
  done
  # Coordinated shutdown hands shards over and leaves the cluster; give it time.
  local deadline=$((SECONDS + 60))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS > deadline)); then
        echo "pid $pid still runs after 60s; it was left running" >&2
        exit 1
      fi
      sleep 1
    done
  done
  echo "stopped"
}

status() {
  for n in "${nodes[@]}"; do
    local state="stopped" ready="-"
    if pid="$(running_pid "$n")"; then
      state="running (pid $pid)"
      if is_ready "$n"; then ready="ready"; else ready="not ready"; fi
    fi
    echo "local$n: $state, $ready"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
