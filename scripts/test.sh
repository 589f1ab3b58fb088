#!/usr/bin/env bash
# The one test command: builds the contracts' WASM, runs every test of the workspace against
# it, then checks formatting and lints. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh
cargo test --workspace
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The JavaScript SDK against `hashshare node`, as a dApp uses it.
cargo build -p hashshare-cli
(cd node/js && npm ci --no-audit --no-fund && npm run check && npm test)
echo "all checks passed"
