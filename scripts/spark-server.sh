#!/usr/bin/env bash
# A Spark Connect server (Apache Spark in local mode) on 127.0.0.1, for tests and benchmarks.
#
#   scripts/spark-server.sh start DIR [PORT]   start on PORT (a free one when omitted), wait
#                                              until it serves; prints sc://127.0.0.1:PORT
#   scripts/spark-server.sh stop DIR           SIGTERM (Spark's shutdown hook runs), then
#                                              SIGKILL after 30 s
#   scripts/spark-server.sh kill DIR           SIGKILL (a crash)
#   scripts/spark-server.sh restart DIR        start again on the same port
#   scripts/spark-server.sh status DIR         running or not, and the URL
#
# pyspark from PyPI ships the server jars; it is installed into a virtualenv
# ($SWITCHYARD_SPARK_VENV, default /var/tmp/switchyard-spark-venv) when missing, and Java 17
# from Debian when there is no `java`. spark-submit execs the JVM, so the PID recorded is
# the server's own. SPARK_MASTER (default local[2]) and SPARK_DRIVER_MEMORY (default 2g)
# change the server's resources.
set -euo pipefail

die() { echo "spark-server: $*" >&2; exit 1; }

PYSPARK_VERSION=4.3.0
venv=${SWITCHYARD_SPARK_VENV:-/var/tmp/switchyard-spark-venv}

spark_home() {
    local home="$venv/lib/python3.11/site-packages/pyspark"
    if [[ ! -x "$home/bin/spark-submit" ]]; then
        echo "spark-server: installing pyspark $PYSPARK_VERSION into $venv" >&2
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q --disable-pip-version-check "pyspark==$PYSPARK_VERSION" >&2
        home=$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
        [[ -x "$home/bin/spark-submit" ]] || die "pyspark installed but no spark-submit in $home"
    fi
    echo "$home"
}

ensure_java() {
    if ! command -v java >/dev/null 2>&1; then
        echo "spark-server: installing Java 17" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq openjdk-17-jre-headless >&2
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

accepts() {
    python3 -c 'import socket, sys; s = socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))' "$1"
}

# Alive and not a zombie: a server killed by someone else stays a zombie until reaped, and
# containers' init processes may never reap it.
alive() {
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ -n "$state" && "$state" != Z* ]]
}

running() {
    local dir=$1
    [[ -f "$dir/server.pid" ]] && alive "$(cat "$dir/server.pid")"
}

launch() {
    local dir=$1 port=$2 home
    home=$(spark_home)
    ensure_java
    mkdir -p "$dir/tmp" "$dir/warehouse"
    SPARK_HOME="$home" SPARK_LOCAL_IP=127.0.0.1 setsid "$home/bin/spark-submit" \
        --class org.apache.spark.sql.connect.service.SparkConnectServer \
        --name "Switchyard Spark Connect" \
        --master "${SPARK_MASTER:-local[2]}" \
        --driver-memory "${SPARK_DRIVER_MEMORY:-2g}" \
        --conf spark.connect.grpc.binding.address=127.0.0.1 \
        --conf "spark.connect.grpc.binding.port=$port" \
        --conf spark.ui.enabled=false \
        --conf spark.driver.host=127.0.0.1 \
        --conf spark.driver.bindAddress=127.0.0.1 \
        --conf "spark.sql.warehouse.dir=$dir/warehouse" \
        --conf "spark.driver.extraJavaOptions=-Djava.io.tmpdir=$dir/tmp" \
        spark-internal >>"$dir/server.log" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$dir/server.pid"
    echo "$port" >"$dir/port"
    echo "sc://127.0.0.1:$port" >"$dir/url"
    # The JVM takes 10-15 s; it serves once the port accepts and the log says so.
    for _ in $(seq 1 1200); do
        alive "$pid" || { tail -n 40 "$dir/server.log" >&2; rm -f "$dir/server.pid"; die "the server exited while starting"; }
        if grep -q "Spark Connect server started" "$dir/server.log" && accepts "$port"; then
            cat "$dir/url"
            return 0
        fi
        sleep 0.1
    done
    tail -n 40 "$dir/server.log" >&2
    stop "$dir"
    die "the server did not start within 120 s"
}

start() {
    local dir=$1 port=${2:-}
    [[ -n "$dir" ]] || die "usage: spark-server.sh start DIR [PORT]"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    running "$dir" && die "a server from $dir is already running (PID $(cat "$dir/server.pid"))"
    [[ -n "$port" ]] || port=$(free_port)
    : >"$dir/server.log"
    launch "$dir" "$port"
}

restart() {
    local dir=${1:-}
    [[ -n "$dir" && -f "$dir/port" ]] || die "no server in ${dir:-DIR} to restart"
    dir=$(cd "$dir" && pwd)
    running "$dir" && die "the server from $dir is running (PID $(cat "$dir/server.pid"))"
    launch "$dir" "$(cat "$dir/port")"
}

wait_gone() {
    local pid=$1 tenths=$2
    for _ in $(seq 1 "$tenths"); do
        alive "$pid" || return 0
        sleep 0.1
    done
    return 1
}

stop() {
    local dir=${1:-}
    [[ -n "$dir" ]] || die "usage: spark-server.sh stop DIR"
    [[ -f "$dir/server.pid" ]] || die "no server.pid in $dir"
    local pid
    pid=$(cat "$dir/server.pid")
    if kill -TERM "$pid" 2>/dev/null && ! wait_gone "$pid" 300; then
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 100 || die "PID $pid survived SIGKILL"
    fi
    rm -f "$dir/server.pid"
}

kill_server() {
    local dir=${1:-}
    [[ -n "$dir" && -f "$dir/server.pid" ]] || die "no server.pid in ${dir:-DIR}"
    local pid
    pid=$(cat "$dir/server.pid")
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 100 || die "PID $pid survived SIGKILL"
    rm -f "$dir/server.pid"
}

status() {
    local dir=${1:-}
    [[ -n "$dir" ]] || die "usage: spark-server.sh status DIR"
    if running "$dir"; then
        echo "running (PID $(cat "$dir/server.pid")) at $(cat "$dir/url")"
    else
        echo "stopped"
        return 1
    fi
}

case "${1:-}" in
    start) start "${2:-}" "${3:-}" ;;
    stop) stop "${2:-}" ;;
    kill) kill_server "${2:-}" ;;
    restart) restart "${2:-}" ;;
    status) status "${2:-}" ;;
    *) die "usage: spark-server.sh start|stop|kill|restart|status DIR [PORT]" ;;
esac
