//! Every storage key of the share token, and where each lives.
//!
//! Instance (loaded, and its size paid for, on every call): only the hot state — the reward
//! [`Stream`] every transfer and claim reads, the distributor, the admin and the pause flag.
//! Persistent, extended on access: the offering's configuration and metadata (read by mint and
//! the views only); the rest of the reward state with the supply-seconds clock (written by
//! mint, burn and deposits only); one finished supply integral per epoch in which the supply
//! changed; and one entry per holder with its balance *and* its reward position, so a transfer
//! touches exactly the two entries a plain token does. Temporary: allowances, which expire by
//! design.
use hashshare_common::ttl::{read_persistent, write_persistent};
use soroban_sdk::{contracttype, Address, Env, String, Symbol};

use crate::{
    rewards::{Holder, Lane, Rewards, Stream},
    supply::{Schedule, SupplyClock},
};

#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TokenConfig {
    pub oracle: Address,
    pub pool: Symbol,
    pub hashrate_per_share: i128,
    pub maturity: u64,
    /// The pool's epoch grid, immutable on the oracle.
    pub schedule: Schedule,
}

#[contracttype]
pub(crate) enum DataKey {
    Config,
    Metadata,
    Distributor,
    Stream,
    Supply,
    EpochSupply(u64),
    Holder(Address),
    Allowance(Address, Address),
}

/// Stored forms: tuples serialize smaller than structs (no field names). `u128` values are
/// stored as the `i128`s with the same bits, sparing the contract the host's `u128`
/// conversions (every imported host function makes every call dearer).
/// `(index, updated, end_0, rate_0, shift_0, end_1, rate_1, shift_1)`.
type StreamEntry = (i128, u64, u64, i128, u32, u64, i128, u32);
/// `(supply, rest_0, rest_1, carried, clock epoch, clock supply-seconds, clock since)`.
type SupplyEntry = (i128, i128, i128, i128, u64, i128, u64);
/// `(supply_seconds, supply_at_end)` of a finished epoch.
pub type EpochSupplyEntry = (i128, i128);
type HolderEntry = (i128, i128, i128);
type ConfigEntry = (Address, Symbol, i128, u64, u64, u64);

pub fn config(env: &Env) -> Option<TokenConfig> {
    let entry: Option<ConfigEntry> = read_persistent(env, &DataKey::Config);
    entry.map(
        |(oracle, pool, hashrate_per_share, maturity, genesis, epoch_seconds)| TokenConfig {
            oracle,
            pool,
            hashrate_per_share,
            maturity,
            schedule: Schedule {
                genesis,
                epoch_seconds,
            },
        },
    )
}

pub fn set_config(env: &Env, c: &TokenConfig) {
    let entry: ConfigEntry = (
        c.oracle.clone(),
        c.pool.clone(),
        c.hashrate_per_share,
        c.maturity,
        c.schedule.genesis,
        c.schedule.epoch_seconds,
    );
    write_persistent(env, &DataKey::Config, &entry);
}

pub fn metadata(env: &Env) -> Option<(String, String)> {
    read_persistent(env, &DataKey::Metadata)
}

pub fn set_metadata(env: &Env, name: &String, symbol: &String) {
    write_persistent(env, &DataKey::Metadata, &(name.clone(), symbol.clone()));
}

pub fn distributor(env: &Env) -> Option<Address> {
    env.storage().instance().get(&DataKey::Distributor)
}

pub fn set_distributor(env: &Env, distributor: &Address) {
    env.storage()
        .instance()
        .set(&DataKey::Distributor, distributor);
}

/// The reward stream: all a transfer, a claim or `accrued` reads of the reward state.
pub fn stream(env: &Env) -> Stream {
    let entry: Option<StreamEntry> = env.storage().instance().get(&DataKey::Stream);
    entry.map_or_else(
        Stream::default,
        |(index, updated, e0, r0, s0, e1, r1, s1)| {
            let lane = |end, rate: i128, shift| Lane {
                end,
                rate: rate as u128,
                shift,
            };
            Stream {
                index: index as u128,
                updated,
                lanes: [lane(e0, r0, s0), lane(e1, r1, s1)],
            }
        },
    )
}

fn set_stream(env: &Env, s: &Stream) {
    let [l0, l1] = s.lanes;
    let entry: StreamEntry = (
        s.index as i128,
        s.updated,
        l0.end,
        l0.rate as i128,
        l0.shift,
        l1.end,
        l1.rate as i128,
        l1.shift,
    );
    env.storage().instance().set(&DataKey::Stream, &entry);
}

/// The whole reward state and the supply clock. The constructor stores them, so they exist.
pub fn rewards(env: &Env) -> Option<(Rewards, SupplyClock)> {
    let entry: Option<SupplyEntry> = read_persistent(env, &DataKey::Supply);
    entry.map(
        |(supply, rest0, rest1, carried, epoch, supply_seconds, since)| {
            (
                Rewards {
                    stream: stream(env),
                    supply,
                    rest: [rest0, rest1],
                    carried,
                },
                SupplyClock {
                    epoch,
                    supply_seconds,
                    since,
                },
            )
        },
    )
}

pub fn set_rewards(env: &Env, r: &Rewards, clock: &SupplyClock) {
    set_stream(env, &r.stream);
    let entry: SupplyEntry = (
        r.supply,
        r.rest[0],
        r.rest[1],
        r.carried,
        clock.epoch,
        clock.supply_seconds,
        clock.since,
    );
    write_persistent(env, &DataKey::Supply, &entry);
}

/// A finished epoch's supply integral, if the supply changed during it.
pub fn epoch_supply(env: &Env, epoch: u64) -> Option<EpochSupplyEntry> {
    read_persistent(env, &DataKey::EpochSupply(epoch))
}

pub fn set_epoch_supply(env: &Env, epoch: u64, entry: &EpochSupplyEntry) {
    write_persistent(env, &DataKey::EpochSupply(epoch), entry);
}

pub fn holder(env: &Env, id: &Address) -> Option<Holder> {
    let entry: Option<HolderEntry> = read_persistent(env, &DataKey::Holder(id.clone()));
    entry.map(|(balance, index, accrued_scaled)| Holder {
        balance,
        index: index as u128,
        accrued_scaled,
    })
}

pub fn set_holder(env: &Env, id: &Address, h: &Holder) {
    let entry: HolderEntry = (h.balance, h.index as i128, h.accrued_scaled);
    write_persistent(env, &DataKey::Holder(id.clone()), &entry);
}

/// `(amount, live_until_ledger)`; an expired allowance reads as none.
pub fn allowance(env: &Env, from: &Address, spender: &Address) -> Option<(i128, u32)> {
    let key = DataKey::Allowance(from.clone(), spender.clone());
    let entry: Option<(i128, u32)> = env.storage().temporary().get(&key);
    entry.filter(|(_, live_until)| *live_until >= env.ledger().sequence())
}

/// Stores an allowance that lives exactly until `live_until_ledger`.
pub fn set_allowance(env: &Env, from: &Address, spender: &Address, amount: i128, live_until: u32) {
    let key = DataKey::Allowance(from.clone(), spender.clone());
    let temporary = env.storage().temporary();
    temporary.set(&key, &(amount, live_until));
    if amount > 0 {
        let ttl = live_until.saturating_sub(env.ledger().sequence());
        temporary.extend_ttl(&key, ttl, ttl);
    }
}
