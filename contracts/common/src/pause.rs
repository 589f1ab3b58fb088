//! An emergency stop the admin can pull: paused contracts refuse the state changes that move
//! value (each contract decides which), while reads keep working.
use soroban_sdk::{contractevent, contracttype, Env};

use crate::admin;

#[contracttype]
enum PauseKey {
    Paused,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Paused {}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Unpaused {}

pub fn is_paused(env: &Env) -> bool {
    env.storage()
        .instance()
        .get(&PauseKey::Paused)
        .unwrap_or(false)
}

/// Admin only.
pub fn set_paused(env: &Env, paused: bool) {
    admin::require_admin(env);
    // Overwritten, never removed: removal would import one more host function into every
    // contract, which every call pays for.
    env.storage().instance().set(&PauseKey::Paused, &paused);
    if paused {
        Paused {}.publish(env);
    } else {
        Unpaused {}.publish(env);
    }
}
