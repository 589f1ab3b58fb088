#!/usr/bin/env bash
# The one test command: builds the contracts' WASM, runs every test of the workspace against
# it, then checks formatting and lints. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh
cargo test --workspace
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
echo "all checks passed"
