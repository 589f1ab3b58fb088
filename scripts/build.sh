#!/usr/bin/env bash
# Builds every hashshare contract for wasm32v1-none in release and writes the artifacts the
# tests, the benchmark and deployment use to target/wasm/<crate>.wasm: optimized with
# `wasm-opt -Oz` when binaryen is installed, the plain release build otherwise. Prints each
# artifact's size and sha256 (the hash Soroban gives uploaded code).
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=(pool-oracle share-token payout-distributor rig-nft hashrate-lease)
# Not part of hashshare: the plain SEP-41 token the benchmark compares transfers against.
BASELINES=(plain-token)

target_dir="${CARGO_TARGET_DIR:-target}"
out="$target_dir/wasm"
mkdir -p "$out"

packages=()
for c in "${CONTRACTS[@]}" "${BASELINES[@]}"; do packages+=(-p "$c"); done
cargo build --quiet --target wasm32v1-none --release "${packages[@]}"

if command -v wasm-opt >/dev/null; then optimizer="wasm-opt -Oz"; else optimizer="none (install binaryen for wasm-opt)"; fi
printf '%-22s %10s  %s\n' contract bytes sha256
for c in "${CONTRACTS[@]}" "${BASELINES[@]}"; do
  name="${c//-/_}"
  built="$target_dir/wasm32v1-none/release/$name.wasm"
  if command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --strip-debug --strip-producers "$built" -o "$out/$name.wasm"
  else
    cp "$built" "$out/$name.wasm"
  fi
  printf '%-22s %10s  %s\n' "$name" "$(wc -c <"$out/$name.wasm")" "$(sha256sum "$out/$name.wasm" | cut -d' ' -f1)"
done
# The upgrade tests' "next versions" (`--features next-version`: one more function, so a new
# WASM hash), written as <name>_next.wasm. Not part of any deployment.
cargo build --quiet --target wasm32v1-none --release \
  --target-dir "$target_dir/next-version" --features next-version \
  -p pool-oracle -p share-token -p payout-distributor
for c in pool-oracle share-token payout-distributor; do
  name="${c//-/_}"
  cp "$target_dir/next-version/wasm32v1-none/release/$name.wasm" "$out/${name}_next.wasm"
done
echo "optimizer: $optimizer; artifacts in $out/ (upgrade-test builds: *_next.wasm)"
