//! The suite's one TTL policy. Entries are extended when touched, at most about once a day
//! (the threshold sits one day below the target), so rent is paid by the callers that use an
//! entry and nothing live can expire while it is in use.
use soroban_sdk::{Env, IntoVal, Val};

/// Ledgers closed in a day at 5 seconds a ledger.
pub const DAY_IN_LEDGERS: u32 = 17_280;

/// Contract instance (configuration): kept 30 days ahead.
pub const INSTANCE_BUMP: u32 = 30 * DAY_IN_LEDGERS;
pub const INSTANCE_THRESHOLD: u32 = INSTANCE_BUMP - DAY_IN_LEDGERS;

/// Long-lived persistent entries (pools, reports, holders, payouts): kept 120 days ahead.
/// The network clamps to its maximum TTL if that is lower.
pub const PERSISTENT_BUMP: u32 = 120 * DAY_IN_LEDGERS;
pub const PERSISTENT_THRESHOLD: u32 = PERSISTENT_BUMP - DAY_IN_LEDGERS;

/// Extends the contract instance (and its code) if it is due.
pub fn bump_instance(env: &Env) {
    env.storage()
        .instance()
        .extend_ttl(INSTANCE_THRESHOLD, INSTANCE_BUMP);
}

/// Extends a persistent entry that exists, if it is due.
pub fn bump_persistent<K: IntoVal<Env, Val>>(env: &Env, key: &K) {
    env.storage()
        .persistent()
        .extend_ttl(key, PERSISTENT_THRESHOLD, PERSISTENT_BUMP);
}

/// Reads a persistent entry and, when present, extends it.
pub fn read_persistent<K, V>(env: &Env, key: &K) -> Option<V>
where
    K: IntoVal<Env, Val>,
    V: soroban_sdk::TryFromVal<Env, Val>,
{
    let value = env.storage().persistent().get(key);
    if value.is_some() {
        bump_persistent(env, key);
    }
    value
}

/// Writes a persistent entry and extends it.
pub fn write_persistent<K, V>(env: &Env, key: &K, value: &V)
where
    K: IntoVal<Env, Val>,
    V: IntoVal<Env, Val>,
{
    env.storage().persistent().set(key, value);
    bump_persistent(env, key);
}
