//! The reward arithmetic with exact numbers (the contract's behaviour on the WASM is tested in
//! tests/tests/rig_nft.rs).
use soroban_sdk::Env;

use crate::{
    position::{settle, spread, Position, SCALE},
    storage::Vault,
};

fn position(shares: i128) -> Position {
    Position {
        shares,
        paid_index: 0,
        settled_at: 1_000,
        owed_owner: 0,
        owed_user: 0,
        carry: 0,
    }
}

#[test]
fn pulled_rewards_spread_over_the_locked_shares_without_loss() {
    let env = Env::default();
    let mut vault = Vault {
        locked: 3,
        ..Vault::default()
    };
    // 10 units over 3 share units: 3.333… each, the remainder carried in index units.
    spread(&env, &mut vault, 10);
    assert_eq!(vault.index, 10 * SCALE / 3);
    assert_eq!(vault.carry, 10 * SCALE - (10 * SCALE / 3) * 3);
    spread(&env, &mut vault, 2);
    assert_eq!(
        vault.index * 3 + vault.carry,
        12 * SCALE,
        "nothing pulled is lost"
    );
    // Pulled with nothing locked: kept for the next shares.
    let mut empty = Vault::default();
    spread(&env, &mut empty, 7);
    assert_eq!((empty.index, empty.carry), (0, 7 * SCALE));
}

#[test]
fn what_a_certificate_earned_between_settlements_is_split_by_the_users_time() {
    let env = Env::default();
    // 1,000 units earned over 10 days by 100 share units; the user's rental covered the first
    // 3 of them: 300 for the user, 700 for the owner.
    let mut p = position(100);
    let index = 10 * SCALE; // 10 units a share unit
    let day = 86_400;
    settle(&env, &mut p, index, 1_000 + 10 * day, Some(1_000 + 3 * day));
    assert_eq!((p.owed_user, p.owed_owner), (300, 700));
    // Settled again with no new rewards: nothing moves.
    settle(&env, &mut p, index, 1_000 + 11 * day, Some(1_000 + 3 * day));
    assert_eq!((p.owed_user, p.owed_owner), (300, 700));
    // A user whose whole interval is inside the rental gets all of it; the half unit below
    // the floor is carried, and paid with the next half.
    let mut q = position(3);
    settle(&env, &mut q, SCALE / 2, 2_000, Some(5_000));
    assert_eq!(
        (q.owed_user, q.owed_owner, q.carry),
        (1, 0, SCALE / 2),
        "3 × 0.5 = 1.5"
    );
    settle(&env, &mut q, SCALE, 3_000, Some(5_000));
    assert_eq!(
        (q.owed_user, q.carry),
        (3, 0),
        "3 × 1 = 3: nothing lost to rounding"
    );
    // No user: the owner's.
    let mut r = position(100);
    settle(&env, &mut r, SCALE, 2_000, None);
    assert_eq!((r.owed_user, r.owed_owner), (0, 100));
}
