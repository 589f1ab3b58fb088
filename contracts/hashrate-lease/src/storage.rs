//! Every storage key of the market. Instance: the configuration, the id counters and the
//! escrow books. Persistent, extended on access: offers, leases, each pool's committed
//! hashrate, each provider's record, amounts kept for accounts that could not receive them,
//! the source pools the market bound.
use hashshare_common::ttl::{read_persistent, write_persistent};
use soroban_sdk::{contracttype, panic_with_error, Address, Env, Symbol};

use crate::{
    errors::LeaseError,
    interface::{Lease, LeaseBooks, Offer},
};

#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Config {
    pub oracle: Address,
    pub payment_token: Address,
    pub fee_bps: u32,
    pub fee_recipient: Address,
}

#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Counters {
    pub next_offer: u64,
    pub next_lease: u64,
}

#[contracttype]
enum Key {
    Config,
    Counters,
    Books,
    Offer(u64),
    Lease(u64),
    Committed(Symbol),
    Record(Address),
    Unpaid(Address),
    Source(Symbol),
}

pub fn config(env: &Env) -> Config {
    env.storage()
        .instance()
        .get(&Key::Config)
        .unwrap_or_else(|| panic_with_error!(env, LeaseError::NotConfigured))
}

pub fn set_config(env: &Env, config: &Config) {
    env.storage().instance().set(&Key::Config, config);
}

pub fn counters(env: &Env) -> Counters {
    env.storage()
        .instance()
        .get(&Key::Counters)
        .unwrap_or_default()
}

pub fn set_counters(env: &Env, counters: &Counters) {
    env.storage().instance().set(&Key::Counters, counters);
}

pub fn books(env: &Env) -> LeaseBooks {
    env.storage()
        .instance()
        .get(&Key::Books)
        .unwrap_or_default()
}

pub fn set_books(env: &Env, books: &LeaseBooks) {
    env.storage().instance().set(&Key::Books, books);
}

pub fn offer(env: &Env, id: u64) -> Option<Offer> {
    read_persistent(env, &Key::Offer(id))
}

pub fn set_offer(env: &Env, id: u64, offer: &Offer) {
    write_persistent(env, &Key::Offer(id), offer);
}

pub fn remove_offer(env: &Env, id: u64) {
    env.storage().persistent().remove(&Key::Offer(id));
}

pub fn lease(env: &Env, id: u64) -> Option<Lease> {
    read_persistent(env, &Key::Lease(id))
}

pub fn set_lease(env: &Env, id: u64, lease: &Lease) {
    write_persistent(env, &Key::Lease(id), lease);
}

pub fn committed(env: &Env, pool: &Symbol) -> i128 {
    read_persistent(env, &Key::Committed(pool.clone())).unwrap_or(0)
}

pub fn set_committed(env: &Env, pool: &Symbol, hashrate: i128) {
    let key = Key::Committed(pool.clone());
    if hashrate == 0 {
        env.storage().persistent().remove(&key);
    } else {
        write_persistent(env, &key, &hashrate);
    }
}

/// A provider's settled epochs: how many were delivered in full and short, and what they were
/// paid against what they were priced (the record weighted by value, which dust leases hardly
/// move).
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Record {
    pub full: u32,
    pub short: u32,
    pub paid: i128,
    pub priced: i128,
}

pub fn record(env: &Env, provider: &Address) -> Record {
    read_persistent(env, &Key::Record(provider.clone())).unwrap_or_default()
}

pub fn set_record(env: &Env, provider: &Address, record: &Record) {
    write_persistent(env, &Key::Record(provider.clone()), record);
}

pub fn unpaid(env: &Env, account: &Address) -> i128 {
    read_persistent(env, &Key::Unpaid(account.clone())).unwrap_or(0)
}

pub fn set_unpaid(env: &Env, account: &Address, amount: i128) {
    let key = Key::Unpaid(account.clone());
    if amount == 0 {
        env.storage().persistent().remove(&key);
    } else {
        write_persistent(env, &key, &amount);
    }
}

/// Whether the market bound `pool` itself as a source of offers (not a delivery pool).
pub fn is_source(env: &Env, pool: &Symbol) -> bool {
    read_persistent(env, &Key::Source(pool.clone())).unwrap_or(false)
}

pub fn set_source(env: &Env, pool: &Symbol) {
    write_persistent(env, &Key::Source(pool.clone()), &true);
}
