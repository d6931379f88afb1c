#!/usr/bin/env bash
# Makes Postfix's smtp-sink (a fast SMTP server that discards mail) and smtp-source (a parallel
# SMTP client) available under bench/.tools without installing or starting a mail server: the
# Debian package is downloaded and unpacked, never configured.
#
# Usage:
#   bench/tools.sh            unpack if needed, then print how to run the two tools
#   eval "$(bench/tools.sh --env)"
#                             export SMTP_SINK, SMTP_SOURCE and POSTFIX_LD_LIBRARY_PATH
#
# Example (as root smtp-sink must drop privileges, hence -u nobody):
#   LD_LIBRARY_PATH=$POSTFIX_LD_LIBRARY_PATH $SMTP_SINK -u nobody -c 127.0.0.1:2525 1000 &
#   LD_LIBRARY_PATH=$POSTFIX_LD_LIBRARY_PATH $SMTP_SOURCE -d -s 16 -m 100000 -l 20480 \
#     -f bench@herald.test -t sink@herald.test 127.0.0.1:2525
set -euo pipefail
cd "$(dirname "$0")"
TOOLS="$PWD/.tools"
ROOT="$TOOLS/postfix"
# Libraries Postfix links against; a fresh machine may lack some, and they are unpacked next to
# Postfix rather than installed.
LIBRARY_PACKAGES="libdb5.3 libicu72 libnsl2 libsasl2-2 libssl3"

unpack() {
  local package=$1
  (cd "$TOOLS/debs" && apt-get download "$package" >/dev/null)
  dpkg -x "$TOOLS"/debs/"${package}"_*.deb "$ROOT"
}

missing_libraries() {
  LD_LIBRARY_PATH="$(library_path)" ldd "$ROOT/usr/sbin/smtp-sink" | grep 'not found' || true
}

library_path() {
  echo "$ROOT/usr/lib/postfix:$ROOT/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null \
    || echo x86_64-linux-gnu)"
}

if [ ! -x "$ROOT/usr/sbin/smtp-sink" ]; then
  mkdir -p "$TOOLS/debs" "$ROOT"
  if ! (cd "$TOOLS/debs" && apt-get download postfix >/dev/null 2>&1); then
    # The package lists may be missing on a fresh machine.
    apt-get update -qq
  fi
  unpack postfix
fi
if [ -n "$(missing_libraries)" ]; then
  for package in $LIBRARY_PACKAGES; do
    unpack "$package"
  done
fi
if [ -n "$(missing_libraries)" ]; then
  echo "still missing libraries:" >&2
  missing_libraries >&2
  exit 1
fi

if [ "${1:-}" = "--env" ]; then
  echo "export SMTP_SINK='$ROOT/usr/sbin/smtp-sink'"
  echo "export SMTP_SOURCE='$ROOT/usr/sbin/smtp-source'"
  echo "export POSTFIX_LD_LIBRARY_PATH='$(library_path)'"
else
  cat <<EOF
smtp-sink:   LD_LIBRARY_PATH=$(library_path) $ROOT/usr/sbin/smtp-sink
smtp-source: LD_LIBRARY_PATH=$(library_path) $ROOT/usr/sbin/smtp-source
(as root, smtp-sink needs -u nobody; or eval "\$(bench/tools.sh --env)")
EOF
fi
