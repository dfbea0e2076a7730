#!/usr/bin/env bash
# Install exactly the Debian packages of DESIGN.md §2 that are missing.
# As root: apt-get install them. Otherwise: print the exact command and fail.
set -eu
pkgs="libgmp-dev libmpfr-dev check pkg-config libjansson-dev frama-c-base why3 z3 cvc4
      afl++ clang graphviz python3-torch python3-numpy python3-mpmath gap"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "deps: all packages present"
else
  echo "deps: missing:$missing"
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing
  else
    echo "deps: run as root:  apt-get install -y$missing" >&2
    exit 1
  fi
fi
# Why3 must know the provers (z3, cvc4) before Frama-C/WP can use them.
if command -v why3 >/dev/null && ! why3 config list-provers 2>/dev/null | grep -qi z3; then
  why3 config detect >/dev/null 2>&1 || true
fi
