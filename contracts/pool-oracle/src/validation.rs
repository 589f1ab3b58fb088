//! What makes a pool's configuration acceptable: an honest-majority quorum over a bounded,
//! duplicate-free reporter set, and a schedule whose reports can be used before they are
//! stale.
use hashshare_interfaces::{PoolConfig, MAX_CAPACITY_EPOCHS, MAX_REPORTERS};
use soroban_sdk::{panic_with_error, Env};

use crate::{errors::OracleError, finality::MAX_PENDING};

/// Whether `quorum` of `reporters` is an honest majority: more than half of them, and at least
/// 3 once there are 3 or more, so no single reporter (nor one of two) decides a median.
pub fn is_honest_majority(quorum: u32, reporters: u32) -> bool {
    quorum <= reporters
        && 2 * u64::from(quorum) > u64::from(reporters)
        && (reporters < 3 || quorum >= 3)
}

/// Whether a report whose round opens within one epoch of its epoch's end is still fresh when
/// it becomes effective, in seconds: its round stays open `dispute_seconds`, then it may be
/// disputed for `dispute_seconds` more: `2 * dispute + epoch <= max_age * epoch`.
pub fn is_fresh_when_effective(config: &PoolConfig) -> bool {
    let stale_after = config.max_age_epochs.saturating_mul(config.epoch_seconds);
    config
        .dispute_seconds
        .checked_mul(2)
        .and_then(|windows| windows.checked_add(config.epoch_seconds))
        .is_some_and(|latest_effective| latest_effective <= stale_after)
}

/// Refuses a configuration with `InvalidConfig` unless every rule above holds.
pub fn validate(env: &Env, config: &PoolConfig) {
    let reporters = config.reporters.len();
    // A dispute window of more than MAX_PENDING / 2 epochs would let finalized reports pile
    // up faster than they become effective.
    let window_epochs = config.dispute_seconds / config.epoch_seconds.max(1);
    let mut valid = reporters > 0
        && reporters <= MAX_REPORTERS
        && is_honest_majority(config.quorum, reporters)
        && config.epoch_seconds > 0
        && window_epochs < u64::from(MAX_PENDING / 2)
        && is_fresh_when_effective(config)
        && (1..=MAX_CAPACITY_EPOCHS).contains(&config.capacity_epochs);
    for i in 0..reporters {
        if let Some(reporter) = config.reporters.get(i) {
            valid &= config.reporters.last_index_of(&reporter) == Some(i);
        }
    }
    if !valid {
        panic_with_error!(env, OracleError::InvalidConfig);
    }
}
