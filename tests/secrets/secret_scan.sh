#!/bin/sh
# Scans the host logs the Discord suites kept (BH_TEST_LOG_DIR: <test>.<pid>.log)
# for the tokens issued while they ran (<test>.<pid>.tokens: every interaction
# token bothost-emu issued, every bot token a test gave the host). Fails on any
# hit, and when there was nothing to scan: no log lines or no tokens means the
# suites stopped keeping them, and a scan of nothing proves nothing.
#
#   secret_scan.sh LOG_DIR
set -eu

dir=${1:?usage: secret_scan.sh LOG_DIR}
tokens=$(mktemp)
patterns=$(mktemp)
trap 'rm -f "$tokens" "$patterns"' EXIT

cat "$dir"/*.tokens 2>/dev/null | sort -u | grep -v '^$' >"$tokens" || true
ntokens=$(wc -l <"$tokens")
nlogs=$(ls "$dir"/*.log 2>/dev/null | wc -l)
nlines=$(cat "$dir"/*.log 2>/dev/null | wc -l)
echo "secret_scan: $nlines lines in $nlogs host logs, $ntokens tokens"
if [ "$nlines" -eq 0 ] || [ "$ntokens" -eq 0 ]; then
    echo "secret_scan: nothing to scan in $dir: the suites kept no host logs or issued no tokens" >&2
    exit 1
fi

# Each token whole, and a 24-character stretch from its middle: a log that cut a
# token short (a "%.40s" of a path) still leaks most of it.
awk 'length($0) >= 40 { print substr($0, int(length($0) / 2) - 11, 24) } { print }' \
    "$tokens" | sort -u >"$patterns"

if grep -F -n -f "$patterns" "$dir"/*.log >/dev/null; then
    echo "secret_scan: tokens found in host logs (shown with the token masked):" >&2
    grep -F -n -o -f "$patterns" "$dir"/*.log | cut -d: -f1,2 | sort -u | head -20 |
        while IFS=: read -r file line; do
            printf '%s:%s: ' "$file" "$line" >&2
            sed -n "${line}p" "$file" | cut -c1-300 | sed 's/[A-Za-z0-9_-]\{24,\}/<token?>/g' >&2
        done
    exit 1
fi
echo "secret_scan: no token in any host log"
