#!/usr/bin/env bash
# Letters per second into Postfix's smtp-sink on 127.0.0.1, first from Postfix's smtp-source, then
# from Herald's SmtpTransport (SmtpTransportBench), in one run, so that the two figures compare:
# smtp-source's is the ceiling of this machine for that many connections and that letter size.
#
# Usage: bench/smtp-transport.sh [letters] [connections] [body-bytes]   (default 100000 16 20480)
# Needs: bench/tools.sh (run by this script), a JDK, Maven with the repository populated.
set -euo pipefail
cd "$(dirname "$0")/.."
LETTERS=${1:-100000}
CONNECTIONS=${2:-16}
BYTES=${3:-20480}
PORT=${SINK_PORT:-2525}
OUT=bench/results
mkdir -p "$OUT"
eval "$(bench/tools.sh --env)"

# Build first, so that compiling does not compete with the sink for the two cores.
mvn -q -B -o -pl cluster-node -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
CLASSPATH="cluster-node/target/test-classes:cluster-node/target/classes"
CLASSPATH="$CLASSPATH:$(cat cluster-node/target/bench-classpath.txt)"

# smtp-sink drops root privileges to the user named by -u; it answers every letter with 250.
LD_LIBRARY_PATH=$POSTFIX_LD_LIBRARY_PATH "$SMTP_SINK" -u nobody "127.0.0.1:$PORT" 1024 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true; wait $SINK 2>/dev/null || true' EXIT
sleep 0.5

# Letters per second from a count and two nanosecond timestamps.
rate() {
  awk -v n="$1" -v s="$2" -v e="$3" \
    'BEGIN { d = (e - s) / 1e9; printf "%.2f s = %.0f letters/s", d, n / d }'
}

# -d reuses each connection for letter after letter, as Herald's pool does.
start=$(date +%s%N)
LD_LIBRARY_PATH=$POSTFIX_LD_LIBRARY_PATH "$SMTP_SOURCE" -d -s "$CONNECTIONS" -m "$LETTERS" \
  -l "$BYTES" -f bench@herald.test -t sink@herald.test "127.0.0.1:$PORT"
end=$(date +%s%N)
SOURCE="smtp-source: $LETTERS letters of $BYTES bytes over $CONNECTIONS connections"
SOURCE="$SOURCE in $(rate "$LETTERS" "$start" "$end")"
echo "$SOURCE"

# Herald's letters are DataReady and skip Jakarta's DATA stream; other messages take it.
HERALD=$(java -Xms1g -Xmx1g -cp "$CLASSPATH" io.herald.node.transport.SmtpTransportBench \
  127.0.0.1 "$PORT" "$LETTERS" "$CONNECTIONS" "$BYTES" 20000 wire | tail -1)
echo "$HERALD"
JAKARTA=$(java -Xms1g -Xmx1g -cp "$CLASSPATH" io.herald.node.transport.SmtpTransportBench \
  127.0.0.1 "$PORT" "$LETTERS" "$CONNECTIONS" "$BYTES" 20000 jakarta | tail -1)
echo "$JAKARTA"

{
  echo "# $(date -u +%FT%TZ) $(nproc) cores"
  echo "$SOURCE"
  echo "$HERALD"
  echo "$JAKARTA"
} >> "$OUT/smtp-transport.txt"
