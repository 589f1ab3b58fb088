//! Balance changes, each settling the holders it touches first, so accrued rewards always stay
//! with whoever held the shares while they streamed.
use soroban_sdk::{panic_with_error, Address, Env};

use crate::{
    errors::ShareTokenError,
    rewards::{Holder, Overflow, Rewards},
    storage,
};

/// Unwraps a reward computation, turning an overflow into the typed error.
pub fn checked<T>(env: &Env, result: Result<T, Overflow>) -> T {
    result.unwrap_or_else(|_| panic_with_error!(env, ShareTokenError::Overflow))
}

fn now(env: &Env) -> u64 {
    env.ledger().timestamp()
}

/// The reward index right now. Pure: reads the reward state, writes nothing.
pub fn current_index(env: &Env, rewards: &Rewards) -> u128 {
    checked(env, rewards.index_at(now(env)))
}

/// The holder's position settled at `index`, or a fresh one for a new holder.
pub fn settled_holder(env: &Env, id: &Address, index: u128) -> Holder {
    let mut holder = storage::holder(env, id).unwrap_or_else(|| Holder::new(index));
    checked(env, holder.settle(index));
    holder
}

/// Moves `amount` between two distinct holders. Supply is unchanged, so the reward state is
/// read, not written.
pub fn transfer(env: &Env, from: &Address, to: &Address, amount: i128) {
    let index = current_index(env, &storage::rewards(env));
    let mut sender = settled_holder(env, from, index);
    if sender.balance < amount {
        panic_with_error!(env, ShareTokenError::InsufficientBalance);
    }
    sender.balance -= amount;
    let mut receiver = settled_holder(env, to, index);
    receiver.balance = receiver
        .balance
        .checked_add(amount)
        .unwrap_or_else(|| panic_with_error!(env, ShareTokenError::Overflow));
    storage::set_holder(env, from, &sender);
    storage::set_holder(env, to, &receiver);
}

/// Creates `amount` shares for `to`, provided the supply stays within `max_supply`. The running
/// stream is closed first: its rest goes to the holders before the mint, whose shares it was
/// sized for (`record` fixed what it owes from that supply).
pub fn mint(env: &Env, to: &Address, amount: i128, max_supply: i128) {
    let mut rewards = storage::rewards(env);
    checked(env, rewards.checkpoint(now(env)));
    checked(env, rewards.close_stream(now(env)));
    let supply = rewards
        .supply
        .checked_add(amount)
        .unwrap_or_else(|| panic_with_error!(env, ShareTokenError::Overflow));
    if supply > max_supply {
        panic_with_error!(env, ShareTokenError::CapacityExceeded);
    }
    let mut holder = settled_holder(env, to, rewards.index);
    holder.balance = holder
        .balance
        .checked_add(amount)
        .unwrap_or_else(|| panic_with_error!(env, ShareTokenError::Overflow));
    checked(env, rewards.set_supply(supply));
    storage::set_rewards(env, &rewards);
    storage::set_holder(env, to, &holder);
}

/// Destroys `amount` of `from`'s shares.
pub fn burn(env: &Env, from: &Address, amount: i128) {
    let mut rewards = storage::rewards(env);
    checked(env, rewards.checkpoint(now(env)));
    let mut holder = settled_holder(env, from, rewards.index);
    if holder.balance < amount {
        panic_with_error!(env, ShareTokenError::InsufficientBalance);
    }
    holder.balance -= amount;
    checked(env, rewards.set_supply(rewards.supply - amount));
    storage::set_rewards(env, &rewards);
    storage::set_holder(env, from, &holder);
}

/// Adds `amount` to the reward stream (see [`Rewards::notify`]). Returns the new state.
pub fn notify(env: &Env, amount: i128, duration: u64, maturity: u64) -> Rewards {
    let mut rewards = storage::rewards(env);
    checked(env, rewards.notify(amount, duration, maturity, now(env)));
    storage::set_rewards(env, &rewards);
    rewards
}

/// Zeroes and returns `holder`'s accrued rewards.
pub fn take_accrued(env: &Env, id: &Address) -> i128 {
    let index = current_index(env, &storage::rewards(env));
    let Some(mut holder) = storage::holder(env, id) else {
        return 0;
    };
    checked(env, holder.settle(index));
    let amount = holder.take();
    storage::set_holder(env, id, &holder);
    amount
}

/// What `holder` could take now.
pub fn accrued(env: &Env, id: &Address) -> i128 {
    let index = current_index(env, &storage::rewards(env));
    storage::holder(env, id).map_or(0, |mut holder| {
        checked(env, holder.settle(index));
        holder.accrued()
    })
}

/// Debits `amount` from the allowance `spender` has over `from`'s shares.
pub fn spend_allowance(env: &Env, from: &Address, spender: &Address, amount: i128) {
    let Some((allowed, live_until)) = storage::allowance(env, from, spender) else {
        panic_with_error!(env, ShareTokenError::InsufficientAllowance);
    };
    if allowed < amount {
        panic_with_error!(env, ShareTokenError::InsufficientAllowance);
    }
    storage::set_allowance(env, from, spender, allowed - amount, live_until);
}
