//! Balance changes, each settling the holders it touches first, so accrued rewards always stay
//! with whoever held the shares while they streamed; and the supply changes, each advancing
//! the supply-seconds clock.
use soroban_sdk::{panic_with_error, Address, Env};

use crate::{
    errors::ShareTokenError,
    rewards::{Holder, Overflow, Rewards, Stream},
    storage::{self, TokenConfig},
    supply::SupplyClock,
};

/// Unwraps a reward computation, turning an overflow into the typed error.
pub fn checked<T>(env: &Env, result: Result<T, Overflow>) -> T {
    result.unwrap_or_else(|_| panic_with_error!(env, ShareTokenError::Overflow))
}

fn now(env: &Env) -> u64 {
    env.ledger().timestamp()
}

/// The reward index right now. Pure: reads the stream, writes nothing.
pub fn current_index(env: &Env, stream: &Stream) -> u128 {
    checked(env, stream.index_at(now(env)))
}

/// The holder's position settled at `index`, or a fresh one for a new holder.
pub fn settled_holder(env: &Env, id: &Address, index: u128) -> Holder {
    let mut holder = storage::holder(env, id).unwrap_or_else(|| Holder::new(index));
    checked(env, holder.settle(index));
    holder
}

fn balance(env: &Env, id: &Address) -> i128 {
    storage::holder(env, id).map_or(0, |h| h.balance)
}

/// Refuses moving more than `from` holds (for the moves that change nothing: self transfers).
pub fn check_balance(env: &Env, from: &Address, amount: i128) {
    if balance(env, from) < amount {
        panic_with_error!(env, ShareTokenError::InsufficientBalance);
    }
}

/// Moves `amount` between two distinct holders. Supply is unchanged, so the reward state is
/// read, not written.
pub fn transfer(env: &Env, from: &Address, to: &Address, amount: i128) {
    let index = current_index(env, &storage::stream(env));
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

/// The reward state and supply clock, which the constructor always stores.
fn load(env: &Env) -> (Rewards, SupplyClock) {
    storage::rewards(env).unwrap_or_else(|| panic_with_error!(env, ShareTokenError::InvalidConfig))
}

/// Advances the supply clock to now, just before the supply changes, storing the epoch it
/// finishes, if any.
fn tick(env: &Env, config: &TokenConfig, rewards: &Rewards, clock: &mut SupplyClock) {
    let finished = checked(
        env,
        clock.advance(&config.schedule, rewards.supply, now(env)),
    );
    if let Some((epoch, supply_seconds)) = finished {
        storage::set_epoch_supply(env, epoch, &(supply_seconds, rewards.supply));
    }
}

/// Creates `amount` shares for `to`, provided the supply stays within `max_supply`, and returns
/// the top-up the minter owes the running streams (see [`Rewards::mint`]).
pub fn mint(env: &Env, config: &TokenConfig, to: &Address, amount: i128, max_supply: i128) -> i128 {
    let (mut rewards, mut clock) = load(env);
    let supply = rewards
        .supply
        .checked_add(amount)
        .unwrap_or_else(|| panic_with_error!(env, ShareTokenError::Overflow));
    if supply > max_supply {
        panic_with_error!(env, ShareTokenError::CapacityExceeded);
    }
    tick(env, config, &rewards, &mut clock);
    let topup = checked(env, rewards.mint(amount, now(env)));
    let mut holder = settled_holder(env, to, rewards.stream.index);
    holder.balance = holder
        .balance
        .checked_add(amount)
        .unwrap_or_else(|| panic_with_error!(env, ShareTokenError::Overflow));
    storage::set_rewards(env, &rewards, &clock);
    storage::set_holder(env, to, &holder);
    topup
}

/// Destroys `amount` of `from`'s shares.
pub fn burn(env: &Env, config: &TokenConfig, from: &Address, amount: i128) {
    let Some(mut holder) = storage::holder(env, from).filter(|h| h.balance >= amount) else {
        panic_with_error!(env, ShareTokenError::InsufficientBalance);
    };
    let (mut rewards, mut clock) = load(env);
    tick(env, config, &rewards, &mut clock);
    checked(env, rewards.burn(amount, now(env)));
    checked(env, holder.settle(rewards.stream.index));
    holder.balance -= amount;
    storage::set_rewards(env, &rewards, &clock);
    storage::set_holder(env, from, &holder);
}

/// Streams `amount` until the end of the epoch after the current one (see
/// [`Rewards::notify`]). Returns that end.
pub fn notify(env: &Env, config: &TokenConfig, amount: i128) -> u64 {
    let (mut rewards, clock) = load(env);
    let end = checked(env, config.schedule.stream_end(now(env)));
    checked(env, rewards.notify(amount, end, now(env)));
    storage::set_rewards(env, &rewards, &clock);
    end
}

/// The supply now.
pub fn supply(env: &Env) -> i128 {
    load(env).0.supply
}

/// `(supply_seconds, supply_at_end)` of the ended `epoch`, given the supply at its start (see
/// [`crate::supply`]).
pub fn epoch_supply(
    env: &Env,
    config: &TokenConfig,
    epoch: u64,
    supply_at_start: i128,
) -> (i128, i128) {
    let (rewards, clock) = load(env);
    let supply = rewards.supply;
    let length = i128::from(config.schedule.epoch_seconds);
    if epoch > clock.epoch {
        // No change since the clock's epoch: the supply now held throughout.
        (
            checked(env, supply.checked_mul(length).ok_or(Overflow)),
            supply,
        )
    } else if epoch == clock.epoch {
        (checked(env, clock.total(&config.schedule, supply)), supply)
    } else if let Some(finished) = storage::epoch_supply(env, epoch) {
        finished
    } else {
        // No change during it: the supply it started with held throughout.
        let integral = supply_at_start.checked_mul(length).ok_or(Overflow);
        (checked(env, integral), supply_at_start)
    }
}

/// Zeroes and returns `holder`'s accrued rewards.
pub fn take_accrued(env: &Env, id: &Address) -> i128 {
    let index = current_index(env, &storage::stream(env));
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
    let index = current_index(env, &storage::stream(env));
    storage::holder(env, id).map_or(0, |mut holder| {
        checked(env, holder.settle(index));
        holder.accrued()
    })
}

/// Debits `amount` from the allowance `spender` has over `from`'s shares.
pub fn spend_allowance(env: &Env, from: &Address, spender: &Address, amount: i128) {
    if amount == 0 {
        return; // as the Stellar Asset Contract: spending nothing needs no allowance
    }
    let Some((allowed, live_until)) = storage::allowance(env, from, spender) else {
        panic_with_error!(env, ShareTokenError::InsufficientAllowance);
    };
    if allowed < amount {
        panic_with_error!(env, ShareTokenError::InsufficientAllowance);
    }
    storage::set_allowance(env, from, spender, allowed - amount, live_until);
}
