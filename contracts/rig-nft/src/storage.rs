//! Every storage key of the vault, and where each lives. Instance: the configuration and the
//! vault's index (read by every reward call). Persistent, extended on access: one entry per
//! certificate (owner, rig, position, user, rental), one count per owner, one listing per
//! listed certificate. Temporary: approvals, which expire by design (at their ledger).
use crate::interface::{RentalListing, Rig};
use hashshare_common::ttl::{read_persistent, write_persistent};
use soroban_sdk::{contracttype, panic_with_error, Address, Env, String};

use crate::{errors::RigNftError, position::Position};

#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Config {
    pub share_token: Address,
    pub distributor: Address,
    pub reward_token: Address,
    pub hashrate_per_share: i128,
    /// The pool's schedule: rentals are priced and timed by its epochs.
    pub genesis: u64,
    pub epoch_seconds: u64,
}

#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub symbol: String,
    pub base_uri: String,
}

/// The vault: shares locked in all certificates and the reward index over them.
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Vault {
    pub locked: i128,
    pub index: i128,
    /// Index units pulled but not yet spread (the remainder of the last division).
    pub carry: i128,
    pub next_id: u32,
    /// Reward units spread but still in the distributor (counted while it was paused).
    pub receivable: i128,
}

/// One certificate.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Certificate {
    pub owner: Address,
    pub rig: Rig,
    pub position: Position,
    /// ERC-4907's user and until when (unix seconds); `None` when none was ever set.
    pub user: Option<Address>,
    pub expires: u64,
    /// Whether the user's period was paid for through `rent` (the owner may not override it).
    pub rented: bool,
}

impl Certificate {
    /// The user's expiry, for settlements (`None`: no user).
    pub fn user_until(&self) -> Option<u64> {
        self.user.as_ref().map(|_| self.expires)
    }

    pub fn user_active(&self, now: u64) -> bool {
        self.user.is_some() && self.expires > now
    }
}

#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Approval {
    pub approved: Address,
    pub live_until_ledger: u32,
}

#[contracttype]
enum Key {
    Config,
    Metadata,
    Vault,
    Certificate(u32),
    Balance(Address),
    Listing(u32),
    Approval(u32),
    Operator(Address, Address),
    Unpaid(Address),
}

pub fn config(env: &Env) -> Config {
    env.storage()
        .instance()
        .get(&Key::Config)
        .unwrap_or_else(|| panic_with_error!(env, RigNftError::NotConfigured))
}

pub fn set_config(env: &Env, config: &Config) {
    env.storage().instance().set(&Key::Config, config);
}

pub fn metadata(env: &Env) -> Metadata {
    env.storage()
        .instance()
        .get(&Key::Metadata)
        .unwrap_or_else(|| panic_with_error!(env, RigNftError::NotConfigured))
}

pub fn set_metadata(env: &Env, metadata: &Metadata) {
    env.storage().instance().set(&Key::Metadata, metadata);
}

pub fn vault(env: &Env) -> Vault {
    env.storage()
        .instance()
        .get(&Key::Vault)
        .unwrap_or_default()
}

pub fn set_vault(env: &Env, vault: &Vault) {
    env.storage().instance().set(&Key::Vault, vault);
}

pub fn certificate(env: &Env, id: u32) -> Certificate {
    read_persistent(env, &Key::Certificate(id))
        .unwrap_or_else(|| panic_with_error!(env, RigNftError::NonExistentToken))
}

pub fn set_certificate(env: &Env, id: u32, certificate: &Certificate) {
    write_persistent(env, &Key::Certificate(id), certificate);
}

pub fn remove_certificate(env: &Env, id: u32) {
    env.storage().persistent().remove(&Key::Certificate(id));
    env.storage().persistent().remove(&Key::Listing(id));
    env.storage().temporary().remove(&Key::Approval(id));
}

pub fn balance(env: &Env, owner: &Address) -> u32 {
    read_persistent(env, &Key::Balance(owner.clone())).unwrap_or(0)
}

pub fn set_balance(env: &Env, owner: &Address, balance: u32) {
    let key = Key::Balance(owner.clone());
    if balance == 0 {
        env.storage().persistent().remove(&key);
    } else {
        write_persistent(env, &key, &balance);
    }
}

/// Rewards an account could not be paid when they were due (it could not receive the asset
/// then), waiting for it to `collect` them.
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

pub fn listing(env: &Env, id: u32) -> Option<RentalListing> {
    read_persistent(env, &Key::Listing(id))
}

pub fn set_listing(env: &Env, id: u32, listing: Option<&RentalListing>) {
    match listing {
        Some(l) => write_persistent(env, &Key::Listing(id), l),
        None => env.storage().persistent().remove(&Key::Listing(id)),
    }
}

/// The approval of a certificate, if it still lives.
pub fn approval(env: &Env, id: u32) -> Option<Approval> {
    let approval: Approval = env.storage().temporary().get(&Key::Approval(id))?;
    (approval.live_until_ledger >= env.ledger().sequence()).then_some(approval)
}

pub fn set_approval(env: &Env, id: u32, approval: Option<&Approval>) {
    let key = Key::Approval(id);
    match approval {
        Some(a) => {
            env.storage().temporary().set(&key, a);
            let ttl = a.live_until_ledger.saturating_sub(env.ledger().sequence());
            env.storage().temporary().extend_ttl(&key, ttl, ttl);
        }
        None => env.storage().temporary().remove(&key),
    }
}

/// Until which ledger `operator` may act for `owner` (0: not at all).
pub fn operator_until(env: &Env, owner: &Address, operator: &Address) -> u32 {
    let until: u32 = env
        .storage()
        .temporary()
        .get(&Key::Operator(owner.clone(), operator.clone()))
        .unwrap_or(0);
    if until >= env.ledger().sequence() {
        until
    } else {
        0
    }
}

pub fn set_operator(env: &Env, owner: &Address, operator: &Address, live_until_ledger: u32) {
    let key = Key::Operator(owner.clone(), operator.clone());
    if live_until_ledger == 0 {
        env.storage().temporary().remove(&key);
    } else {
        env.storage().temporary().set(&key, &live_until_ledger);
        let ttl = live_until_ledger.saturating_sub(env.ledger().sequence());
        env.storage().temporary().extend_ttl(&key, ttl, ttl);
    }
}
