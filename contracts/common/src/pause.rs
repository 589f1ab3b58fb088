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
    if paused {
        env.storage().instance().set(&PauseKey::Paused, &true);
        Paused {}.publish(env);
    } else {
        env.storage().instance().remove(&PauseKey::Paused);
        Unpaused {}.publish(env);
    }
}
