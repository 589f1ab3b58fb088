//! Every storage key of the distributor, and where each lives.
//!
//! Instance (loaded, and its size paid for, on every call): only the running books with the
//! recording cursor, the admin and the pause flag. Persistent, extended on access: the
//! configuration, and one entry per recorded epoch. Nothing lives in temporary storage: all of
//! it is funds-critical.
use hashshare_common::ttl::{read_persistent, write_persistent};
use hashshare_interfaces::EpochPayout;
use soroban_sdk::{contracttype, Address, Env, Symbol};

use crate::payout::Books;

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
}

#[contracttype]
pub(crate) enum DataKey {
    Config,
    Books,
    Payout(u64),
}

/// Stored forms: tuples serialize smaller than structs (no field names).
/// `(arrears, deposited, topups, fees, fees_withdrawn, next_epoch, supply_at_next)`.
type BooksEntry = (i128, i128, i128, i128, i128, u64, i128);
/// `(share_token, reward_token, oracle, pool, fee_bps, fee_recipient, genesis, epoch_seconds,
/// maturity, hashrate_per_share)`.
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
);
/// `(owed, paid, topup, fee, supply_seconds, reported, supply_at_end)`.
type PayoutEntry = (i128, i128, i128, i128, i128, bool, i128);

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
    );
    write_persistent(env, &DataKey::Config, &entry);
}

/// The books; the constructor always stores them.
pub fn books(env: &Env) -> Option<Books> {
    let entry: Option<BooksEntry> = env.storage().instance().get(&DataKey::Books);
    entry.map(
        |(arrears, deposited, topups, fees, fees_withdrawn, next_epoch, supply_at_next)| Books {
            arrears,
            deposited,
            topups,
            fees,
            fees_withdrawn,
            next_epoch,
            supply_at_next,
        },
    )
}

pub fn set_books(env: &Env, b: &Books) {
    let entry: BooksEntry = (
        b.arrears,
        b.deposited,
        b.topups,
        b.fees,
        b.fees_withdrawn,
        b.next_epoch,
        b.supply_at_next,
    );
    env.storage().instance().set(&DataKey::Books, &entry);
}

/// A recorded epoch's payout, and the supply it ended with, extending its entry.
pub fn payout(env: &Env, epoch: u64) -> Option<(EpochPayout, i128)> {
    let entry: Option<PayoutEntry> = read_persistent(env, &DataKey::Payout(epoch));
    entry.map(
        |(owed, paid, topup, fee, supply_seconds, reported, supply_at_end)| {
            let payout = EpochPayout {
                owed,
                paid,
                topup,
                fee,
                supply_seconds,
                reported,
            };
            (payout, supply_at_end)
        },
    )
}

pub fn set_payout(env: &Env, epoch: u64, p: &EpochPayout, supply_at_end: i128) {
    let entry: PayoutEntry = (
        p.owed,
        p.paid,
        p.topup,
        p.fee,
        p.supply_seconds,
        p.reported,
        supply_at_end,
    );
    write_persistent(env, &DataKey::Payout(epoch), &entry);
}
