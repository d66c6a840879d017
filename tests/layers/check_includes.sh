#!/bin/sh
# The house rules of host/ that its #include "..." lines show (host/README.md, "Layers"):
#   1. no folder includes a header of a folder that includes it back, directly or
#      through others (a cycle); includes inside one folder are that room's own;
#   2. a folder's <prefix>_internal.h is included from that folder only.
# Usage: check_includes.sh <dir>   (exit 0: both hold; 1: each breach is named)
set -u
root=${1:?usage: check_includes.sh <dir>}
cd "$root" || exit 2

# "<from folder> <to folder> <file> <header>" for every include of another folder's header.
edges=$(grep -rHo --include='*.c' --include='*.h' '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*"' . |
    sed -E 's@^\./([^:]*):.*"([^"]*)"$@\1 \2@' |
    awk '{ n = split($1, f, "/"); m = split($2, t, "/");
           if (m < 2) next;                       # "x.h": the file'"'"'s own folder
           from = n > 1 ? f[1] : ".";
           if (from != t[1]) print from, t[1], $1, $2 }')

status=0

private=$(printf '%s\n' "$edges" | awk 'NF && $4 ~ /_internal\.h$/')
if [ -n "$private" ]; then
    printf '%s\n' "$private" | while read -r from to file header; do
        echo "private header included from another folder: $file includes \"$header\" (internal to $to/)"
    done
    status=1
fi

# tsort names each cycle it meets, its folders in include order: a -> b -> ... -> a.
loops=$(printf '%s\n' "$edges" | awk 'NF { print $1, $2 }' | sort -u | tsort 2>&1 >/dev/null |
    sed -n -e 's/^tsort: .*input contains a loop:$/LOOP/p' -e 's/^tsort: \([^ ]*\)$/\1/p')
if [ -n "$loops" ]; then
    # One line per cycle, with one include for each step of it.
    printf '%s\n' "$edges" | awk -v loops="$(printf '%s ' $loops)" '
        NF && !(($1 " " $2) in why) { why[$1 " " $2] = $3 " includes \"" $4 "\"" }
        END {
            n = split(loops, w, " ");
            for (i = 1; i <= n; i++) {
                if (w[i] != "LOOP") continue;
                k = 0;
                for (j = i + 1; j <= n && w[j] != "LOOP"; j++) c[++k] = w[j];
                line = "folders that include each other (a cycle): ";
                for (j = 1; j <= k; j++) line = line c[j] " -> ";
                print line c[1];
                for (j = 1; j <= k; j++) print "  " why[c[j] " " c[j % k + 1]];
            }
        }'
    status=1
fi

[ "$status" -eq 0 ] && echo "host includes: no cycle between folders, no private header shared"
exit "$status"
