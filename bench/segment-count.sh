#!/usr/bin/env bash
# Segment counts and first pages over a large subscriber read model, on H2 (a file database in
# a temporary directory) and on the MariaDB at 127.0.0.1:3306 (a scratch database, dropped after).
# Fills the read-model tables straight with multi-row inserts, then times each filter; also prints
# the write price of the attribute index table that ADR 0008 rejects.
#
# Usage: bench/segment-count.sh [h2|mariadb|both] [subscribers] [h2 cache KB]
#   (default both 1000000, and H2's own 16 MB page cache)
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH=${1:-both}
N=${2:-1000000}
H2_CACHE=${3:-}
# Compiles the reactor from source (nothing is installed into ~/.m2) and writes the classpath.
mvn -B -q -pl cluster-node -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
CP=cluster-node/target/test-classes:cluster-node/target/classes:$(cat cluster-node/target/bench-classpath.txt)
run() {
  local pool=""
  if [ "$1" = mariadb ]; then
    # deploy/mysql-setup.sql sizes it; the server's default (128 MB) holds an eighth of 1M.
    pool=", InnoDB buffer pool $(mysql -h127.0.0.1 -uroot -N -e \
      'SELECT @@innodb_buffer_pool_size DIV 1048576') MB"
  fi
  echo "== $1, $N subscribers, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)${H2_CACHE:+, H2 cache $H2_CACHE KB}$pool"
  java -Xmx1500m -cp "$CP" io.herald.node.bench.SegmentBench "$1" "$N" $H2_CACHE 2>&1 \
    | grep -v -E '^[0-9:. ]+ \[|^\s*$'
}
case "$WHICH" in
  both) run h2; run mariadb ;;
  *) run "$WHICH" ;;
esac
