#!/usr/bin/env bash
# A whole campaign into Postfix's smtp-sink, beside the transport's ceiling, in one run:
#   0. one demo letter is written to the pickup directory to learn the letters' real size;
#   1. smtp-source pushes pre-built letters of that size over the same number of reused
#      connections (the ceiling of this machine);
#   2. `herald.jar demo` creates the subscribers, then renders and sends a ~20 KB personalised,
#      tracked campaign to all of them through its SMTP pool, twice: the first campaign runs on a
#      cold JVM that is still compiling, the second on the same, warm node; it prints letters/s
#      for both, peak heap and the live heap after collections;
#   3. the demo again with a fifth of the audience, to show whether heap grows with it.
#
# Usage: bench/campaign-send.sh [recipients] [connections]   (default 100000 16)
# Needs: the built jar (mvn -B -DskipTests package) and bench/tools.sh (run from here).
set -euo pipefail
cd "$(dirname "$0")/.."
RECIPIENTS=${1:-100000}
CONNECTIONS=${2:-16}
PORT=${SINK_PORT:-2525}
HEAP=${HEAP:-1g}
JAR=cluster-node/target/herald.jar
OUT=bench/results
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
eval "$(bench/tools.sh --env)"

# The size of the letters the demo sends, headers included, as the pickup transport writes them.
SAMPLE=$(java -jar "$JAR" demo --subscribers 3 | sed -n 's/^.*data in //p')
BYTES=$(cat "$SAMPLE"/pickup/*.eml | wc -c | awk '{ printf "%d", $1 / 3 }')
rm -rf "$SAMPLE"
echo "letter size: $BYTES bytes"

LD_LIBRARY_PATH=$POSTFIX_LD_LIBRARY_PATH "$SMTP_SINK" -u nobody "127.0.0.1:$PORT" 1024 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true; wait $SINK 2>/dev/null || true' EXIT
sleep 0.5

start=$(date +%s%N)
LD_LIBRARY_PATH=$POSTFIX_LD_LIBRARY_PATH "$SMTP_SOURCE" -d -s "$CONNECTIONS" -m "$RECIPIENTS" \
  -l "$BYTES" -f bench@herald.test -t sink@herald.test "127.0.0.1:$PORT"
end=$(date +%s%N)
SOURCE=$(awk -v n="$RECIPIENTS" -v s="$start" -v e="$end" \
  'BEGIN { d = (e - s) / 1e9; printf "smtp-source: %d letters in %.1f s = %.0f letters/s", n, d, n / d }')
echo "$SOURCE"

demo() {
  HERALD_TRANSPORT=smtp HERALD_SMTP_HOST=127.0.0.1 HERALD_SMTP_PORT=$PORT HERALD_SMTP_TLS=none \
    HERALD_SMTP_CONNECTIONS=$CONNECTIONS HERALD_SMTP_HELO_NAME=bench.herald.test \
    java -Xms$HEAP -Xmx$HEAP -jar "$JAR" demo --subscribers "$1" --campaigns 2 | tr '\r' '\n' \
    | grep -A10 '^Summary'
}

echo "herald demo, $RECIPIENTS recipients:"
demo "$RECIPIENTS"
echo "herald demo, $((RECIPIENTS / 5)) recipients:"
demo $((RECIPIENTS / 5))
