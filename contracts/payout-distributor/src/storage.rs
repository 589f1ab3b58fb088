//! Every storage key of the distributor, and where each lives.
//!
//! Instance (loaded, and its size paid for, on every call): only the running totals, the admin
//! and the pause flag. Persistent, extended on access: the configuration, and one entry per
//! recorded epoch. Nothing lives in temporary storage: all of it is funds-critical.
use hashshare_common::ttl::{read_persistent, write_persistent};
use hashshare_interfaces::EpochPayout;
use soroban_sdk::{contracttype, Address, Env, Symbol};

use crate::payout::Totals;

/// The offering's wiring and, cached at construction, the parts of the oracle's schedule and
/// the share token's terms that never change (`update_pool` refuses schedule changes; a token's
/// maturity and hashrate per share are fixed): reading them here spares `record` and `deposit`
/// a cross-contract call each.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct DistributorConfig {
    pub share_token: Address,
    /// The reward asset's token contract (a Stellar Asset Contract in production).
    pub reward_token: Address,
    pub oracle: Address,
    pub pool: Symbol,
    pub fee_bps: u32,
    pub fee_recipient: Address,
    pub genesis: u64,
    pub epoch_seconds: u64,
    pub maturity: u64,
    pub hashrate_per_share: i128,
    /// When the distributor was deployed: no share can predate it.
    pub deployed_at: u64,
}

#[contracttype]
pub(crate) enum DataKey {
    Config,
    Totals,
    Payout(u64),
}

/// Stored forms: tuples serialize smaller than structs (no field names).
/// `(arrears, deposited, fees)`.
type TotalsEntry = (i128, i128, i128);
/// `(share_token, reward_token, oracle, pool, fee_bps, fee_recipient, genesis, epoch_seconds,
/// maturity, hashrate_per_share, deployed_at)`.
type ConfigEntry = (
    Address,
    Address,
    Address,
    Symbol,
    u32,
    Address,
    u64,
    u64,
    u64,
    i128,
    u64,
);
/// `(owed, paid, fee)`.
type PayoutEntry = (i128, i128, i128);

pub fn config(env: &Env) -> Option<DistributorConfig> {
    let entry: Option<ConfigEntry> = read_persistent(env, &DataKey::Config);
    entry.map(
        |(
            share_token,
            reward_token,
            oracle,
            pool,
            fee_bps,
            fee_recipient,
            genesis,
            epoch_seconds,
            maturity,
            hashrate_per_share,
            deployed_at,
        )| DistributorConfig {
            share_token,
            reward_token,
            oracle,
            pool,
            fee_bps,
            fee_recipient,
            genesis,
            epoch_seconds,
            maturity,
            hashrate_per_share,
            deployed_at,
        },
    )
}

pub fn set_config(env: &Env, c: &DistributorConfig) {
    let entry: ConfigEntry = (
        c.share_token.clone(),
        c.reward_token.clone(),
        c.oracle.clone(),
        c.pool.clone(),
        c.fee_bps,
        c.fee_recipient.clone(),
        c.genesis,
        c.epoch_seconds,
        c.maturity,
        c.hashrate_per_share,
        c.deployed_at,
    );
    write_persistent(env, &DataKey::Config, &entry);
}

pub fn totals(env: &Env) -> Totals {
    let entry: Option<TotalsEntry> = env.storage().instance().get(&DataKey::Totals);
    entry
        .map(|(arrears, deposited, fees)| Totals {
            arrears,
            deposited,
            fees,
        })
        .unwrap_or_default()
}

pub fn set_totals(env: &Env, t: &Totals) {
    let entry: TotalsEntry = (t.arrears, t.deposited, t.fees);
    env.storage().instance().set(&DataKey::Totals, &entry);
}

/// A recorded epoch's payout, extending its entry.
pub fn payout(env: &Env, epoch: u64) -> Option<EpochPayout> {
    let entry: Option<PayoutEntry> = read_persistent(env, &DataKey::Payout(epoch));
    entry.map(|(owed, paid, fee)| EpochPayout { owed, paid, fee })
}

pub fn set_payout(env: &Env, epoch: u64, p: &EpochPayout) {
    let entry: PayoutEntry = (p.owed, p.paid, p.fee);
    write_persistent(env, &DataKey::Payout(epoch), &entry);
}
