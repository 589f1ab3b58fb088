//! Reward positions: the vault's index and each certificate's share of it.
//!
//! The vault pulls what its shares earned from the distributor (`claim`) before any change of
//! the locked shares, and spreads it over them: `index += pulled × SCALE / locked`, the
//! remainder carried in index units so that nothing pulled is ever lost. A certificate earns
//! `shares × (index − its paid index) / SCALE`; the fraction of a base unit below that is
//! carried in the position (index units), so settling often — anyone may `claim` — loses
//! nothing: a certificate earns exactly what a plain holder of its shares earns, floored once.
//!
//! Owner and user. What a certificate earned since its last settlement is split by time:
//! the user's part is the fraction of that interval during which it was the user (until its
//! expiry), the owner's the rest. Settlements happen at every wrap, add, transfer, claim,
//! new user and rental, so a rental's user receives the rewards of its period: exactly, when
//! the certificate is settled at the rental's start and end; else the interval that straddles
//! an end is split pro rata by time (documented in the README, tested with exact numbers).
use hashshare_common::math::mul_div_floor_i128;
use soroban_sdk::{contracttype, panic_with_error, Env};

use crate::{errors::RigNftError, storage::Vault};

/// Index units per reward base unit per share base unit.
pub const SCALE: i128 = 1_000_000_000_000_000_000;

/// One certificate's position.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Position {
    pub shares: i128,
    /// The vault index at the last settlement.
    pub paid_index: i128,
    /// Ledger time of the last settlement.
    pub settled_at: u64,
    /// Earned and not yet paid: the owner's and the user's.
    pub owed_owner: i128,
    pub owed_user: i128,
    /// Earned below one base unit, in index units (< SCALE), kept for the next settlement.
    pub carry: i128,
}

/// Spreads `pulled` reward units over the vault's locked shares.
pub fn spread(env: &Env, vault: &mut Vault, pulled: i128) {
    if pulled <= 0 || vault.locked <= 0 {
        // Nothing locked earns nothing; a pull with nothing locked is kept for the next shares.
        vault.carry = add(env, vault.carry, mul(env, pulled.max(0), SCALE));
        return;
    }
    let total = add(env, mul(env, pulled, SCALE), vault.carry);
    let step = total / vault.locked;
    vault.carry = total - step * vault.locked;
    vault.index = add(env, vault.index, step);
}

/// Brings `p` up to the vault's index at `now`, splitting what it earned between the owner and
/// a user active until `user_expires`.
pub fn settle(env: &Env, p: &mut Position, index: i128, now: u64, user_expires: Option<u64>) {
    let scaled = p
        .shares
        .checked_mul(index - p.paid_index)
        .and_then(|s| s.checked_add(p.carry))
        .unwrap_or_else(|| panic_with_error!(env, RigNftError::Overflow));
    let earned = scaled / SCALE;
    p.carry = scaled % SCALE;
    let for_user = match user_expires {
        Some(expires) if expires > p.settled_at && now > p.settled_at => {
            let until = expires.min(now);
            mul_div_floor_i128(
                earned,
                i128::from(until - p.settled_at),
                i128::from(now - p.settled_at),
            )
            .unwrap_or_else(|| panic_with_error!(env, RigNftError::Overflow))
        }
        _ => 0,
    };
    p.owed_user = add(env, p.owed_user, for_user);
    p.owed_owner = add(env, p.owed_owner, earned - for_user);
    p.paid_index = index;
    p.settled_at = now;
}

fn add(env: &Env, a: i128, b: i128) -> i128 {
    a.checked_add(b)
        .unwrap_or_else(|| panic_with_error!(env, RigNftError::Overflow))
}

fn mul(env: &Env, a: i128, b: i128) -> i128 {
    a.checked_mul(b)
        .unwrap_or_else(|| panic_with_error!(env, RigNftError::Overflow))
}
