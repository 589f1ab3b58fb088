//! Native unit tests of what the WASM tests in `tests/` cannot see: storage TTLs.
use hashshare_common::ttl::{DAY_IN_LEDGERS, PERSISTENT_BUMP};
use hashshare_interfaces::PoolConfig;
use soroban_sdk::{
    testutils::{storage::Persistent as _, Address as _, EnvTestConfig, Ledger},
    Address, Env, Symbol, Vec,
};

use crate::{storage::DataKey, PoolOracleContract, PoolOracleContractClient};

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
    assert_eq!(ttl(report_key()), PERSISTENT_BUMP);
    assert_eq!(ttl(DataKey::Pool(pool.clone())), PERSISTENT_BUMP);
    assert_eq!(ttl(DataKey::Head(pool.clone())), PERSISTENT_BUMP);
}
