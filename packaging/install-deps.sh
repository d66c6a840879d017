#!/bin/sh
# Installs the Debian packages bothost needs to build, test and run, if any is
# missing. Idempotent and quiet when everything is there; every entry point
# (make, make test, make run, CI) calls it.
set -eu

PACKAGES="gcc make cmake pkg-config
libuv1-dev libwebsockets-dev libwebsockets-evlib-uv libcurl4-openssl-dev libjansson-dev libinih-dev libpq-dev
zlib1g-dev libssl-dev postgresql clang libclang-rt-dev prometheus"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: not root and no sudo; run as root: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
