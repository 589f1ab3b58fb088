#!/usr/bin/env bash
# The cost benchmark: builds the WASM, then measures every public function of the
# contracts, the share token's transfer next to the Stellar Asset Contract's and a plain
# SEP-41 token's, and the scaling sweeps at full size (holders 1 → 10,000, past deposits
# 1 → 1,000, reporters 1 → 16, rig-nft certificates 1 → 10,000 and past epochs 1 → 1,000). Prints one Markdown report and writes it, with the JSON data,
# to target/bench/bench.md and target/bench/bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh
cargo run --quiet --release -p hashshare-tests --bin bench
