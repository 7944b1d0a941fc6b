#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1, for tests and benchmarks.
#
#   scripts/pg-cluster.sh start DIR [PORT]   initdb under DIR, start on PORT (a free one when
#                                            omitted); prints the connection URL
#   scripts/pg-cluster.sh stop DIR           fast shutdown of the server whose PID DIR records
#   scripts/pg-cluster.sh status DIR         running or not, and the URL
#   scripts/pg-cluster.sh kill DIR           SIGKILL the server and its backends (a crash)
#   scripts/pg-cluster.sh restart DIR        start again on the same data and port (after a
#                                            stop or a kill: crash recovery runs first)
#
# Installs Debian's postgresql when no server binaries are present. The server runs as the
# `postgres` user when started by root (PostgreSQL refuses to run as root), with trust
# authentication on loopback only and durability off: the data is a copy, never the truth.
set -euo pipefail

die() { echo "pg-cluster: $*" >&2; exit 1; }

server_bin() {
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$initdb" ]]; then
        echo "pg-cluster: installing Debian's postgresql" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq postgresql >&2
        initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
        [[ -n "$initdb" ]] || die "postgresql installed but no initdb found"
    fi
    dirname "$initdb"
}

# Runs a command as the server's user.
as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local dir=$1 port=${2:-}
    [[ -n "$dir" ]] || die "usage: pg-cluster.sh start DIR [PORT]"
    local bin
    bin=$(server_bin)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ -f "$dir/server.pid" ]] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
        die "a server from $dir is already running (PID $(cat "$dir/server.pid"))"
    fi
    [[ -n "$port" ]] || port=$(free_port)
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no postgres user to run the server as"
        chown postgres "$dir"
        as_server_user test -x "$dir" || die "the postgres user cannot reach $dir (check its parents' permissions)"
    fi
    rm -rf "$dir/data"
    as_server_user "$bin/initdb" -D "$dir/data" -U switchyard -A trust -E UTF8 --no-locale \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    launch "$dir" "$port" "$bin"
    "$bin/createdb" -h 127.0.0.1 -p "$port" -U switchyard switchyard
    local url="postgres://switchyard@127.0.0.1:$port/switchyard"
    echo "$url" >"$dir/url"
    echo "$url"
}

# Starts the server on DIR/data and PORT and waits until it accepts connections.
launch() {
    local dir=$1 port=$2 bin=$3
    # -k: the socket lives in DIR, never in the system's /var/run/postgresql.
    as_server_user "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" \
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
        -c full_page_writes=off -c shared_buffers=512MB -c work_mem=128MB \
        -c max_connections=200 >>"$dir/server.log" 2>&1 &
    local pid=$!
    # runuser keeps its own PID; the server's is the child whose parent is runuser.
    local server_pid=$pid
    for _ in $(seq 1 300); do
        if [[ -f "$dir/data/postmaster.pid" ]]; then
            server_pid=$(head -n 1 "$dir/data/postmaster.pid")
            if kill -0 "$server_pid" 2>/dev/null && "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
                echo "$server_pid" >"$dir/server.pid"
                echo "$port" >"$dir/port"
                return 0
            fi
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; die "the server exited while starting"; }
        sleep 0.1
    done
    cat "$dir/server.log" >&2
    kill -INT "$server_pid" 2>/dev/null || true
    die "the server did not accept connections within 30 s"
}

kill_server() {
    local dir=${1:-}
    [[ -n "$dir" ]] || die "usage: pg-cluster.sh kill DIR"
    [[ -f "$dir/server.pid" ]] || die "no server.pid in $dir"
    local pid
    pid=$(cat "$dir/server.pid")
    # Backends first, so none outlives the postmaster holding shared memory.
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    # Backends that were forked while we killed the others.
    pkill -KILL -f -- "-D $dir/data" 2>/dev/null || true
    rm -f "$dir/server.pid"
}

restart() {
    local dir=${1:-}
    [[ -n "$dir" ]] || die "usage: pg-cluster.sh restart DIR"
    dir=$(cd "$dir" && pwd)
    [[ -f "$dir/port" && -d "$dir/data" ]] || die "no cluster in $dir to restart"
    if [[ -f "$dir/server.pid" ]] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
        die "the server from $dir is running (PID $(cat "$dir/server.pid"))"
    fi
    launch "$dir" "$(cat "$dir/port")" "$(server_bin)"
    cat "$dir/url"
}

stop() {
    local dir=${1:-}
    [[ -n "$dir" ]] || die "usage: pg-cluster.sh stop DIR"
    [[ -f "$dir/server.pid" ]] || die "no server.pid in $dir"
    local pid
    pid=$(cat "$dir/server.pid")
    if kill -0 "$pid" 2>/dev/null; then
        # SIGINT is PostgreSQL's fast shutdown: roll back open transactions, close clients.
        kill -INT "$pid"
        for _ in $(seq 1 300); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid"
        fi
    fi
    rm -f "$dir/server.pid"
}

status() {
    local dir=${1:-}
    [[ -n "$dir" ]] || die "usage: pg-cluster.sh status DIR"
    if [[ -f "$dir/server.pid" ]] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
        echo "running (PID $(cat "$dir/server.pid")) at $(cat "$dir/url")"
    else
        echo "stopped"
        return 1
    fi
}

case "${1:-}" in
    start) start "${2:-}" "${3:-}" ;;
    stop) stop "${2:-}" ;;
    status) status "${2:-}" ;;
    kill) kill_server "${2:-}" ;;
    restart) restart "${2:-}" ;;
    *) die "usage: pg-cluster.sh start|stop|status|kill|restart DIR [PORT]" ;;
esac
