#!/usr/bin/env bash
# Installs what building and testing Switchyard needs beyond Rust: protoc (the `substrait`
# crate and our gRPC protos are generated from .proto files). Idempotent; run as root on Debian.
set -euo pipefail

need=()
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)

if ((${#need[@]})); then
  echo "installing: ${need[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
