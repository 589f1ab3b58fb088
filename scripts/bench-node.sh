#!/usr/bin/env bash
# The node's benchmark: time to the first getHealth answer, signed share-token transfers per
# second through sendTransaction, simulateTransaction latency, resident memory after 10,000
# transactions. Prints a Markdown table (also written to target/bench/node.md).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh >/dev/null
mkdir -p target/bench
cargo test --profile bench-node -p hashshare-node --test bench -- --ignored --nocapture --test-threads 1 \
  | grep '^|' | tee target/bench/node.md
