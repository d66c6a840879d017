#!/bin/sh
# `make run`: bothost with every plugin that is built, in the foreground.
# Without DISCORD_TOKEN it talks to bothost-emu (the bundled Discord stand-in),
# without DATABASE_URL to a private PostgreSQL; both are started here and
# stopped when bothost exits (Ctrl-C).
set -eu
build=$(cd "${1:-build}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
run="$build/run"
mkdir -p "$run/state" "$run/migrations"

pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    if [ -n "${own_pg:-}" ]; then "$src/tests/pg/testpg.sh" stop "$run/pg" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
    own_pg=1
    "$src/tests/pg/testpg.sh" start "$run/pg" >/dev/null
    base=$(cat "$run/pg/conninfo")
    psql "$base" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'bothost'" | grep -q 1 ||
        psql "$base" -qc "CREATE DATABASE bothost"
    DATABASE_URL=$(echo "$base" | sed 's/dbname=postgres/dbname=bothost/')
    export DATABASE_URL
    echo "make run: private PostgreSQL: $DATABASE_URL"
fi

api_base="https://discord.com/api/v10"
if [ -z "${DISCORD_TOKEN:-}" ]; then
    "$build/bin/bothost-emu" --listen 127.0.0.1:0 >"$run/emu.out" 2>"$run/emu.log" &
    pids="$pids $!"
    for _ in $(seq 100); do
        grep -q '^bothost-emu listening' "$run/emu.out" 2>/dev/null && break
        sleep 0.1
    done
    emu_url=$(sed -n 's/^bothost-emu listening \(http[^ ]*\).*/\1/p' "$run/emu.out")
    [ -n "$emu_url" ] || { echo "make run: bothost-emu did not start (see $run/emu.log)" >&2; exit 1; }
    api_base="$emu_url/api/v10"
    # A fresh emulator knows no commands: forget what was registered with the last one.
    psql "$DATABASE_URL" -qc "DELETE FROM bothost.command_registrations" 2>/dev/null || true
    rm -f "$run/state/gateway-sessions.json"
    DISCORD_TOKEN=emulated-token
    export DISCORD_TOKEN
fi

# Every built plugin, and the migrations of each (the example's live beside it).
enabled=""
for so in "$build"/plugins/*.so; do
    [ -e "$so" ] || continue
    name=$(basename "$so" .so)
    enabled="${enabled:+$enabled, }$name"
done
ln -sfn "$src/migrations/core" "$run/migrations/core"
for dir in "$src"/migrations/*/; do
    ln -sfn "$dir" "$run/migrations/$(basename "$dir")"
done
ln -sfn "$src/sdk/examples/hello/migrations" "$run/migrations/hello"

cat >"$run/bothost.ini" <<INI
; Written by make run; edit etc/bothost.ini for a real deployment.
[discord]
api_base = $api_base
[host]
state_dir = $run/state
log_level = ${BOTHOST_LOG_LEVEL:-info}
[http]
listen = ${BOTHOST_HTTP:-127.0.0.1:9480}
[plugins]
dir = $build/plugins
migrations = $run/migrations
enabled = $enabled
INI

if [ -n "${emu_url:-}" ]; then
    cat <<EOF2

  bothost runs against bothost-emu at $emu_url with: ${enabled:-no plugins}
  Act as a user from another terminal:
    export BOTHOST_EMU_URL=$emu_url
    $build/bin/bothost-emu say '/hello'
    $build/bin/bothost-emu click MESSAGE_ID CUSTOM_ID
    $build/bin/bothost-emu log
  Health: curl http://${BOTHOST_HTTP:-127.0.0.1:9480}/health/ready
  Reload: kill -HUP \$(pgrep -f 'bothost -c $run/bothost.ini')

EOF2
fi
"$build/bin/bothost" -c "$run/bothost.ini" &
host=$!
pids="$pids $host"
wait "$host"
