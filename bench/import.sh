#!/usr/bin/env bash
# Address-book imports: rows per second from upload to "completed", the time until the read model
# shows every row, and the node's peak heap, for a CSV and an XLSX file, into an empty list and
# again into the list that already holds them; on H2, then on MariaDB.
#
# Usage: bench/import.sh [csv rows] [xlsx rows] [heap] [databases] [warm-up rows]
#   defaults: 1000000 200000 512m "h2 mariadb" 0
# With warm-up rows, the node first imports that many rows of the CSV file into a list of its own
# account and waits for its read model, so that the measured imports run on compiled code, as on
# a node that has been up for a while; without, they include the JIT compiler's start.
# Needs: the built jar (mvn -B -q -DskipTests package), python3, curl, jq, the mysql client and
# MariaDB on 127.0.0.1 (root, no password).
set -euo pipefail
cd "$(dirname "$0")/.."
CSV_ROWS=${1:-1000000}
XLSX_ROWS=${2:-200000}
HEAP=${3:-512m}
DATABASES=${4:-h2 mariadb}
WARMUP_ROWS=${5:-0}
JAR=cluster-node/target/herald.jar
H2_JAR=$(ls ~/.m2/repository/com/h2database/h2/*/h2-*.jar | head -1)
OUT=bench/results
FILES=$(mktemp -d)
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }

TOKEN=bench-operator-token-0123456789
PORT=18080
API="http://127.0.0.1:$PORT/api/v1"
XLSX_TYPE=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet

# A node left running by a failed step would hold the ports of the next run.
NODE_PID=
trap '[ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null; rm -rf "$FILES"' EXIT

python3 bench/import-files.py "$CSV_ROWS" "$XLSX_ROWS" "$FILES"

wait_ready() {
  for _ in $(seq 1 240); do
    # Ready on the management port, and the API bound (it may bind a moment later).
    curl -sf "http://127.0.0.1:18558/ready" >/dev/null \
      && [ "$(curl -s -o /dev/null -w '%{http_code}' "$API/lists")" != 000 ] && return 0
    sleep 0.5
  done
  echo "node did not become ready" >&2; return 1
}

now() { date +%s.%N; }

# Members of the list in the read model, counted in the database itself.
members() {
  local sql="SELECT COUNT(*) FROM list_members WHERE account_id = '$ACCOUNT' AND list_id = '$LIST'"
  if [ "$DB" = h2 ]; then
    java -cp "$H2_JAR" org.h2.tools.Shell -url "$H2_URL" -user "" -sql "$sql" 2>/dev/null \
      | sed -n 2p | tr -d ' '
  else
    mysql -h127.0.0.1 -uroot -N herald_bench -e "$sql"
  fi
}

# Uploads a file, waits for the job to end, then for the read model; prints one result line.
import_one() {
  local label=$1 file=$2 type=$3 rows=$4
  local t0 id status t1 t2
  t0=$(now)
  id=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H "Content-Type: $type" \
    --data-binary "@$file" "$API/lists/$LIST/imports" | jq -r .id)
  while true; do
    status=$(curl -sf -H "Authorization: Bearer $KEY" "$API/imports/$id")
    [ "$(jq -r .status <<<"$status")" != running ] && break
    sleep 0.2
  done
  t1=$(now)
  [ "$(jq -r .status <<<"$status")" = completed ] || { echo "import failed: $status" >&2; return 1; }
  # Into a list that already holds every row, the member count cannot tell when the projection
  # has caught up; only the first import of a file measures the read model.
  t2=0
  if [ "$label" = "${label% again}" ]; then
    while [ "$(members)" -lt "$rows" ]; do sleep 0.5; done
    t2=$(now)
  fi
  awk -v l="$label" -v r="$rows" -v a="$t0" -v b="$t1" -v c="$t2" \
    -v imp="$(jq .rowsImported <<<"$status")" 'BEGIN {
      printf "%-24s rows=%d imported=%d completed=%.1fs (%.0f rows/s)", l, r, imp, b - a, r / (b - a)
      if (c > 0) printf " read-model=%.1fs (%.0f rows/s)", c - a, r / (c - a)
      printf "\n" }'
}

run_db() {
  DB=$1; shift
  local data; data=$(mktemp -d)
  # The node's LOB_TIMEOUT (Database.H2_OPTIONS), and AUTO_SERVER so that members() can count.
  H2_URL="jdbc:h2:file:$data/herald;LOCK_TIMEOUT=10000;LOB_TIMEOUT=5000;AUTO_SERVER=TRUE"
  local url_env=()
  [ "$DB" = h2 ] && url_env=(HERALD_DB_URL="$H2_URL")
  env "$@" "${url_env[@]}" HERALD_DATA_DIR="$data" HERALD_HTTP_PORT=$PORT \
    HERALD_MANAGEMENT_PORT=18558 HERALD_REMOTE_PORT=25599 HERALD_ADMIN_TOKEN=$TOKEN \
    java -Xms"$HEAP" -Xmx"$HEAP" -Xlog:gc:file="$OUT/import-gc-$DB.log"::filecount=0 -jar "$JAR" \
    > "$OUT/import-node-$DB.log" 2>&1 &
  local pid=$!
  NODE_PID=$pid
  wait_ready
  if [ "$WARMUP_ROWS" -gt 0 ]; then
    KEY=$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d '{"name":"warm-up"}' "$API/accounts" | jq -r .apiKey)
    ACCOUNT=$(cut -d. -f2 <<<"$KEY")
    LIST=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
      -d '{"name":"warm-up"}' "$API/lists" | jq -r .id)
    head -n $((WARMUP_ROWS + 1)) "$FILES/people.csv" > "$FILES/warm-up.csv"
    import_one "$DB warm-up" "$FILES/warm-up.csv" text/csv "$WARMUP_ROWS"
  fi
  KEY=$(curl -sf -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"name":"bench"}' "$API/accounts" | jq -r .apiKey)
  ACCOUNT=$(cut -d. -f2 <<<"$KEY")
  for format in csv xlsx; do
    local file=$FILES/people.csv type=text/csv rows=$CSV_ROWS
    if [ $format = xlsx ]; then file=$FILES/people.xlsx; type=$XLSX_TYPE; rows=$XLSX_ROWS; fi
    LIST=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$format\"}" "$API/lists" | jq -r .id)
    import_one "$DB $format new" "$file" "$type" "$rows"
    import_one "$DB $format again" "$file" "$type" "$rows"
  done
  # Heap, from the GC log: the most in use before a collection (G1 fills the heap it is given
  # before it collects), the most still in use after a full collection (what the node really
  # keeps), and how many full collections there were.
  local log="$OUT/import-gc-$DB.log"
  local before after fulls ooms
  before=$(grep -o '[0-9]*M->' "$log" | tr -d 'M>-' | sort -n | tail -1 || true)
  after=$(grep 'Pause Full' "$log" | grep -o -- '->[0-9]*M' | tr -d 'M>-' | sort -n | tail -1 \
    || true)
  fulls=$(grep -c 'Pause Full' "$log" || true)
  ooms=$(grep -c OutOfMemoryError "$OUT/import-node-$DB.log" || true)
  echo "$DB heap (-Xmx$HEAP): peak before GC ${before}MiB, peak live after full GC" \
    "${after:-none}MiB, full GCs $fulls, OutOfMemoryError $ooms"
  kill -TERM $pid; wait $pid || true
  NODE_PID=
  rm -rf "$data"
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $CSV_ROWS CSV rows, $XLSX_ROWS XLSX rows," \
  "$WARMUP_ROWS warm-up rows, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ " $DATABASES " == *" h2 "* ]]; then
  run_db h2
fi
if [[ " $DATABASES " == *" mariadb "* ]]; then
  mysql -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS herald_bench; CREATE DATABASE herald_bench'
  run_db mariadb HERALD_DB=mysql HERALD_DB_URL="jdbc:mysql://127.0.0.1:3306/herald_bench" \
    HERALD_DB_USER=root
  mysql -h127.0.0.1 -uroot -e 'DROP DATABASE IF EXISTS herald_bench'
fi
rm -rf "$FILES"
