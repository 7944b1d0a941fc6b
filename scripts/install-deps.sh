#!/usr/bin/env bash
# Installs what building and testing Switchyard needs beyond a Rust toolchain: protoc (the
# `substrait` crate and our gRPC protos are generated from .proto files), a C compiler (zstd
# and lzma are compiled from C, DuckDB from C++), PostgreSQL's server for the PostgreSQL
# engine's tests, Python for the ADBC client test, and the rustfmt and clippy components the
# tests run.
# Idempotent; uses apt on Debian (root, or sudo).
set -euo pipefail

need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v c++ >/dev/null 2>&1 || need+=(build-essential)
# The PostgreSQL engine's tests start a throwaway server (scripts/pg-cluster.sh).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The service's third-party client test runs Python's ADBC driver in a virtualenv
# (scripts/adbc-venv.sh installs the driver itself, from PyPI).
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
# The service's TLS test makes a throwaway certificate authority and server certificate.
command -v openssl >/dev/null 2>&1 || need+=(openssl)

if ((${#need[@]})); then
  echo "installing: ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done
