//! Every storage key of the share token, and where each lives.
//!
//! Instance (loaded on every call, so kept small): the configuration, the metadata, the
//! distributor and the token-wide reward state. Persistent, extended on access: one entry per
//! holder with its balance *and* its reward position, so a transfer touches exactly the two
//! entries a plain token does. Temporary: allowances, which expire by design.
use hashshare_common::ttl::{read_persistent, write_persistent};
use soroban_sdk::{contracttype, Address, Env, String, Symbol};

use crate::rewards::{Holder, Rewards};

#[contracttype]
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

/// Stored forms: tuples serialize smaller than structs (no field names).
type RewardsEntry = (i128, u128, u64, u64, i128, i128);
type HolderEntry = (i128, u128, i128);

pub fn config(env: &Env) -> Option<TokenConfig> {
    env.storage().instance().get(&DataKey::Config)
}

pub fn set_config(env: &Env, config: &TokenConfig) {
    env.storage().instance().set(&DataKey::Config, config);
}

pub fn metadata(env: &Env) -> Option<(String, String)> {
    env.storage().instance().get(&DataKey::Metadata)
}

pub fn set_metadata(env: &Env, name: &String, symbol: &String) {
    env.storage()
        .instance()
        .set(&DataKey::Metadata, &(name.clone(), symbol.clone()));
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
            |(supply, index, updated, end, unstreamed, carried)| Rewards {
                supply,
                index,
                updated,
                end,
                unstreamed,
                carried,
            },
        )
        .unwrap_or_default()
}

pub fn set_rewards(env: &Env, r: &Rewards) {
    let entry: RewardsEntry = (r.supply, r.index, r.updated, r.end, r.unstreamed, r.carried);
    env.storage().instance().set(&DataKey::Rewards, &entry);
}

pub fn holder(env: &Env, id: &Address) -> Option<Holder> {
    let entry: Option<HolderEntry> = read_persistent(env, &DataKey::Holder(id.clone()));
    entry.map(|(balance, index, accrued)| Holder {
        balance,
        index,
        accrued,
    })
}

pub fn set_holder(env: &Env, id: &Address, h: &Holder) {
    let entry: HolderEntry = (h.balance, h.index, h.accrued);
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
