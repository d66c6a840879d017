#!/bin/sh
# A plugin author's path: install the SDK with `make install DESTDIR=...`, build
# the hello example out of tree with its own Makefile and pkg-config, install it,
# and have bothost load it, migrate its schema and run it.
set -eu
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

DESTDIR="$tmp/root" cmake --install "$build" --prefix /usr/local >/dev/null
pc="$tmp/root/usr/local/lib/pkgconfig"
test -f "$pc/bothost-sdk.pc"
test -f "$tmp/root/usr/local/include/bothost/bothost.h"
test -x "$tmp/root/usr/local/bin/bothost"

cp -r "$tmp/root/usr/local/share/bothost/examples/hello" "$tmp/hello"
# --define-prefix: the .pc was installed under DESTDIR, not at its prefix.
PKG_CONFIG_PATH="$pc" make -s -C "$tmp/hello" PKG_CONFIG="pkg-config --define-prefix"
PKG_CONFIG_PATH="$pc" make -s -C "$tmp/hello" install PKG_CONFIG="pkg-config --define-prefix"
test -f "$tmp/root/usr/local/lib/bothost/plugins/hello.so"
# Nothing of the host's: the plugin needs only libc and jansson.
if nm -D --undefined-only "$tmp/hello/hello.so" | grep -E ' (plug_|db_|cfg_|log_)'; then
    echo "hello.so references host symbols" >&2
    exit 1
fi

cat > "$tmp/bothost.ini" <<INI
[database]
url = $(cat "$build/testpg/conninfo" | sed 's/dbname=postgres/dbname=sdk_out_of_tree/')
[host]
state_dir = $tmp/state
[plugins]
dir = $tmp/root/usr/local/lib/bothost/plugins
migrations = $tmp/root/usr/local/share/bothost/migrations
enabled = hello
[plugin.hello]
reminder_delay_ms = 0
INI
bin="$tmp/root/usr/local/bin/bothost"
"$bin" --check -c "$tmp/bothost.ini" | grep -q "plugin hello 1.0.0: 1 command(s), 3 handler(s), 1 job kind(s)"

psql_conn=$(cat "$build/testpg/conninfo")
psql "$psql_conn" -qc "DROP DATABASE IF EXISTS sdk_out_of_tree" -c "CREATE DATABASE sdk_out_of_tree"
"$bin" migrate -c "$tmp/bothost.ini" | grep -q "hello: applied 1 migration"
db=$(echo "$psql_conn" | sed 's/dbname=postgres/dbname=sdk_out_of_tree/')
test "$(psql "$db" -tAc "SELECT count(*) FROM hello.greetings")" = 0

# The reminder job runs in the loaded plugin: schedule one by hand, see it logged.
psql "$db" -qc "INSERT INTO bothost.jobs (plugin, kind, payload) VALUES ('hello', 'remind', '{\"count\": 7}')"
"$bin" -c "$tmp/bothost.ini" 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do
    grep -q 'reminder for greeting 7' "$tmp/log" && break
    sleep 0.1
done
kill -TERM $pid
wait $pid
cat "$tmp/log"
grep -q 'plugin=hello gen=1 call=remind msg="reminder for greeting 7"' "$tmp/log"
echo "sdk out of tree: ok"
