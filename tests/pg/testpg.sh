#!/bin/sh
# A private PostgreSQL cluster for the tests and `make run`: unix socket only,
# trust auth, superuser "bothost", fsync off.
#
#   testpg.sh start DIR     create (first time) and start it; prints the conninfo,
#                           also written to DIR/conninfo. Idempotent.
#   testpg.sh stop DIR      stop it (fast mode) and remove DIR
#   testpg.sh restart DIR   restart the server, same port and socket (tests)
#   testpg.sh halt DIR      stop the server but keep DIR; `start` brings it back
#
# initdb refuses to run as root, so as root the server runs as the `postgres` user
# (via runuser) and DIR is handed to it; clients connect as any OS user.
set -eu

usage() {
    echo "usage: $0 start|stop|restart|halt DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2

find_bindir() {
    if command -v pg_config >/dev/null 2>&1; then
        b=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$b" ] && [ -x "$b/initdb" ] && [ -x "$b/pg_ctl" ]; then
            echo "$b"
            return 0
        fi
    fi
    for b in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        if [ -x "$b/initdb" ] && [ -x "$b/pg_ctl" ]; then
            echo "$b"
            return 0
        fi
    done
    echo "testpg: no PostgreSQL server binaries (initdb, pg_ctl) found" >&2
    return 1
}

bindir=$(find_bindir)

if [ "$(id -u)" -eq 0 ]; then
    runas="runuser -u postgres --"
    owner=postgres
else
    runas=""
    owner=$(id -un)
fi

# Runs a command as the cluster's owner.
as_owner() {
    if [ -n "$runas" ]; then
        $runas "$@"
    else
        "$@"
    fi
}

# The state of a cluster lives in DIR: data/, log, port, sockdir, conninfo.
state_read() {
    port=$(cat "$dir/port" 2>/dev/null || true)
    sockdir=$(cat "$dir/sockdir" 2>/dev/null || true)
}

is_running() {
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

server_opts() {
    echo "-k $sockdir -p $port -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c unix_socket_permissions=0777"
}

# A unix socket path is limited to 107 bytes: use DIR/sock when it fits, else /tmp.
pick_sockdir() {
    s="$dir/sock"
    if [ ${#s} -gt 80 ]; then
        s=$(mktemp -d /tmp/bhpg.XXXXXX)
    else
        mkdir -p "$s"
    fi
    if [ -n "$runas" ]; then
        chown "$owner" "$s"
    fi
    chmod 0755 "$s"
    echo "$s"
}

# With a private socket dir only the lock file in it can clash; avoid ports a local
# server already uses anyway so that logs stay unambiguous.
pick_port() {
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        p=$(( ( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 ) + 20000 ))
        if ! ls /tmp/.s.PGSQL.$p /var/run/postgresql/.s.PGSQL.$p >/dev/null 2>&1; then
            echo "$p"
            return 0
        fi
    done
    echo "$p"
}

write_conninfo() {
    ci="host=$sockdir port=$port user=bothost dbname=postgres"
    printf '%s\n' "$ci" >"$dir/conninfo.tmp"
    mv "$dir/conninfo.tmp" "$dir/conninfo"
    echo "$ci"
}

wait_ready() {
    i=0
    while [ $i -lt 300 ]; do
        if "$bindir/pg_isready" -q -h "$sockdir" -p "$port" -U bothost -d postgres; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "testpg: server did not become ready; log follows" >&2
    tail -n 30 "$dir/log" >&2 || true
    return 1
}

start_server() {
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "$(server_opts)" start >/dev/null
}

do_start() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    state_read
    if [ -n "$port" ] && is_running; then
        cat "$dir/conninfo"
        return 0
    fi
    if [ -n "$runas" ]; then
        chown "$owner" "$dir"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        rm -rf "$dir/data"
        as_owner "$bindir/initdb" -D "$dir/data" -U bothost --auth=trust -E UTF8 \
            --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || {
            cat "$dir/initdb.log" >&2
            exit 1
        }
    fi
    if [ -z "$sockdir" ] || [ ! -d "$sockdir" ]; then
        sockdir=$(pick_sockdir)
        echo "$sockdir" >"$dir/sockdir"
    fi
    if [ -n "$runas" ]; then
        touch "$dir/log"
        chown "$owner" "$dir/log"
    fi
    if [ -n "$port" ]; then
        start_server
    else
        tries=0
        while :; do
            port=$(pick_port)
            if start_server 2>"$dir/start.err"; then
                break
            fi
            tries=$((tries + 1))
            if [ $tries -ge 5 ]; then
                cat "$dir/start.err" >&2
                tail -n 30 "$dir/log" >&2 || true
                exit 1
            fi
        done
        echo "$port" >"$dir/port"
    fi
    wait_ready
    write_conninfo
}

do_stop() {
    [ -d "$dir" ] || return 0
    state_read
    if is_running; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
    case "$sockdir" in
    /tmp/bhpg.*) rm -rf "$sockdir" ;;
    esac
    rm -rf "$dir"
}

do_restart() {
    state_read
    [ -n "$port" ] || { echo "testpg: no cluster in $dir" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -m fast -w -t 60 \
        -o "$(server_opts)" restart >/dev/null
    wait_ready
}

do_halt() {
    state_read
    if is_running; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
    fi
}

case "$cmd" in
start) do_start ;;
stop) do_stop ;;
restart) do_restart ;;
halt) do_halt ;;
*) usage ;;
esac
