#!/usr/bin/env bash
# The one test command: builds the contracts' WASM and the web app, runs every test of the
# workspace against them, checks formatting and lints, then the JavaScript SDK's and the web
# app's tests. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/build.sh
# The web app, built before the CLI so that `hashshare app` embeds it.
(cd app && npm ci --no-audit --no-fund && npm run build)
cargo test --workspace
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
# The JavaScript SDK against `hashshare node`, as a dApp uses it.
cargo build -p hashshare-cli
(cd node/js && npm ci --no-audit --no-fund && npm run check && npm test)
# The web app: types and lints, unit tests, then a real browser (Debian's Chromium) against a
# node, a deployment and `hashshare app` that the tests start.
(cd app && npm run check && npm test && npm run e2e)
echo "all checks passed"
