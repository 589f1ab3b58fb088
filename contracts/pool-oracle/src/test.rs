//! Native unit tests of what the WASM tests in `tests/` cannot see: storage TTLs.
extern crate std;
use hashshare_common::ttl::{DAY_IN_LEDGERS, PERSISTENT_BUMP};
use hashshare_interfaces::PoolConfig;
use soroban_sdk::{
    testutils::{storage::Persistent as _, Address as _, EnvTestConfig, Ledger},
    Address, Env, Symbol, Vec,
};

use crate::{
    storage::DataKey,
    validation::{is_fresh_when_effective, is_honest_majority},
    PoolOracleContract, PoolOracleContractClient,
};

#[test]
fn reads_extend_pools_and_reports_so_used_data_never_expires() {
    let env = Env::new_with_config(EnvTestConfig {
        capture_snapshot_at_drop: false,
    });
    env.mock_all_auths();
    let id = env.register(PoolOracleContract, (Address::generate(&env),));
    let oracle = PoolOracleContractClient::new(&env, &id);
    let pool = Symbol::new(&env, "p");
    let reporter = Address::generate(&env);
    oracle.register_pool(
        &pool,
        &PoolConfig {
            operator: Address::generate(&env),
            reporters: Vec::from_array(&env, [reporter.clone()]),
            quorum: 1,
            epoch_seconds: 10,
            genesis: 0,
            dispute_seconds: 0,
            max_age_epochs: u64::MAX,
            capacity_epochs: 1,
        },
    );
    env.ledger().with_mut(|l| l.timestamp = 10);
    oracle.submit(&reporter, &pool, &0, &1, &1);
    let ttl = |key: DataKey| env.as_contract(&id, || env.storage().persistent().get_ttl(&key));
    let report_key = || DataKey::Report(pool.clone(), 0);
    assert_eq!(ttl(report_key()), PERSISTENT_BUMP);

    // 100 days later, well inside the TTL: a read extends it back to the full 120 days.
    env.ledger()
        .with_mut(|l| l.sequence_number += 100 * DAY_IN_LEDGERS);
    assert_eq!(ttl(report_key()), PERSISTENT_BUMP - 100 * DAY_IN_LEDGERS);
    assert_eq!(oracle.capacity(&pool), 1);
    assert!(oracle.report(&pool, &0).is_some());
    assert_eq!(ttl(report_key()), PERSISTENT_BUMP);
    assert_eq!(ttl(DataKey::Pool(pool.clone())), PERSISTENT_BUMP);
    assert_eq!(ttl(DataKey::Head(pool.clone())), PERSISTENT_BUMP);
}

#[test]
fn a_quorum_must_be_an_honest_majority() {
    let accepted: std::vec::Vec<(u32, u32)> = (1..=16)
        .flat_map(|n| (1..=n).map(move |q| (q, n)))
        .filter(|&(q, n)| is_honest_majority(q, n))
        .filter(|&(_, n)| n <= 5)
        .collect();
    assert_eq!(
        accepted,
        [
            (1, 1),
            (2, 2),
            (3, 3),
            (3, 4),
            (4, 4),
            (3, 5),
            (4, 5),
            (5, 5)
        ]
    );
    assert!(!is_honest_majority(8, 16), "half is no majority");
    assert!(is_honest_majority(9, 16));
    assert!(!is_honest_majority(4, 3));
}

#[test]
fn a_report_whose_round_opens_within_an_epoch_must_be_fresh_when_effective() {
    let env = Env::default();
    let config = |epoch_seconds, dispute_seconds, max_age_epochs| PoolConfig {
        operator: Address::generate(&env),
        reporters: Vec::new(&env),
        quorum: 1,
        epoch_seconds,
        genesis: 0,
        dispute_seconds,
        max_age_epochs,
        capacity_epochs: 1,
    };
    assert!(is_fresh_when_effective(&config(86_400, 3_600, 2)));
    assert!(
        is_fresh_when_effective(&config(100, 50, 2)),
        "100 + 2 × 50 = 200"
    );
    assert!(!is_fresh_when_effective(&config(100, 51, 2)));
    // Effective 150 s after finalizing, stale 200 s after the epoch's end: whole-epoch
    // arithmetic (150 / 100 = 1 < 2) let this through.
    assert!(!is_fresh_when_effective(&config(100, 150, 2)));
    assert!(!is_fresh_when_effective(&config(100, 1, 1)));
    assert!(is_fresh_when_effective(&config(100, 0, 1)));
    assert!(
        is_fresh_when_effective(&config(u64::MAX, 0, 2)),
        "no overflow"
    );
    assert!(!is_fresh_when_effective(&config(u64::MAX, 1, 1)));
}
