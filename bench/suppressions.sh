#!/usr/bin/env bash
# The suppression list through the HTTP API, on H2 and on MariaDB one after the other: how fast
# bulk requests ({"emails":[...1000...]}) put addresses on it, and how long one page of 1000
# suppressions takes to read once they are all in the read model.
#
# Usage: bench/suppressions.sh [requests] (each request suppresses 1000 new addresses; default 20)
# Needs: the built jar (mvn -DskipTests package), curl, MariaDB on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-20}
JAR=cluster-node/target/herald.jar
OUT=bench/results
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }

TOKEN=bench-operator-token-0123456789
PORT=18180
API="http://127.0.0.1:$PORT/api/v1"

wait_ready() {
  for _ in $(seq 1 120); do
    # Ready, and the API bound (it answers 401 without a key).
    curl -sf "http://127.0.0.1:18658/ready" >/dev/null \
      && [ "$(curl -s -o /dev/null -w '%{http_code}' "$API/lists")" = 401 ] && return 0
    sleep 0.5
  done
  echo "node did not become ready" >&2; return 1
}

now_ms() { date +%s%3N; }

# Suppresses the addresses of one request body; stops the run on any answer but 200.
post_bulk() {
  local status
  status=$(curl -s -o "$OUT/last-bulk-reply.json" -w '%{http_code}' -X POST \
    -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary @"$2" \
    "$API/suppressions")
  [ "$status" = 200 ] || { echo "bulk request answered $status" >&2; head -c 300 \
    "$OUT/last-bulk-reply.json" >&2; exit 1; }
}

# Reads the whole list a page of 1000 at a time: sets PAGES, ITEMS and WALK_MS.
walk_pages() {
  local key=$1 cursor="" page started
  PAGES=0; ITEMS=0
  started=$(now_ms)
  while :; do
    page=$(curl -sf -H "Authorization: Bearer $key" \
      "$API/suppressions?limit=1000${cursor:+&cursor=$cursor}")
    PAGES=$((PAGES + 1))
    ITEMS=$((ITEMS + $(echo "$page" | grep -o '"email"' | wc -l)))
    cursor=$(echo "$page" | sed -n 's/.*"nextCursor":"\([^"]*\)".*/\1/p')
    [ -z "$cursor" ] && break
  done
  WALK_MS=$(( $(now_ms) - started ))
}

run_one() {
  local label=$1; shift
  local data; data=$(mktemp -d)
  env "$@" HERALD_DATA_DIR="$data" HERALD_HTTP_PORT=$PORT HERALD_MANAGEMENT_PORT=18658 \
    HERALD_REMOTE_PORT=25699 HERALD_ADMIN_TOKEN=$TOKEN HERALD_ASK_TIMEOUT=30s \
    java -Xms1g -Xmx1g -jar "$JAR" > "$OUT/node-suppressions-$label.log" 2>&1 &
  local pid=$!
  trap "kill -TERM $pid 2>/dev/null || true" EXIT
  wait_ready
  local key
  key=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "$API/accounts" | sed 's/.*"apiKey":"\([^"]*\)".*/\1/')
  local bodies; bodies=$(mktemp -d)
  for r in $(seq 0 "$REQUESTS"); do
    seq 1 1000 | sed "s/.*/\"p${r}x&@example.com\"/" | paste -sd, \
      | sed 's/^/{"reason":"bounced","emails":[/; s/$/]}/' > "$bodies/$r.json"
  done
  # Warm-up with request 0, then the measured requests one after the other.
  post_bulk "$key" "$bodies/0.json"
  local start end
  start=$(now_ms)
  for r in $(seq 1 "$REQUESTS"); do
    post_bulk "$key" "$bodies/$r.json"
  done
  end=$(now_ms)
  local total=$(( (REQUESTS + 1) * 1000 ))
  echo "$label bulk: $((REQUESTS * 1000)) addresses in $((end - start)) ms," \
    "$((REQUESTS * 1000 * 1000 / (end - start))) addresses/s"
  # Walk every page of 1000 until the read model holds them all; then one more, measured walk.
  local ready=0
  for _ in $(seq 1 60); do
    walk_pages "$key"
    if [ "$ITEMS" -eq "$total" ]; then ready=1; break; fi
    sleep 0.5
  done
  [ "$ready" = 1 ] || echo "$label: the read model holds $ITEMS of $total suppressions" >&2
  walk_pages "$key"
  echo "$label pages: $PAGES pages of up to 1000 over $ITEMS suppressions in $WALK_MS ms," \
    "$(( WALK_MS / PAGES )) ms per page"
  kill -TERM $pid; wait $pid || true
  rm -rf "$data" "$bodies"
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $REQUESTS bulk requests of 1000"
run_one h2
mysql -h127.0.0.1 -uroot \
  -e 'DROP DATABASE IF EXISTS herald_bench_supp; CREATE DATABASE herald_bench_supp'
run_one mariadb HERALD_DB=mysql HERALD_DB_URL="jdbc:mysql://127.0.0.1:3306/herald_bench_supp" \
  HERALD_DB_USER=root
mysql -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS herald_bench_supp'
