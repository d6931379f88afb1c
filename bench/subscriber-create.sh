#!/usr/bin/env bash
# Subscriber creations per second through the HTTP API, on H2 and on MariaDB, one after the other
# in the same run so the two figures can be compared as a ratio.
#
# Usage: bench/subscriber-create.sh [seconds] [connections]
# Needs: the built jar (mvn -DskipTests package), wrk (apt-get install wrk), MariaDB on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-30}
CONNECTIONS=${2:-64}
JAR=cluster-node/target/herald.jar
OUT=bench/results
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }

TOKEN=bench-operator-token-0123456789
PORT=18080

wait_ready() {
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:18558/ready" >/dev/null && return 0
    sleep 0.5
  done
  echo "node did not become ready" >&2; return 1
}

run_one() {
  local label=$1; shift
  local data; data=$(mktemp -d)
  env "$@" HERALD_DATA_DIR="$data" HERALD_HTTP_PORT=$PORT HERALD_MANAGEMENT_PORT=18558 \
    HERALD_REMOTE_PORT=25599 HERALD_ADMIN_TOKEN=$TOKEN \
    java -Xms1g -Xmx1g -jar "$JAR" > "$OUT/node-$label.log" 2>&1 &
  local pid=$!
  wait_ready
  local key list
  key=$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "http://127.0.0.1:$PORT/api/v1/accounts" | sed 's/.*"apiKey":"\([^"]*\)".*/\1/')
  list=$(curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "http://127.0.0.1:$PORT/api/v1/lists" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  # Warm-up, then the measured run.
  HERALD_KEY=$key HERALD_LIST=$list wrk -t2 -c"$CONNECTIONS" -d10s \
    -s bench/subscriber-create.lua "http://127.0.0.1:$PORT" > /dev/null
  local result
  result=$(HERALD_KEY=$key HERALD_LIST=$list wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" \
    -s bench/subscriber-create.lua "http://127.0.0.1:$PORT" | grep '^requests=')
  echo "$label $result"
  kill -TERM $pid; wait $pid || true
  rm -rf "$data"
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, ${SECONDS_PER_RUN}s, $CONNECTIONS connections"
run_one h2
mysql -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS herald_bench; CREATE DATABASE herald_bench'
run_one mariadb HERALD_DB=mysql HERALD_DB_URL="jdbc:mysql://127.0.0.1:3306/herald_bench" HERALD_DB_USER=root
mysql -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS herald_bench'
