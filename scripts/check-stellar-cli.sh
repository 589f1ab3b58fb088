#!/usr/bin/env bash
# stellar-cli against `hashshare node`, by hand (not in CI: stellar-cli has no prebuilt binary we
# can fetch and takes ~17 minutes to build with `cargo install --locked stellar-cli
# --no-default-features`). Starts a node on port 8000 (stellar-cli's `--network local`),
# then funds keys, uploads and deploys the suite with constructors, invokes, reads events,
# extends a TTL, pays and fetches a transaction. Fails on the first step that does not do
# what it should.
#   STELLAR=/path/to/stellar scripts/check-stellar-cli.sh
set -euo pipefail
cd "$(dirname "$0")/.."
stellar="${STELLAR:-stellar}"
command -v "$stellar" >/dev/null || { echo "stellar-cli not found (set STELLAR)"; exit 2; }
[ -f target/wasm/share_token.wasm ] || ./scripts/build.sh
cargo build -q -p hashshare-cli

work=$(mktemp -d)
export STELLAR_CONFIG_HOME="$work/config" XDG_CONFIG_HOME="$work/config" STELLAR_NETWORK=local
target/debug/hashshare node --ephemeral --port 8000 >"$work/node.log" 2>&1 &
node_pid=$!
trap 'kill $node_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null http://localhost:8000/friendbot && break; sleep 0.1; done

s() { "$stellar" "$@"; }
expect() { # expect TEXT COMMAND...: runs it and checks TEXT is in its output
  local want=$1 out
  shift
  out=$("$@" 2>&1) || { echo "FAILED: $*"$'\n'"$out"; tail -5 "$work/node.log"; exit 1; }
  grep -qF -- "$want" <<<"$out" || { echo "FAILED: $* (no \"$want\")"$'\n'"$out"; exit 1; }
  echo "ok: ${*:1:3}"
}
refused() { # refused TEXT COMMAND...: runs it and checks it fails with TEXT in its output
  local want=$1 out
  shift
  if out=$("$@" 2>&1); then echo "FAILED: $* succeeded"$'\n'"$out"; exit 1; fi
  grep -qF -- "$want" <<<"$out" || { echo "FAILED: $* (no \"$want\")"$'\n'"$out"; exit 1; }
  echo "ok (refused): ${*:1:3}"
}

expect Healthy s network health
expect "Protocol Version: 27" s network info
for who in admin operator investor; do expect funded s keys generate "$who" --fund; done
admin=$("$stellar" keys address admin)
operator=$("$stellar" keys address operator)
investor=$("$stellar" keys address investor)

expect Deployed! s contract deploy --wasm target/wasm/pool_oracle.wasm --source admin \
  --alias oracle -- --admin "$admin"
genesis=$(( $(date +%s) + 2 ))
expect pool_registered s contract invoke --id oracle --source admin -- register_pool --pool p1 \
  --config "{\"operator\":\"$operator\",\"reporters\":[\"$admin\"],\"quorum\":1,\"epoch_seconds\":60,\"genesis\":$genesis,\"dispute_seconds\":5,\"max_age_epochs\":2,\"capacity_epochs\":1}"
# The share token's constructor needs the operator's consent: the operator deploys it.
expect Deployed! s contract deploy --wasm target/wasm/share_token.wasm --source operator \
  --alias share -- --admin "$admin" --operator "$operator" --oracle oracle --pool p1 \
  --name "CLI hashrate" --symbol CLH --hashrate_per_share 1000000000000 \
  --maturity $((genesis + 6000))
expect '"CLI hashrate"' s contract invoke --id share --source investor -- name
# No distributor set yet: minting is refused with the contract's error (DistributorNotSet, 206).
refused "Error(Contract, #206)" s contract invoke --id share --source operator -- mint \
  --to "$investor" --amount 5

# A token's life: upload, deploy by hash, mint, transfer, read, events, a TTL extension.
hash=$(s contract upload --wasm target/wasm/plain_token.wasm --source admin 2>/dev/null | tail -1)
expect Deployed! s contract deploy --wasm-hash "$hash" --source admin --alias plain -- \
  --admin "$admin" --name Plain --symbol PLN
expect '"i128":"1000"' s contract invoke --id plain --source admin -- mint --to "$admin" --amount 1000
expect '"i128":"250"' s contract invoke --id plain --source admin -- transfer --from "$admin" \
  --to "$investor" --amount 250
expect '"250"' s contract invoke --id plain --source investor -- balance --id "$investor"
expect transfer s events --start-ledger 2 --id plain
expect LedgerKeyContractInstance s contract read --id plain --durability persistent
expect "New ttl ledger" s contract extend --id plain --key-xdr AAAAFA== --durability persistent \
  --ledgers-to-extend 700000 --source admin

# Classic: a payment, fetched back with its fee; the native asset's contract.
expect "Signing transaction" s tx new payment --destination "$investor" --amount 10000000 --source admin
native=$(s contract id asset --asset native)
expect '"' s contract invoke --id "$native" --source investor -- balance --id "$investor"
expect "Max Inclusion Fee" s fees stats
expect "Protocol Version: 27" s ledger latest
echo "stellar-cli $("$stellar" --version | head -1 | cut -d' ' -f2) works against hashshare node"
