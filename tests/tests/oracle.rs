//! pool-oracle end to end, on the compiled WASM.
use hashshare_interfaces::{EpochReport, PoolConfig, PoolOracleClient};
use hashshare_tests::{
    fixture::{
        advance, assert_auth_error, assert_error, assert_unchanged, authorize, deploy_oracle,
        new_env, pool_config, symbol, wasm, START,
    },
    measure::{fresh, port, Cost},
};
use pool_oracle::{Disputed, Finalized, OracleError, Submitted, TokenBound, MAX_PENDING};
use soroban_sdk::{
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation, Events as _},
    Address, Env, Event, IntoVal, Symbol, Vec,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;

struct Setup {
    env: Env,
    admin: Address,
    oracle: PoolOracleClient<'static>,
    pool: Symbol,
    config: PoolConfig,
}

impl Setup {
    /// A registered pool with daily epochs starting now, a one-hour dispute window and a
    /// staleness bound of two epochs; every authorization mocked.
    fn new(reporters: u32, quorum: u32) -> Setup {
        let env = new_env();
        env.mock_all_auths();
        let admin = Address::generate(&env);
        let oracle = deploy_oracle(&env, &admin);
        let pool = symbol(&env, "antpool_s19");
        let config = pool_config(&env, reporters, quorum);
        oracle.register_pool(&pool, &config);
        Setup {
            env,
            admin,
            oracle,
            pool,
            config,
        }
    }

    fn reporter(&self, i: u32) -> Address {
        self.config.reporters.get(i).unwrap()
    }

    fn submit(&self, i: u32, epoch: u64, hashrate: i128, reward: i128) {
        self.oracle
            .submit(&self.reporter(i), &self.pool, &epoch, &hashrate, &reward);
    }

    /// Reporters `0..n` submit the same values for `epoch`.
    fn attest(&self, n: u32, epoch: u64, hashrate: i128, reward: i128) {
        for i in 0..n {
            self.submit(i, epoch, hashrate, reward);
        }
    }
}

#[test]
fn three_of_five_finalize_with_the_median_of_each_field() {
    let s = Setup::new(5, 3);
    advance(&s.env, DAY);
    s.submit(0, 0, 100_000, 10);
    s.submit(1, 0, 300_000, 50);
    assert_eq!(s.oracle.latest(&s.pool), None);
    s.submit(2, 0, 200_000, 30);
    let events = s.env.events().all().filter_by_contract(&s.oracle.address);
    assert_eq!(
        events,
        [
            Submitted {
                pool: s.pool.clone(),
                epoch: 0,
                reporter: s.reporter(2),
                hashrate: 200_000,
                reward: 30
            }
            .to_xdr(&s.env, &s.oracle.address),
            Finalized {
                pool: s.pool.clone(),
                epoch: 0,
                hashrate: 200_000,
                reward: 30,
                submissions: 3
            }
            .to_xdr(&s.env, &s.oracle.address),
        ]
    );
    // Quorum reached: the epoch is closed to the remaining reporters.
    assert_error(
        s.oracle.try_submit(&s.reporter(3), &s.pool, &0, &1, &1),
        OracleError::EpochFinalized,
    );
    advance(&s.env, HOUR);
    let expected = EpochReport {
        epoch: 0,
        hashrate: 200_000,
        reward: 30,
        submissions: 3,
        finalized_at: START + DAY,
    };
    assert_eq!(s.oracle.report(&s.pool, &0), Some(expected.clone()));
    assert_eq!(s.oracle.latest(&s.pool), Some(expected));
    assert_eq!(s.oracle.capacity(&s.pool), 200_000);
}

#[test]
fn a_report_is_invisible_until_its_dispute_window_has_passed() {
    let s = Setup::new(3, 2);
    advance(&s.env, DAY);
    s.attest(2, 0, 5_000, 70);
    assert_eq!(s.oracle.report(&s.pool, &0), None);
    assert_eq!(s.oracle.latest(&s.pool), None);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    advance(&s.env, HOUR - 1);
    assert_eq!(s.oracle.report(&s.pool, &0), None);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    advance(&s.env, 1);
    assert_eq!(
        s.oracle.report(&s.pool, &0).map(|r| r.hashrate),
        Some(5_000)
    );
    assert_eq!(s.oracle.capacity(&s.pool), 5_000);
    // Once more for the next epoch: the earlier report stays effective meanwhile.
    advance(&s.env, DAY - HOUR);
    s.attest(2, 1, 5_000, 70);
    assert_eq!(s.oracle.latest(&s.pool).map(|r| r.epoch), Some(0));
    advance(&s.env, HOUR);
    assert_eq!(s.oracle.latest(&s.pool).map(|r| r.epoch), Some(1));
}

#[test]
fn dispute_inside_the_window_reopens_the_epoch_for_a_new_quorum() {
    let s = Setup::new(4, 2);
    advance(&s.env, DAY);
    s.submit(0, 0, 9_000_000, 1_000);
    s.submit(1, 0, 9_000_000, 1_000);
    advance(&s.env, HOUR - 1);
    s.oracle.dispute(&s.pool, &0);
    assert_eq!(
        s.env.events().all().filter_by_contract(&s.oracle.address),
        [Disputed {
            pool: s.pool.clone(),
            epoch: 0
        }
        .to_xdr(&s.env, &s.oracle.address)]
    );
    advance(&s.env, DAY);
    assert_eq!(s.oracle.report(&s.pool, &0), None);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    // The epoch is open again, to everyone, including the reporters of the disputed round.
    s.submit(0, 0, 4_000, 400);
    s.submit(2, 0, 4_200, 420);
    let finalized_at = s.env.ledger().timestamp();
    advance(&s.env, HOUR);
    assert_eq!(
        s.oracle.report(&s.pool, &0),
        Some(EpochReport {
            epoch: 0,
            hashrate: 4_000,
            reward: 400,
            submissions: 2,
            finalized_at
        })
    );
}

#[test]
fn dispute_after_the_window_is_refused() {
    let s = Setup::new(3, 2);
    advance(&s.env, DAY);
    s.attest(2, 0, 1_000, 10);
    advance(&s.env, HOUR);
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_dispute(&s.pool, &0),
            OracleError::DisputeWindowClosed,
        )
    });
    assert_error(
        s.oracle.try_dispute(&s.pool, &1),
        OracleError::ReportNotFound,
    );
    assert_eq!(
        s.oracle.report(&s.pool, &0).map(|r| r.hashrate),
        Some(1_000)
    );
}

#[test]
fn capacity_drops_to_zero_when_the_latest_report_is_stale() {
    let s = Setup::new(3, 2); // max_age_epochs = 2
    advance(&s.env, DAY);
    s.attest(2, 0, 7_000, 1);
    advance(&s.env, HOUR);
    assert_eq!(s.oracle.current_epoch(&s.pool), 1);
    assert_eq!(s.oracle.capacity(&s.pool), 7_000);
    advance(&s.env, DAY); // epoch 2: two behind, still fresh
    assert_eq!(s.oracle.capacity(&s.pool), 7_000);
    advance(&s.env, DAY); // epoch 3: three behind
    assert_eq!(s.oracle.current_epoch(&s.pool), 3);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    // The report itself remains readable; only its use as capacity stops.
    assert_eq!(s.oracle.latest(&s.pool).map(|r| r.epoch), Some(0));
    // A fresh report restores capacity.
    s.attest(2, 2, 6_500, 1);
    advance(&s.env, HOUR);
    assert_eq!(s.oracle.capacity(&s.pool), 6_500);
}

#[test]
fn late_and_out_of_order_reports_never_replace_a_higher_effective_epoch() {
    let s = Setup::new(3, 2);
    advance(&s.env, 3 * DAY);
    s.attest(2, 2, 2_000, 1);
    advance(&s.env, HOUR);
    s.attest(2, 0, 999, 1); // a late report of an older epoch
    s.attest(2, 1, 998, 1);
    advance(&s.env, HOUR);
    assert_eq!(s.oracle.latest(&s.pool).map(|r| r.epoch), Some(2));
    assert_eq!(s.oracle.capacity(&s.pool), 2_000);
    assert_eq!(s.oracle.report(&s.pool, &0).map(|r| r.hashrate), Some(999));
}

#[test]
fn refused_submissions_change_nothing() {
    let s = Setup::new(5, 3);
    let outsider = Address::generate(&s.env);
    // Epoch 0 has not ended yet.
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_submit(&s.reporter(0), &s.pool, &0, &1, &1),
            OracleError::EpochNotEnded,
        )
    });
    advance(&s.env, DAY);
    s.submit(0, 0, 1_000, 100);
    let cases: [(Address, u64, i128, i128, OracleError); 6] = [
        (outsider, 0, 1_000, 100, OracleError::NotReporter),
        (s.reporter(0), 0, 1_000, 100, OracleError::AlreadySubmitted),
        (s.reporter(1), 1, 1_000, 100, OracleError::EpochNotEnded),
        (
            s.reporter(1),
            u64::MAX,
            1_000,
            100,
            OracleError::EpochNotEnded,
        ),
        (s.reporter(1), 0, -1, 100, OracleError::NegativeValue),
        (s.reporter(1), 0, 1_000, -1, OracleError::NegativeValue),
    ];
    for (reporter, epoch, hashrate, reward, error) in cases {
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle
                    .try_submit(&reporter, &s.pool, &epoch, &hashrate, &reward),
                error,
            )
        });
    }
    assert_error(
        s.oracle
            .try_submit(&s.reporter(0), &symbol(&s.env, "nopool"), &0, &1, &1),
        OracleError::PoolNotFound,
    );
    // The one valid submission still counts: two more finalize with its value in the set.
    s.submit(1, 0, 2_000, 200);
    s.submit(2, 0, 3_000, 300);
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).unwrap();
    assert_eq!(
        (report.hashrate, report.reward, report.submissions),
        (2_000, 200, 3)
    );
}

#[test]
fn update_pool_rotates_reporters() {
    let s = Setup::new(3, 2);
    advance(&s.env, DAY);
    s.submit(0, 0, 1_000_000, 1); // will be rotated out before quorum
    let newcomer = Address::generate(&s.env);
    let mut rotated = s.config.clone();
    rotated.reporters = Vec::from_array(&s.env, [s.reporter(1), s.reporter(2), newcomer.clone()]);
    s.oracle.update_pool(&s.pool, &rotated);
    assert_eq!(s.oracle.pool(&s.pool), rotated);
    assert_error(
        s.oracle.try_submit(&s.reporter(0), &s.pool, &1, &1, &1),
        OracleError::NotReporter,
    );
    // The removed reporter's earlier submission no longer counts towards quorum.
    s.submit(1, 0, 1_000, 1);
    assert_eq!(
        s.env
            .events()
            .all()
            .filter_by_contract(&s.oracle.address)
            .events()
            .len(),
        1
    );
    s.oracle.submit(&newcomer, &s.pool, &0, &1_100, &1);
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).unwrap();
    assert_eq!((report.hashrate, report.submissions), (1_000, 2));
}

#[test]
fn pool_configs_are_validated() {
    let s = Setup::new(3, 2);
    let id = symbol(&s.env, "other");
    let mut too_many = pool_config(&s.env, 17, 2);
    let mut invalid = std::vec![
        pool_config(&s.env, 0, 0),
        pool_config(&s.env, 3, 0),
        pool_config(&s.env, 3, 4),
        too_many.clone(),
    ];
    let mut zero_epoch = pool_config(&s.env, 3, 2);
    zero_epoch.epoch_seconds = 0;
    invalid.push(zero_epoch);
    let mut duplicated = pool_config(&s.env, 3, 2);
    duplicated
        .reporters
        .push_back(duplicated.reporters.get(1).unwrap());
    invalid.push(duplicated);
    for config in invalid {
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle.try_register_pool(&id, &config),
                OracleError::InvalidConfig,
            );
            assert_error(
                s.oracle.try_update_pool(&s.pool, &config),
                OracleError::InvalidConfig,
            );
        });
    }
    too_many.reporters.pop_back();
    s.oracle.register_pool(&id, &too_many); // 16 reporters is the limit, and allowed
    assert_error(
        s.oracle.try_register_pool(&s.pool, &s.config),
        OracleError::PoolExists,
    );
    assert_error(
        s.oracle
            .try_update_pool(&symbol(&s.env, "nopool"), &s.config),
        OracleError::PoolNotFound,
    );
    for change in 0..3 {
        let mut moved = s.config.clone();
        match change {
            0 => moved.genesis += 1,
            1 => moved.epoch_seconds += 1,
            _ => moved.dispute_seconds += 1,
        }
        assert_error(
            s.oracle.try_update_pool(&s.pool, &moved),
            OracleError::ScheduleImmutable,
        );
    }
    assert_error(
        s.oracle.try_pool(&symbol(&s.env, "nopool")),
        OracleError::PoolNotFound,
    );
    assert_error(
        s.oracle.try_capacity(&symbol(&s.env, "nopool")),
        OracleError::PoolNotFound,
    );
    assert_error(
        s.oracle.try_latest(&symbol(&s.env, "nopool")),
        OracleError::PoolNotFound,
    );
    assert_error(
        s.oracle.try_report(&symbol(&s.env, "nopool"), &0),
        OracleError::PoolNotFound,
    );
    assert_error(
        s.oracle.try_current_epoch(&symbol(&s.env, "nopool")),
        OracleError::PoolNotFound,
    );
}

#[test]
fn a_backlog_beyond_the_pending_bound_is_refused_until_reports_become_effective() {
    let s = Setup::new(1, 1);
    advance(&s.env, (u64::from(MAX_PENDING) + 2) * DAY);
    for epoch in 0..u64::from(MAX_PENDING) {
        s.attest(1, epoch, 10 + epoch as i128, 1);
    }
    let next = u64::from(MAX_PENDING);
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_submit(&s.reporter(0), &s.pool, &next, &1, &1),
            OracleError::TooManyPending,
        )
    });
    advance(&s.env, HOUR);
    s.attest(1, next, 77, 1);
    advance(&s.env, HOUR);
    assert_eq!(
        s.oracle.latest(&s.pool).map(|r| (r.epoch, r.hashrate)),
        Some((next, 77))
    );
}

#[test]
fn submit_and_register_pool_ask_exactly_the_expected_signatures() {
    let s = Setup::new(3, 2);
    let id = symbol(&s.env, "f2pool");
    let config = pool_config(&s.env, 2, 2);
    s.oracle.register_pool(&id, &config);
    assert_eq!(
        s.env.auths(),
        std::vec![(
            s.admin.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    s.oracle.address.clone(),
                    Symbol::new(&s.env, "register_pool"),
                    (id.clone(), config.clone()).into_val(&s.env),
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
    advance(&s.env, DAY);
    let reporter = config.reporters.get(0).unwrap();
    s.oracle.submit(&reporter, &id, &0, &123, &45);
    assert_eq!(
        s.env.auths(),
        std::vec![(
            reporter.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    s.oracle.address.clone(),
                    Symbol::new(&s.env, "submit"),
                    (reporter.clone(), id.clone(), 0u64, 123i128, 45i128).into_val(&s.env),
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
}

/// Every privileged call is refused when signed by anyone but the right account, and the same
/// call succeeds with the right signature (so the refusal is about the signer).
#[test]
fn the_wrong_signer_is_refused_for_every_privileged_call() {
    let env = new_env();
    let admin = Address::generate(&env);
    let intruder = Address::generate(&env);
    let oracle = deploy_oracle(&env, &admin);
    let id = oracle.address.clone();
    let pool = symbol(&env, "pool");
    let config = pool_config(&env, 3, 2);

    let args = (pool.clone(), config.clone()).into_val(&env);
    authorize(&env, &intruder, &id, "register_pool", args);
    assert_auth_error(&env, oracle.try_register_pool(&pool, &config));
    authorize(
        &env,
        &admin,
        &id,
        "register_pool",
        (pool.clone(), config.clone()).into_val(&env),
    );
    oracle.register_pool(&pool, &config);

    let args = (pool.clone(), config.clone()).into_val(&env);
    authorize(&env, &intruder, &id, "update_pool", args);
    assert_auth_error(&env, oracle.try_update_pool(&pool, &config));

    // A reporter must sign its own submission: another reporter's signature is not enough.
    advance(&env, DAY);
    let (r0, r1) = (
        config.reporters.get(0).unwrap(),
        config.reporters.get(1).unwrap(),
    );
    let args = (r0.clone(), pool.clone(), 0u64, 5i128, 5i128).into_val(&env);
    authorize(&env, &r1, &id, "submit", args);
    assert_auth_error(&env, oracle.try_submit(&r0, &pool, &0, &5, &5));
    for r in [&r0, &r1] {
        let args = (r.clone(), pool.clone(), 0u64, 5i128, 5i128).into_val(&env);
        authorize(&env, r, &id, "submit", args);
        oracle.submit(r, &pool, &0, &5, &5);
    }

    authorize(
        &env,
        &intruder,
        &id,
        "dispute",
        (pool.clone(), 0u64).into_val(&env),
    );
    assert_auth_error(&env, oracle.try_dispute(&pool, &0));
    authorize(
        &env,
        &admin,
        &id,
        "dispute",
        (pool.clone(), 0u64).into_val(&env),
    );
    oracle.dispute(&pool, &0);

    let hash = env
        .deployer()
        .upload_contract_wasm(wasm("pool_oracle").as_slice());
    authorize(
        &env,
        &intruder,
        &id,
        "upgrade",
        (hash.clone(),).into_val(&env),
    );
    assert_auth_error(&env, oracle.try_upgrade(&hash));
    authorize(&env, &admin, &id, "upgrade", (hash.clone(),).into_val(&env));
    oracle.upgrade(&hash);

    // Two-step admin transfer: only the admin proposes, only the proposed account accepts.
    let successor = Address::generate(&env);
    authorize(
        &env,
        &intruder,
        &id,
        "propose_admin",
        (successor.clone(),).into_val(&env),
    );
    assert_auth_error(&env, oracle.try_propose_admin(&successor));
    authorize(&env, &admin, &id, "accept_admin", ().into_val(&env));
    assert_error(oracle.try_accept_admin(), OracleError::NoPendingAdmin);
    authorize(
        &env,
        &admin,
        &id,
        "propose_admin",
        (successor.clone(),).into_val(&env),
    );
    oracle.propose_admin(&successor);
    authorize(&env, &intruder, &id, "accept_admin", ().into_val(&env));
    assert_auth_error(&env, oracle.try_accept_admin());
    authorize(&env, &admin, &id, "accept_admin", ().into_val(&env));
    assert_auth_error(&env, oracle.try_accept_admin());
    assert_eq!(oracle.admin(), admin);
    authorize(&env, &successor, &id, "accept_admin", ().into_val(&env));
    oracle.accept_admin();
    assert_eq!(oracle.admin(), successor);
    // The old admin has lost its powers.
    authorize(
        &env,
        &admin,
        &id,
        "dispute",
        (pool.clone(), 0u64).into_val(&env),
    );
    assert_auth_error(&env, oracle.try_dispute(&pool, &0));
}

#[test]
fn upgrade_keeps_pools_and_reports() {
    let s = Setup::new(3, 2);
    advance(&s.env, DAY);
    s.attest(2, 0, 4_242, 42);
    advance(&s.env, HOUR);
    let before = s.oracle.report(&s.pool, &0);
    let hash = s
        .env
        .deployer()
        .upload_contract_wasm(wasm("pool_oracle").as_slice());
    s.oracle.upgrade(&hash);
    assert_eq!(s.oracle.report(&s.pool, &0), before);
    assert_eq!(s.oracle.pool(&s.pool), s.config);
    assert_eq!(s.oracle.capacity(&s.pool), 4_242);
}

/// The most expensive oracle call: the 16th of 16 reporters' submissions, which sorts both
/// fields and finalizes. Measured in a fresh Env loaded from the snapshot (shared/measuring.md).
#[test]
fn finalizing_submit_with_16_reporters_costs_well_under_one_percent_of_a_transaction() {
    let s = Setup::new(16, 16);
    advance(&s.env, DAY);
    for i in 0..15 {
        s.submit(
            i,
            0,
            100_000_000 + i128::from(i) * 7_919,
            5_000 + i128::from(i),
        );
    }
    let env = fresh(&s.env);
    let oracle = PoolOracleClient::new(&env, &port(&env, &s.oracle.address));
    let pool = Symbol::new(&env, "antpool_s19");
    oracle.submit(
        &port(&env, &s.reporter(15)),
        &pool,
        &0,
        &100_000_000,
        &5_000,
    );
    let cost = Cost::last(&env);
    println!("pool-oracle submit (16th of 16, finalizing): {cost}");
    assert!(
        cost.instructions <= 4_000_000,
        "finalizing submit costs {} instructions",
        cost.instructions
    );
    // The pool head, the report, the removed submissions entry and the reporter's auth nonce.
    assert_eq!(cost.write_entries, 4);
    advance(&env, HOUR);
    assert_eq!(oracle.report(&pool, &0).map(|r| r.submissions), Some(16));
}

/// One pool's hashrate backs one share token, ever: the token binds itself (normally from its
/// constructor) with the pool operator's consent, and a second binding is refused.
#[test]
fn a_pool_is_bound_to_one_share_token_with_its_operators_consent() {
    let s = Setup::new(3, 2);
    let (token, other) = (Address::generate(&s.env), Address::generate(&s.env));
    assert_eq!(s.oracle.token(&s.pool), None);
    let operator = s.config.operator.clone();
    s.oracle.bind_token(&s.pool, &token, &operator);
    assert_eq!(
        s.env.auths(),
        std::vec![
            (
                token.clone(),
                AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        s.oracle.address.clone(),
                        Symbol::new(&s.env, "bind_token"),
                        (s.pool.clone(), token.clone(), operator.clone()).into_val(&s.env),
                    )),
                    sub_invocations: std::vec![],
                }
            ),
            (
                s.config.operator.clone(),
                AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        s.oracle.address.clone(),
                        Symbol::new(&s.env, "bind_token"),
                        (s.pool.clone(), token.clone(), operator.clone()).into_val(&s.env),
                    )),
                    sub_invocations: std::vec![],
                }
            ),
        ]
    );
    assert_eq!(
        s.env.events().all().filter_by_contract(&s.oracle.address),
        [TokenBound {
            pool: s.pool.clone(),
            token: token.clone()
        }
        .to_xdr(&s.env, &s.oracle.address)]
    );
    assert_eq!(s.oracle.token(&s.pool), Some(token));
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_bind_token(&s.pool, &other, &operator),
            OracleError::PoolAlreadyBound,
        )
    });
    assert_error(
        s.oracle
            .try_bind_token(&symbol(&s.env, "nopool"), &other, &operator),
        OracleError::PoolNotFound,
    );
    assert_error(
        s.oracle.try_token(&symbol(&s.env, "nopool")),
        OracleError::PoolNotFound,
    );
}

#[test]
fn binding_a_pool_needs_both_the_token_and_the_pool_operator() {
    let env = new_env();
    let admin = Address::generate(&env);
    let oracle = deploy_oracle(&env, &admin);
    let pool = symbol(&env, "pool");
    let config = pool_config(&env, 3, 2);
    env.mock_all_auths();
    oracle.register_pool(&pool, &config);
    let token = Address::generate(&env);
    let operator = config.operator.clone();
    let args = || (pool.clone(), token.clone(), operator.clone()).into_val(&env);
    // The token alone, or the operator alone, is not enough.
    authorize(&env, &token, &oracle.address, "bind_token", args());
    assert_auth_error(&env, oracle.try_bind_token(&pool, &token, &operator));
    authorize(&env, &operator, &oracle.address, "bind_token", args());
    assert_auth_error(&env, oracle.try_bind_token(&pool, &token, &operator));
    assert_eq!(oracle.token(&pool), None);
    env.mock_all_auths();
    // A token minted by anyone but the pool's operator is refused, whoever signs.
    let stranger = Address::generate(&env);
    assert_unchanged(&env, || {
        assert_error(
            oracle.try_bind_token(&pool, &token, &stranger),
            OracleError::OperatorMismatch,
        )
    });
    oracle.bind_token(&pool, &token, &operator);
    assert_eq!(oracle.token(&pool), Some(token));
}

/// A reporter goes offline; the admin removes it and lowers the quorum. The submissions
/// already in now reach it, and anyone can finalize the epoch from them.
#[test]
fn an_epoch_stranded_by_a_lowered_quorum_can_be_finalized_by_anyone() {
    let s = Setup::new(3, 3);
    advance(&s.env, DAY);
    assert_error(
        s.oracle.try_finalize(&s.pool, &1),
        OracleError::EpochNotEnded,
    );
    s.submit(0, 0, 1_000, 10);
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_finalize(&s.pool, &0),
            OracleError::QuorumNotReached,
        )
    });
    s.submit(1, 0, 1_200, 12);
    let mut lowered = s.config.clone();
    lowered.reporters = Vec::from_array(&s.env, [s.reporter(0), s.reporter(1)]);
    lowered.quorum = 2;
    s.oracle.update_pool(&s.pool, &lowered);
    assert_error(
        s.oracle.try_submit(&s.reporter(0), &s.pool, &0, &1, &1),
        OracleError::AlreadySubmitted,
    );
    s.oracle.finalize(&s.pool, &0);
    assert_eq!(s.env.auths(), std::vec![], "finalize asks no signature");
    assert_error(
        s.oracle.try_finalize(&s.pool, &0),
        OracleError::EpochFinalized,
    );
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).unwrap();
    assert_eq!(
        (report.hashrate, report.reward, report.submissions),
        (1_000, 10, 2)
    );
}

/// Schedules that cannot work are refused: a dispute window of 16 epochs or more would let
/// reports pile up faster than they become effective, and one not shorter than the staleness
/// bound would make every report stale the moment it counts.
#[test]
fn schedules_that_would_stall_the_oracle_are_refused() {
    let s = Setup::new(3, 2);
    let id = symbol(&s.env, "other");
    let mut long_window = pool_config(&s.env, 3, 2);
    long_window.epoch_seconds = HOUR;
    long_window.dispute_seconds = 16 * HOUR;
    long_window.max_age_epochs = 20;
    let mut stale_on_arrival = pool_config(&s.env, 3, 2);
    stale_on_arrival.dispute_seconds = 2 * DAY;
    stale_on_arrival.max_age_epochs = 2;
    let mut never_fresh = pool_config(&s.env, 3, 2);
    never_fresh.max_age_epochs = 0;
    for config in [long_window.clone(), stale_on_arrival, never_fresh] {
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle.try_register_pool(&id, &config),
                OracleError::InvalidConfig,
            )
        });
    }
    long_window.dispute_seconds = 15 * HOUR;
    s.oracle.register_pool(&id, &long_window); // 15 epochs of window, fresh for 20: fine
}
