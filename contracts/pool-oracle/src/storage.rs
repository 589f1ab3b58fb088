//! Every storage key of the oracle, and how long each kind of entry lives.
//!
//! Instance: the admin (via `hashshare_common::admin`). Persistent, extended on access: pool
//! configs, pool heads, finalized reports, the open round of submissions of epochs not yet
//! finalized (bounded by 16 reporters), each pool's consumer (its share token, or the lease
//! market), and the registrars the admin allowed. Nothing lives in temporary storage: all of it is attested data.
use hashshare_common::ttl::{read_persistent, write_persistent};
use hashshare_interfaces::{EpochReport, PoolConfig};
use soroban_sdk::{contracttype, Address, Env, Symbol, Vec};

use crate::finality::PoolHead;

/// One reporter's attestation: `(reporter, hashrate, reward)`. A tuple serializes smaller than
/// a struct.
pub type Submission = (Address, i128, i128);

#[contracttype]
pub(crate) enum DataKey {
    Pool(Symbol),
    Head(Symbol),
    Submissions(Symbol, u64),
    Report(Symbol, u64),
    Token(Symbol),
    Registrar(Address),
    Registered,
}

pub fn pool(env: &Env, pool: &Symbol) -> Option<PoolConfig> {
    read_persistent(env, &DataKey::Pool(pool.clone()))
}

pub fn set_pool(env: &Env, pool: &Symbol, config: &PoolConfig) {
    write_persistent(env, &DataKey::Pool(pool.clone()), config);
}

pub fn head(env: &Env, pool: &Symbol) -> PoolHead {
    read_persistent(env, &DataKey::Head(pool.clone())).unwrap_or_else(|| PoolHead::new(env))
}

pub fn set_head(env: &Env, pool: &Symbol, head: &PoolHead) {
    write_persistent(env, &DataKey::Head(pool.clone()), head);
}

/// The open round of an epoch: when its first submission came, and the submissions.
pub fn submissions(env: &Env, pool: &Symbol, epoch: u64) -> Option<(u64, Vec<Submission>)> {
    read_persistent(env, &DataKey::Submissions(pool.clone(), epoch))
}

pub fn set_submissions(
    env: &Env,
    pool: &Symbol,
    epoch: u64,
    first_at: u64,
    submissions: &Vec<Submission>,
) {
    let key = DataKey::Submissions(pool.clone(), epoch);
    write_persistent(env, &key, &(first_at, submissions.clone()));
}

pub fn remove_submissions(env: &Env, pool: &Symbol, epoch: u64) {
    env.storage()
        .persistent()
        .remove(&DataKey::Submissions(pool.clone(), epoch));
}

/// A finalized report, effective or not.
pub fn report(env: &Env, pool: &Symbol, epoch: u64) -> Option<EpochReport> {
    read_persistent(env, &DataKey::Report(pool.clone(), epoch))
}

pub fn has_report(env: &Env, pool: &Symbol, epoch: u64) -> bool {
    env.storage()
        .persistent()
        .has(&DataKey::Report(pool.clone(), epoch))
}

pub fn set_report(env: &Env, pool: &Symbol, report: &EpochReport) {
    write_persistent(env, &DataKey::Report(pool.clone(), report.epoch), report);
}

pub fn remove_report(env: &Env, pool: &Symbol, epoch: u64) {
    env.storage()
        .persistent()
        .remove(&DataKey::Report(pool.clone(), epoch));
}

pub fn token(env: &Env, pool: &Symbol) -> Option<Address> {
    read_persistent(env, &DataKey::Token(pool.clone()))
}

pub fn set_token(env: &Env, pool: &Symbol, token: &Address) {
    write_persistent(env, &DataKey::Token(pool.clone()), token);
}

pub fn is_registrar(env: &Env, registrar: &Address) -> bool {
    read_persistent(env, &DataKey::Registrar(registrar.clone())).unwrap_or(false)
}

pub fn set_registrar(env: &Env, registrar: &Address, allowed: bool) {
    let key = DataKey::Registrar(registrar.clone());
    if allowed {
        write_persistent(env, &key, &true);
    } else {
        env.storage().persistent().remove(&key);
    }
}

/// How many pool ids registrars have taken (`reg_<n>` is the next one tried).
pub fn registered(env: &Env) -> u64 {
    read_persistent(env, &DataKey::Registered).unwrap_or(0)
}

pub fn set_registered(env: &Env, n: u64) {
    write_persistent(env, &DataKey::Registered, &n);
}
