//! Every storage key of the share token, and where each lives.
//!
//! Instance (loaded, and its size paid for, on every call): only the hot state — the token-wide
//! reward state, the distributor, the admin and the pause flag. Persistent, extended on
//! access: the offering's configuration and metadata (read by mint and the views only), and
//! one entry per holder with its balance *and* its reward position, so a transfer touches
//! exactly the two entries a plain token does. Temporary: allowances, which expire by design.
use hashshare_common::ttl::{read_persistent, write_persistent};
use soroban_sdk::{contracttype, Address, Env, String, Symbol};

use crate::rewards::{Holder, Rewards};

#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TokenConfig {
    pub operator: Address,
    pub oracle: Address,
    pub pool: Symbol,
    pub hashrate_per_share: i128,
    pub maturity: u64,
}

#[contracttype]
pub(crate) enum DataKey {
    Config,
    Metadata,
    Distributor,
    Rewards,
    Holder(Address),
    Allowance(Address, Address),
}

/// Stored forms: tuples serialize smaller than structs (no field names). The `u128` index and
/// rate are stored as the `i128`s with the same bits, sparing the contract the host's `u128`
/// conversions (every imported host function makes every call dearer).
type RewardsEntry = (i128, i128, i128, u64, u64, i128, i128);
type HolderEntry = (i128, i128, i128);
type ConfigEntry = (Address, Address, Symbol, i128, u64);

pub fn config(env: &Env) -> Option<TokenConfig> {
    let entry: Option<ConfigEntry> = read_persistent(env, &DataKey::Config);
    entry.map(
        |(operator, oracle, pool, hashrate_per_share, maturity)| TokenConfig {
            operator,
            oracle,
            pool,
            hashrate_per_share,
            maturity,
        },
    )
}

pub fn set_config(env: &Env, c: &TokenConfig) {
    let entry: ConfigEntry = (
        c.operator.clone(),
        c.oracle.clone(),
        c.pool.clone(),
        c.hashrate_per_share,
        c.maturity,
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

pub fn rewards(env: &Env) -> Rewards {
    let entry: Option<RewardsEntry> = env.storage().instance().get(&DataKey::Rewards);
    entry
        .map(
            |(supply, index, rate, updated, end, unstreamed, carried)| Rewards {
                supply,
                index: index as u128,
                rate: rate as u128,
                updated,
                end,
                unstreamed,
                carried,
            },
        )
        .unwrap_or_default()
}

pub fn set_rewards(env: &Env, r: &Rewards) {
    let entry: RewardsEntry = (
        r.supply,
        r.index as i128,
        r.rate as i128,
        r.updated,
        r.end,
        r.unstreamed,
        r.carried,
    );
    env.storage().instance().set(&DataKey::Rewards, &entry);
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
