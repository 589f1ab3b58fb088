#!/usr/bin/env bash
# Deploys the hashshare suite to Stellar testnet with plain stellar-cli commands — the same
# steps as `hashshare --network testnet deploy`, without the hashshare tool:
#   upload the three WASMs, deploy the pool-oracle, register the pool, deploy the share token
#   (as the operator: its constructor binds the operator's pool), deploy the payout
#   distributor, wire it into the token, and have the operator approve the distributor on the
#   reward asset (its mints pay top-ups into running streams on that allowance). Prints the
#   contract ids and the ledger the allowance lives until.
#
# Identities are stellar-cli identities (`stellar keys generate --global alice --network testnet
# --fund`). Every parameter comes from an environment variable (defaults in brackets):
#   ADMIN [admin]                 the suite's admin: deploys, registers the pool, wires
#   OPERATOR [operator]           the miner: deploys the share token, mints, approves top-ups
#   REPORTERS [reporter1,reporter2,reporter3,reporter4,reporter5]
#   QUORUM [3]                    the fewest submissions `finalize` needs once an epoch's round
#                                 has been open DISPUTE_SECONDS (a submission from every
#                                 reporter finalizes at once); an honest majority: more than
#                                 half, and >= 3 of 3 or more
#   POOL [antpool_s19]            the pool id (a Soroban symbol)
#   EPOCH_SECONDS [86400]  GENESIS [now]  DISPUTE_SECONDS [3600]
#   MAX_AGE_EPOCHS [2]            needs 2 * DISPUTE_SECONDS + EPOCH_SECONDS <= MAX_AGE_EPOCHS * EPOCH_SECONDS
#                                 (an epoch's round stays open DISPUTE_SECONDS, then its report
#                                 is disputable as long)
#   CAPACITY_EPOCHS [7]           mints are capped by the lowest of this many consecutive epochs (1-30)
#   NAME [Antpool S19 hashrate 2026]  SYMBOL [HASH26]
#   HASHRATE_PER_SHARE [1000000000000, 1 TH/s]  TERM_SECONDS [31536000]  FEE_BPS [500]
#   FEE_RECIPIENT [fee]           withdraws the fees that accrue in the distributor
#   REWARD_TOKEN [the Stellar Asset Contract of REWARD_ASSET]  REWARD_ASSET [native]
#   MAX_ENTRY_TTL [3110400]       the network's max_entry_ttl: the allowance lives until the
#                                 latest ledger + MAX_ENTRY_TTL - 1 (about 180 days; renew it
#                                 with `hashshare --network testnet approve-topups`)
#   NETWORK [testnet]  WASM_DIR [target/wasm]   (NETWORK=local: `hashshare node` on port 8000)
# Checked with stellar-cli 28.1.0 against `hashshare node` (scripts/check-stellar-cli.sh builds
# on the same commands).
# Example: ADMIN=alice OPERATOR=alice REPORTERS=alice FEE_RECIPIENT=alice QUORUM=1 \
#          CAPACITY_EPOCHS=1 scripts/deploy-testnet.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ADMIN="${ADMIN:-admin}"
OPERATOR="${OPERATOR:-operator}"
REPORTERS="${REPORTERS:-reporter1,reporter2,reporter3,reporter4,reporter5}"
QUORUM="${QUORUM:-3}"
POOL="${POOL:-antpool_s19}"
EPOCH_SECONDS="${EPOCH_SECONDS:-86400}"
GENESIS="${GENESIS:-$(date +%s)}"
DISPUTE_SECONDS="${DISPUTE_SECONDS:-3600}"
MAX_AGE_EPOCHS="${MAX_AGE_EPOCHS:-2}"
CAPACITY_EPOCHS="${CAPACITY_EPOCHS:-7}"
NAME="${NAME:-Antpool S19 hashrate 2026}"
SYMBOL="${SYMBOL:-HASH26}"
HASHRATE_PER_SHARE="${HASHRATE_PER_SHARE:-1000000000000}"
TERM_SECONDS="${TERM_SECONDS:-31536000}"
FEE_BPS="${FEE_BPS:-500}"
FEE_RECIPIENT="${FEE_RECIPIENT:-fee}"
REWARD_ASSET="${REWARD_ASSET:-native}"
MAX_ENTRY_TTL="${MAX_ENTRY_TTL:-3110400}"
NETWORK="${NETWORK:-testnet}"
WASM_DIR="${WASM_DIR:-${CARGO_TARGET_DIR:-target}/wasm}"

if ! command -v stellar >/dev/null; then
  echo "stellar-cli is not installed: cargo install --locked stellar-cli (or see https://developers.stellar.org/docs/tools/cli/install-cli)" >&2
  exit 2
fi
# The oracle's freshness rule, checked before anything is uploaded.
if (( 2 * DISPUTE_SECONDS + EPOCH_SECONDS > MAX_AGE_EPOCHS * EPOCH_SECONDS )); then
  echo "the oracle needs 2 * DISPUTE_SECONDS + EPOCH_SECONDS <= MAX_AGE_EPOCHS * EPOCH_SECONDS (2 * $DISPUTE_SECONDS + $EPOCH_SECONDS > $MAX_AGE_EPOCHS * $EPOCH_SECONDS)" >&2
  exit 2
fi
for c in pool_oracle share_token payout_distributor; do
  if [ ! -f "$WASM_DIR/$c.wasm" ]; then
    echo "$WASM_DIR/$c.wasm is missing: build the contracts first with scripts/build.sh" >&2
    exit 2
  fi
done

# An identity's address; an address passes through.
address() { case "$1" in G??????????????????????????????????????????????????????? | C???????????????????????????????????????????????????????) echo "$1" ;; *) stellar keys address "$1" ;; esac; }

admin=$(address "$ADMIN")
operator=$(address "$OPERATOR")
fee_recipient=$(address "$FEE_RECIPIENT")
reporters=""
IFS=',' read -r -a reporter_names <<<"$REPORTERS"
for r in "${reporter_names[@]}"; do reporters+="${reporters:+,}\"$(address "$r")\""; done
reward_token="${REWARD_TOKEN:-$(stellar contract id asset --asset "$REWARD_ASSET" --network "$NETWORK")}"

upload() { stellar contract upload --wasm "$WASM_DIR/$1.wasm" --source "$ADMIN" --network "$NETWORK"; }
oracle_hash=$(upload pool_oracle)
token_hash=$(upload share_token)
distributor_hash=$(upload payout_distributor)

oracle=$(stellar contract deploy --wasm-hash "$oracle_hash" --source "$ADMIN" --network "$NETWORK" \
  -- --admin "$admin")

config="{\"operator\":\"$operator\",\"reporters\":[$reporters],\"quorum\":$QUORUM,\"epoch_seconds\":$EPOCH_SECONDS,\"genesis\":$GENESIS,\"dispute_seconds\":$DISPUTE_SECONDS,\"max_age_epochs\":$MAX_AGE_EPOCHS,\"capacity_epochs\":$CAPACITY_EPOCHS}"
stellar contract invoke --id "$oracle" --source "$ADMIN" --network "$NETWORK" \
  -- register_pool --pool "$POOL" --config "$config" >/dev/null

# The operator deploys the token: the constructor binds the pool, which the operator authorizes.
token=$(stellar contract deploy --wasm-hash "$token_hash" --source "$OPERATOR" --network "$NETWORK" \
  -- --admin "$admin" --operator "$operator" --oracle "$oracle" --pool "$POOL" \
  --name "$NAME" --symbol "$SYMBOL" --hashrate_per_share "$HASHRATE_PER_SHARE" \
  --maturity "$((GENESIS + TERM_SECONDS))")

distributor=$(stellar contract deploy --wasm-hash "$distributor_hash" --source "$ADMIN" --network "$NETWORK" \
  -- --admin "$admin" --share_token "$token" --reward_token "$reward_token" --oracle "$oracle" \
  --pool "$POOL" --fee_bps "$FEE_BPS" --fee_recipient "$fee_recipient")

stellar contract invoke --id "$token" --source "$ADMIN" --network "$NETWORK" \
  -- set_distributor --distributor "$distributor" >/dev/null

# The operator's mints pay top-ups into running streams, which the distributor takes on the
# operator's allowance: the largest amount, for as long as the network lets an allowance live.
latest=$(stellar ledger latest --network "$NETWORK" --output json |
  sed -n 's/.*"sequence": *\([0-9][0-9]*\).*/\1/p')
if [ -z "$latest" ]; then
  echo "stellar ledger latest did not print the latest ledger's sequence" >&2
  exit 1
fi
allowance_until=$((latest + MAX_ENTRY_TTL - 1))
stellar contract invoke --id "$reward_token" --source "$OPERATOR" --network "$NETWORK" \
  -- approve --from "$operator" --spender "$distributor" \
  --amount 170141183460469231731687303715884105727 --live_until_ledger "$allowance_until" >/dev/null

echo "POOL_ORACLE=$oracle"
echo "SHARE_TOKEN=$token"
echo "PAYOUT_DISTRIBUTOR=$distributor"
echo "REWARD_TOKEN=$reward_token"
echo "TOPUP_ALLOWANCE_UNTIL=$allowance_until"
