#!/usr/bin/env bash
# make demo: the main job from nothing (deps and build are done by make).
set -eu
bin=${1:-build/shortcut}
dir=build/demo
rm -rf "$dir" && mkdir -p "$dir"
"$bin" demo --dir "$dir"
echo
echo "== 3. One sequence by hand: shortcut simulate parity --input 1,1,0,1"
"$bin" simulate parity --input 1,1,0,1
