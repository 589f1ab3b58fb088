//! pool-oracle end to end, on the compiled WASM.
//!
//! A round of submissions finalizes an epoch (a) inside the submission that completes it —
//! every listed reporter in — with the lower median of each field over all of them, or (b) by
//! anyone's `finalize` once the round has been open `dispute_seconds` since its first
//! submission (or at once if `update_pool` removed the reporters missing from it), if at least
//! `quorum` listed reporters submitted, with the lower median over every listed reporter's
//! submission. A quorum alone never finalizes at once: two colluders submitting first and one
//! honest reporter would decide the median. The report is effective `dispute_seconds` after
//! it finalized; a dispute reopens the epoch for a new round with its own window. `round`
//! shows an epoch's open round and its finalized report. A schedule must keep a report fresh
//! when it becomes effective: `2 * dispute_seconds + epoch_seconds <= max_age_epochs *
//! epoch_seconds`.
//!
//! Which test triggers which `OracleError`:
//!
//! - 100 PoolExists: pool_configs_are_validated
//! - 101 PoolNotFound: pool_configs_are_validated, refused_submissions_change_nothing,
//!   a_pool_is_bound_to_one_share_token_with_its_operators_consent,
//!   round_shows_the_open_round_and_the_finalized_report
//! - 102 InvalidConfig: pool_configs_are_validated, only_an_honest_majority_quorum_is_accepted,
//!   the_capacity_window_is_one_to_thirty_epochs_and_immutable,
//!   the_dispute_window_is_checked_in_seconds_against_staleness,
//!   schedules_that_would_stall_the_oracle_are_refused
//! - 103 NotReporter: refused_submissions_change_nothing, update_pool_rotates_reporters
//! - 104 EpochNotEnded: refused_submissions_change_nothing,
//!   finalize_without_a_quorum_is_refused_whenever_it_is_called,
//!   an_epoch_stranded_by_a_lowered_quorum_can_be_finalized_by_anyone
//! - 105 AlreadySubmitted: refused_submissions_change_nothing,
//!   an_epoch_stranded_by_a_lowered_quorum_can_be_finalized_by_anyone
//! - 106 NegativeValue: refused_submissions_change_nothing
//! - 107 EpochFinalized: a_complete_round_finalizes_at_once_with_the_median_of_each_field,
//!   finalize_waits_for_the_round_window_then_takes_every_submission_received,
//!   an_epoch_stranded_by_a_lowered_quorum_can_be_finalized_by_anyone
//! - 108 ReportNotFound: dispute_after_the_window_is_refused
//! - 109 DisputeWindowClosed: dispute_after_the_window_is_refused
//! - 110 ScheduleImmutable: pool_configs_are_validated,
//!   the_capacity_window_is_one_to_thirty_epochs_and_immutable
//! - 111 TooManyPending: a_backlog_beyond_the_pending_bound_is_refused_until_reports_become_effective
//! - 112 NoPendingAdmin: the_wrong_signer_is_refused_for_every_privileged_call
//! - 113 PoolAlreadyBound: a_pool_is_bound_to_one_share_token_with_its_operators_consent
//! - 114 QuorumNotReached: finalize_without_a_quorum_is_refused_whenever_it_is_called,
//!   an_epoch_stranded_by_a_lowered_quorum_can_be_finalized_by_anyone
//! - 115 OperatorMismatch: binding_a_pool_needs_both_the_token_and_the_pool_operator
//! - 116 SubmissionsOpen: two_colluders_first_and_one_honest_reporter_do_not_finalize,
//!   finalize_waits_for_the_round_window_then_takes_every_submission_received,
//!   finalize_without_a_quorum_is_refused_whenever_it_is_called,
//!   dispute_inside_the_window_reopens_the_epoch_for_a_round_with_its_own_window,
//!   the_dispute_window_is_checked_in_seconds_against_staleness,
//!   an_epoch_stranded_by_a_lowered_quorum_can_be_finalized_by_anyone,
//!   a_round_completed_by_update_pool_is_finalized_at_once
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
    Address, Env, Event, IntoVal, Map, Symbol, Val, Vec,
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
    /// A registered pool with daily epochs starting now, a one-hour dispute window, a
    /// staleness bound of two epochs and a one-epoch capacity window; every authorization
    /// mocked.
    fn new(reporters: u32, quorum: u32) -> Setup {
        Setup::with(reporters, quorum, |_| {})
    }

    /// As [`Setup::new`], with the configuration adjusted by `adjust` before registration.
    fn with(reporters: u32, quorum: u32, adjust: impl FnOnce(&mut PoolConfig)) -> Setup {
        let env = new_env();
        env.mock_all_auths();
        let admin = Address::generate(&env);
        let oracle = deploy_oracle(&env, &admin);
        let pool = symbol(&env, "antpool_s19");
        let mut config = pool_config(&env, reporters, quorum);
        adjust(&mut config);
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

    /// Every listed reporter submits the same values for `epoch`: the round is complete, so
    /// the last submission finalizes it.
    fn attest_all(&self, epoch: u64, hashrate: i128, reward: i128) {
        self.attest(self.config.reporters.len(), epoch, hashrate, reward);
    }

    /// The oracle's events of the last top-level invocation.
    fn events(&self) -> soroban_sdk::testutils::ContractEvents {
        self.env
            .events()
            .all()
            .filter_by_contract(&self.oracle.address)
    }

    fn submitted(
        &self,
        i: u32,
        epoch: u64,
        hashrate: i128,
        reward: i128,
    ) -> soroban_sdk::xdr::ContractEvent {
        Submitted {
            pool: self.pool.clone(),
            epoch,
            reporter: self.reporter(i),
            hashrate,
            reward,
        }
        .to_xdr(&self.env, &self.oracle.address)
    }

    fn finalized(
        &self,
        epoch: u64,
        hashrate: i128,
        reward: i128,
        submissions: u32,
    ) -> soroban_sdk::xdr::ContractEvent {
        Finalized {
            pool: self.pool.clone(),
            epoch,
            hashrate,
            reward,
            submissions,
        }
        .to_xdr(&self.env, &self.oracle.address)
    }

    /// When `epoch` ends.
    fn end_of(&self, epoch: u64) -> u64 {
        self.config.genesis + (epoch + 1) * self.config.epoch_seconds
    }

    /// Moves the clock forward to `moment`.
    fn advance_to(&self, moment: u64) {
        let now = self.env.ledger().timestamp();
        assert!(moment >= now, "the clock only moves forward");
        advance(&self.env, moment - now);
    }

    /// `epoch` ends, every reporter attests `hashrate` right then (which finalizes it), and its
    /// dispute window passes: the report is effective, and the clock an hour into the next
    /// epoch.
    fn close(&self, epoch: u64, hashrate: i128) {
        self.advance_to(self.end_of(epoch));
        self.attest_all(epoch, hashrate, 1);
        advance(&self.env, self.config.dispute_seconds);
    }

    /// `capacity`, checked to be what `minter_capacity` reports beside the operator.
    fn capacity(&self) -> i128 {
        let capacity = self.oracle.capacity(&self.pool);
        let operator = self.oracle.pool(&self.pool).operator;
        assert_eq!(
            self.oracle.minter_capacity(&self.pool),
            (operator, capacity)
        );
        capacity
    }

    /// How many finalized epochs the pool head keeps (read without extending anything).
    fn head_len(&self) -> u32 {
        let key = (Symbol::new(&self.env, "Head"), self.pool.clone());
        self.env.as_contract(&self.oracle.address, || {
            let head: Map<Symbol, Vec<Val>> = self
                .env
                .storage()
                .persistent()
                .get(&key)
                .expect("a pool head");
            head.get(Symbol::new(&self.env, "recent"))
                .expect("its recent epochs")
                .len()
        })
    }
}

/// A round finalizes inside the submission that completes it, once every listed reporter is
/// in, with the lower median of each field on its own over all of them: here the hashrate of
/// reporter 2 and the reward of reporter 4. Until then nothing finalizes, however many of a
/// quorum are in.
#[test]
fn a_complete_round_finalizes_at_once_with_the_median_of_each_field() {
    let s = Setup::new(5, 3);
    advance(&s.env, DAY);
    let values = [
        (100_000, 50),
        (300_000, 10),
        (200_000, 40),
        (250_000, 20),
        (150_000, 30),
    ];
    for (i, &(hashrate, reward)) in values.iter().enumerate().take(4) {
        let i = i as u32;
        s.submit(i, 0, hashrate, reward);
        assert_eq!(s.events(), [s.submitted(i, 0, hashrate, reward)], "{i}");
    }
    assert_eq!(s.oracle.latest(&s.pool), None);
    s.submit(4, 0, 150_000, 30);
    assert_eq!(
        s.events(),
        [
            s.submitted(4, 0, 150_000, 30),
            s.finalized(0, 200_000, 30, 5)
        ]
    );
    // The round is closed: a reporter already in is refused as finalized, and so is
    // `finalize`.
    assert_error(
        s.oracle.try_submit(&s.reporter(3), &s.pool, &0, &1, &1),
        OracleError::EpochFinalized,
    );
    assert_error(
        s.oracle.try_finalize(&s.pool, &0),
        OracleError::EpochFinalized,
    );
    advance(&s.env, HOUR);
    let expected = EpochReport {
        epoch: 0,
        hashrate: 200_000,
        reward: 30,
        submissions: 5,
        finalized_at: START + DAY,
    };
    assert_eq!(s.oracle.report(&s.pool, &0), Some(expected.clone()));
    assert_eq!(s.oracle.latest(&s.pool), Some(expected));
    assert_eq!(s.oracle.capacity(&s.pool), 200_000);
}

/// Two colluding reporters of five (a minority) submit the moment the epoch ends, three times
/// the real hashrate and no reward, and an honest reporter follows: a quorum is in, whose
/// median is the colluders'. Nothing finalizes: the round is not complete and its window is
/// open. When the two other honest reporters submit, the round completes, and both medians
/// are the honest values.
#[test]
fn two_colluders_first_and_one_honest_reporter_do_not_finalize() {
    let s = Setup::new(5, 3);
    s.advance_to(s.end_of(0));
    s.submit(0, 0, 300_000, 0);
    s.submit(1, 0, 300_000, 0);
    s.submit(2, 0, 100_000, 1_000);
    assert_eq!(
        s.events(),
        [s.submitted(2, 0, 100_000, 1_000)],
        "not finalized"
    );
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_finalize(&s.pool, &0),
            OracleError::SubmissionsOpen,
        )
    });
    // Within the round's hour (after it, anyone could `finalize` the three), the other honest
    // reporters come in.
    s.advance_to(s.end_of(0) + 20 * 60);
    assert_eq!(s.oracle.latest(&s.pool), None);
    s.submit(3, 0, 100_000, 1_000);
    s.submit(4, 0, 100_000, 1_000);
    // Hashrates [100,000 × 3, 300,000 × 2] and rewards [0 × 2, 1,000 × 3]: the middle of each
    // is honest.
    assert_eq!(
        s.events(),
        [
            s.submitted(4, 0, 100_000, 1_000),
            s.finalized(0, 100_000, 1_000, 5)
        ]
    );
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).expect("effective");
    assert_eq!(
        (report.hashrate, report.reward, report.submissions),
        (100_000, 1_000, 5)
    );
    assert_eq!(s.capacity(), 100_000, "not the colluders' 300,000");
}

/// A round that does not complete is closed by `finalize`: refused with `SubmissionsOpen`
/// until the round has been open `dispute_seconds` since its first submission, then it
/// finalizes with the lower median over every submission received by then (here four: a
/// fourth came in while the round was open), at the moment of the call; the report is
/// effective `dispute_seconds` later. Anyone may call it: it asks no signature.
#[test]
fn finalize_waits_for_the_round_window_then_takes_every_submission_received() {
    let s = Setup::new(5, 3);
    let first = s.end_of(0) + 600; // ten minutes after epoch 0 ended
    s.advance_to(first);
    s.submit(0, 0, 4_000, 40);
    advance(&s.env, 600);
    s.submit(1, 0, 1_000, 10);
    s.submit(2, 0, 3_000, 30);
    assert_eq!(
        s.events(),
        [s.submitted(2, 0, 3_000, 30)],
        "a quorum, not finalized"
    );
    s.advance_to(first + HOUR - 1);
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_finalize(&s.pool, &0),
            OracleError::SubmissionsOpen,
        )
    });
    s.submit(3, 0, 2_000, 20);
    advance(&s.env, 1);
    s.oracle.finalize(&s.pool, &0);
    assert_eq!(s.env.auths(), std::vec![], "finalize asks no signature");
    // The lower median of four: [1,000, 2,000, 3,000, 4,000] -> 2,000; [10, 20, 30, 40] -> 20.
    assert_eq!(s.events(), [s.finalized(0, 2_000, 20, 4)]);
    assert_error(
        s.oracle
            .try_submit(&s.reporter(4), &s.pool, &0, &2_000, &20),
        OracleError::EpochFinalized,
    );
    assert_error(
        s.oracle.try_finalize(&s.pool, &0),
        OracleError::EpochFinalized,
    );
    advance(&s.env, HOUR - 1);
    assert_eq!(
        s.oracle.report(&s.pool, &0),
        None,
        "inside its dispute window"
    );
    advance(&s.env, 1);
    assert_eq!(
        s.oracle.report(&s.pool, &0),
        Some(EpochReport {
            epoch: 0,
            hashrate: 2_000,
            reward: 20,
            submissions: 4,
            finalized_at: first + HOUR,
        })
    );
}

/// `finalize` needs a quorum of listed reporters: with no submission at all it is refused with
/// `QuorumNotReached` at any time; with fewer than `quorum`, `SubmissionsOpen` inside the
/// round's window and `QuorumNotReached` after it, however long after. The window counts from
/// the round's first submission: once it has passed, the submission that reaches the quorum
/// may be finalized at once.
#[test]
fn finalize_without_a_quorum_is_refused_whenever_it_is_called() {
    let s = Setup::new(5, 3);
    let refused = |error: OracleError| {
        assert_unchanged(&s.env, || {
            assert_error(s.oracle.try_finalize(&s.pool, &0), error)
        })
    };
    refused(OracleError::EpochNotEnded);
    s.advance_to(s.end_of(0));
    refused(OracleError::QuorumNotReached);
    advance(&s.env, DAY);
    refused(OracleError::QuorumNotReached);
    let first = s.env.ledger().timestamp();
    s.submit(0, 0, 5_000, 50);
    s.submit(1, 0, 7_000, 70);
    refused(OracleError::SubmissionsOpen);
    advance(&s.env, HOUR);
    refused(OracleError::QuorumNotReached);
    advance(&s.env, DAY);
    refused(OracleError::QuorumNotReached);
    s.submit(2, 0, 6_000, 60);
    let at = s.env.ledger().timestamp();
    assert_eq!(at, first + HOUR + DAY);
    s.oracle.finalize(&s.pool, &0);
    assert_eq!(s.events(), [s.finalized(0, 6_000, 60, 3)]);
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).expect("effective");
    assert_eq!(
        (
            report.hashrate,
            report.reward,
            report.submissions,
            report.finalized_at
        ),
        (6_000, 60, 3, at)
    );
}

#[test]
fn a_report_is_invisible_until_its_dispute_window_has_passed() {
    let s = Setup::new(3, 3);
    advance(&s.env, DAY);
    s.attest(3, 0, 5_000, 70);
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
    s.attest(3, 1, 5_000, 70);
    assert_eq!(s.oracle.latest(&s.pool).map(|r| r.epoch), Some(0));
    advance(&s.env, HOUR);
    assert_eq!(s.oracle.latest(&s.pool).map(|r| r.epoch), Some(1));
}

/// A dispute inside the report's window removes it and reopens the epoch, to every reporter
/// (those of the disputed round too), for a new round whose window counts from its own first
/// submission: a quorum of the new round is not finalized until an hour after it started,
/// although the disputed round started a day before.
#[test]
fn dispute_inside_the_window_reopens_the_epoch_for_a_round_with_its_own_window() {
    let s = Setup::new(4, 3);
    advance(&s.env, DAY);
    s.attest_all(0, 9_000_000, 1_000);
    advance(&s.env, HOUR - 1);
    s.oracle.dispute(&s.pool, &0);
    assert_eq!(
        s.events(),
        [Disputed {
            pool: s.pool.clone(),
            epoch: 0
        }
        .to_xdr(&s.env, &s.oracle.address)]
    );
    advance(&s.env, DAY);
    assert_eq!(s.oracle.report(&s.pool, &0), None);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    let reopened = s.env.ledger().timestamp();
    s.submit(0, 0, 4_000, 400);
    s.submit(2, 0, 4_200, 420);
    s.submit(3, 0, 4_100, 410);
    let open = || {
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle.try_finalize(&s.pool, &0),
                OracleError::SubmissionsOpen,
            )
        })
    };
    open();
    advance(&s.env, HOUR - 1);
    open();
    advance(&s.env, 1);
    s.oracle.finalize(&s.pool, &0);
    advance(&s.env, HOUR);
    assert_eq!(
        s.oracle.report(&s.pool, &0),
        Some(EpochReport {
            epoch: 0,
            hashrate: 4_100,
            reward: 410,
            submissions: 3,
            finalized_at: reopened + HOUR,
        })
    );
}

#[test]
fn dispute_after_the_window_is_refused() {
    let s = Setup::new(3, 3);
    advance(&s.env, DAY);
    s.attest(3, 0, 1_000, 10);
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
    let s = Setup::new(3, 3); // max_age_epochs = 2
    advance(&s.env, DAY);
    s.attest(3, 0, 7_000, 1);
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
    s.attest(3, 2, 6_500, 1);
    advance(&s.env, HOUR);
    assert_eq!(s.oracle.capacity(&s.pool), 6_500);
}

#[test]
fn late_and_out_of_order_reports_never_replace_a_higher_effective_epoch() {
    let s = Setup::new(3, 3);
    advance(&s.env, 3 * DAY);
    s.attest(3, 2, 2_000, 1);
    advance(&s.env, HOUR);
    s.attest(3, 0, 999, 1); // a late report of an older epoch
    s.attest(3, 1, 998, 1);
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
    // The one valid submission still counts: with two more, a quorum, `finalize` closes the
    // round an hour after that first submission, with its value in the set.
    s.submit(1, 0, 2_000, 200);
    s.submit(2, 0, 3_000, 300);
    advance(&s.env, HOUR);
    s.oracle.finalize(&s.pool, &0);
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).unwrap();
    assert_eq!(
        (report.hashrate, report.reward, report.submissions),
        (2_000, 200, 3)
    );
}

#[test]
fn update_pool_rotates_reporters() {
    let s = Setup::new(5, 3);
    advance(&s.env, DAY);
    s.submit(0, 0, 1_000_000, 1); // will be rotated out before quorum
    s.submit(1, 0, 1_000, 1);
    let newcomer = Address::generate(&s.env);
    let mut rotated = s.config.clone();
    rotated.reporters = Vec::from_array(
        &s.env,
        [
            newcomer.clone(),
            s.reporter(1),
            s.reporter(2),
            s.reporter(3),
            s.reporter(4),
        ],
    );
    s.oracle.update_pool(&s.pool, &rotated);
    assert_eq!(s.oracle.pool(&s.pool), rotated);
    assert_error(
        s.oracle.try_submit(&s.reporter(0), &s.pool, &1, &1, &1),
        OracleError::NotReporter,
    );
    // The removed reporter's earlier submission no longer counts: with it, the fifth
    // submission in does not complete the round (only `submitted` is emitted)...
    s.submit(2, 0, 1_200, 1);
    s.oracle.submit(&newcomer, &s.pool, &0, &1_100, &1);
    s.submit(3, 0, 1_300, 1);
    assert_eq!(s.events(), [s.submitted(3, 0, 1_300, 1)]);
    // ...the fifth listed reporter's does, with the median of the five listed reporters'.
    s.submit(4, 0, 900, 1);
    assert_eq!(
        s.events(),
        [s.submitted(4, 0, 900, 1), s.finalized(0, 1_100, 1, 5)]
    );
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).unwrap();
    assert_eq!((report.hashrate, report.submissions), (1_100, 5));
}

#[test]
fn pool_configs_are_validated() {
    let s = Setup::new(3, 3);
    let id = symbol(&s.env, "other");
    let mut too_many = pool_config(&s.env, 17, 9);
    let mut invalid = std::vec![
        pool_config(&s.env, 0, 0),
        pool_config(&s.env, 3, 0),
        pool_config(&s.env, 3, 4),
        too_many.clone(),
    ];
    let mut zero_epoch = pool_config(&s.env, 3, 3);
    zero_epoch.epoch_seconds = 0;
    invalid.push(zero_epoch);
    // Four entries, three of them distinct: a duplicate would count twice towards quorum.
    let mut duplicated = pool_config(&s.env, 3, 3);
    duplicated
        .reporters
        .push_back(duplicated.reporters.get(1).unwrap());
    invalid.push(duplicated);
    for window in [0, 31] {
        let mut capacity = pool_config(&s.env, 3, 3);
        capacity.capacity_epochs = window;
        invalid.push(capacity);
    }
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
    for change in 0..4 {
        let mut moved = s.config.clone();
        match change {
            0 => moved.genesis += 1,
            1 => moved.epoch_seconds += 1,
            2 => moved.dispute_seconds += 1,
            _ => moved.capacity_epochs += 1,
        }
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle.try_update_pool(&s.pool, &moved),
                OracleError::ScheduleImmutable,
            )
        });
    }
    let nopool = symbol(&s.env, "nopool");
    assert_error(s.oracle.try_pool(&nopool), OracleError::PoolNotFound);
    assert_error(s.oracle.try_capacity(&nopool), OracleError::PoolNotFound);
    assert_error(
        s.oracle.try_minter_capacity(&nopool),
        OracleError::PoolNotFound,
    );
    assert_error(s.oracle.try_latest(&nopool), OracleError::PoolNotFound);
    assert_error(s.oracle.try_report(&nopool, &0), OracleError::PoolNotFound);
    assert_error(
        s.oracle.try_current_epoch(&nopool),
        OracleError::PoolNotFound,
    );
}

/// A quorum must be an honest majority: more than half of the reporters, and at least 3 once
/// there are 3 or more, so neither one reporter nor one of two decides a median. Both
/// `register_pool` and `update_pool` refuse anything else, changing nothing.
#[test]
fn only_an_honest_majority_quorum_is_accepted() {
    let s = Setup::new(5, 3);
    let accepted_up_to_six = [
        (1, 1),
        (2, 2),
        (3, 3),
        (3, 4),
        (4, 4),
        (3, 5),
        (4, 5),
        (5, 5),
        (4, 6),
        (5, 6),
        (6, 6),
    ];
    let mut cases: std::vec::Vec<(u32, u32)> = (1..=6u32)
        .flat_map(|n| (0..=n + 1).map(move |q| (q, n)))
        .collect();
    cases.extend([(8, 16), (9, 16), (16, 16)]);
    let mut accepted = std::vec::Vec::new();
    for (quorum, reporters) in cases {
        let config = pool_config(&s.env, reporters, quorum);
        let id = symbol(&s.env, &format!("p{reporters}_{quorum}"));
        if s.oracle.try_register_pool(&id, &config).is_ok() {
            // The same configuration is accepted as an update of the existing pool.
            s.oracle.update_pool(&s.pool, &config);
            assert_eq!(s.oracle.pool(&s.pool), config);
            accepted.push((quorum, reporters));
        } else {
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
    }
    let mut expected = accepted_up_to_six.to_vec();
    expected.extend([(9, 16), (16, 16)]);
    assert_eq!(accepted, expected);
    // The refusals named in the review, explicitly: 2 of 3, 2 of 4, 2 of 5, 1 of 2, 8 of 16.
    for refused in [(2, 3), (2, 4), (2, 5), (1, 2), (8, 16)] {
        assert!(!accepted.contains(&refused), "{refused:?}");
    }
}

/// The sustained-capacity window is 1 to 30 epochs, fixed at registration: a shorter window
/// set later would let hashrate rented for fewer epochs count.
#[test]
fn the_capacity_window_is_one_to_thirty_epochs_and_immutable() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    for (window, valid) in [(0, false), (1, true), (30, true), (31, false)] {
        let mut config = pool_config(&s.env, 5, 3);
        config.capacity_epochs = window;
        let id = symbol(&s.env, &format!("window_{window}"));
        if valid {
            s.oracle.register_pool(&id, &config);
            assert_eq!(s.oracle.pool(&id).capacity_epochs, window);
        } else {
            assert_unchanged(&s.env, || {
                assert_error(
                    s.oracle.try_register_pool(&id, &config),
                    OracleError::InvalidConfig,
                )
            });
        }
    }
    for window in [1, 6, 8, 30] {
        let mut changed = s.config.clone();
        changed.capacity_epochs = window;
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle.try_update_pool(&s.pool, &changed),
                OracleError::ScheduleImmutable,
            )
        });
    }
    // Anything else may change beside the unchanged window.
    let mut rotated = s.config.clone();
    rotated.quorum = 4;
    rotated.max_age_epochs = 3;
    s.oracle.update_pool(&s.pool, &rotated);
    assert_eq!(s.oracle.pool(&s.pool), rotated);
}

/// The dispute window is checked in seconds against the staleness bound. A round opened at
/// most one epoch after its epoch ended may stay open `dispute_seconds` before `finalize`
/// closes it, and its report is effective `dispute_seconds` after that, when it must still be
/// fresh: `2 * dispute + epoch <= max_age * epoch`. With 100-second epochs and a staleness
/// bound of two epochs, 50 s of dispute is the most: a round opened in the last second of the
/// next epoch is finalized 50 s later and effective in the last second it is fresh.
#[test]
fn the_dispute_window_is_checked_in_seconds_against_staleness() {
    let s = Setup::new(3, 3);
    let schedule = |reporters: u32, dispute_seconds: u64, max_age_epochs: u64| {
        let mut config = pool_config(&s.env, reporters, 3);
        config.epoch_seconds = 100;
        config.dispute_seconds = dispute_seconds;
        config.max_age_epochs = max_age_epochs;
        config
    };
    // 150 s (under two epochs, so no whole-epoch check would catch it), 100 s (the bound
    // before a round could stay open a window: 100 + 100 = 200, but 2 × 100 + 100 = 300) and
    // 51 s (202 > 200): stale on arrival. 0 s with a staleness bound of 0 epochs: 100 > 0;
    // 1 s with one epoch: 102 > 100.
    for (dispute, max_age) in [(150, 2), (100, 2), (51, 2), (0, 0), (1, 1)] {
        let config = schedule(3, dispute, max_age);
        let id = symbol(&s.env, &format!("d{dispute}_a{max_age}"));
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle.try_register_pool(&id, &config),
                OracleError::InvalidConfig,
            )
        });
    }
    // At the bound, equal: accepted (100 <= 100, 200 <= 200, 300 <= 300).
    for (dispute, max_age) in [(0, 1), (50, 2), (100, 3)] {
        let id = symbol(&s.env, &format!("d{dispute}_a{max_age}"));
        s.oracle.register_pool(&id, &schedule(3, dispute, max_age));
    }
    // Why the bound is right, on a 100 s / 50 s / 2-epoch pool of 5 reporters, quorum 3:
    // epoch 0 ends at genesis + 100; a quorum submits at genesis + 199, the last second of
    // epoch 1; `finalize` closes the round at genesis + 249, and the report is effective at
    // genesis + 299, the last second of epoch 2, when it is two epochs behind: still fresh.
    let id = symbol(&s.env, "edge");
    s.oracle.register_pool(&id, &schedule(5, 50, 2));
    let config = s.oracle.pool(&id);
    let genesis = config.genesis;
    advance(&s.env, genesis + 199 - s.env.ledger().timestamp());
    for i in 0..3 {
        let reporter = config.reporters.get(i).unwrap();
        s.oracle.submit(&reporter, &id, &0, &4_000, &1);
    }
    advance(&s.env, 49);
    assert_error(s.oracle.try_finalize(&id, &0), OracleError::SubmissionsOpen);
    advance(&s.env, 1);
    s.oracle.finalize(&id, &0);
    advance(&s.env, 49);
    assert_eq!(s.oracle.capacity(&id), 0, "not yet effective");
    advance(&s.env, 1);
    assert_eq!(s.env.ledger().timestamp(), genesis + 299);
    assert_eq!(s.oracle.current_epoch(&id), 2);
    assert_eq!(s.oracle.capacity(&id), 4_000, "effective and fresh");
    advance(&s.env, 1);
    assert_eq!(s.oracle.current_epoch(&id), 3);
    assert_eq!(s.oracle.capacity(&id), 0, "three epochs behind: stale");
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
    let s = Setup::new(3, 3);
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
    let config = pool_config(&env, 3, 3);

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
    let (r0, r1, r2) = (
        config.reporters.get(0).unwrap(),
        config.reporters.get(1).unwrap(),
        config.reporters.get(2).unwrap(),
    );
    let args = (r0.clone(), pool.clone(), 0u64, 5i128, 5i128).into_val(&env);
    authorize(&env, &r1, &id, "submit", args);
    assert_auth_error(&env, oracle.try_submit(&r0, &pool, &0, &5, &5));
    for r in [&r0, &r1, &r2] {
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
    let s = Setup::new(3, 3);
    advance(&s.env, DAY);
    s.attest(3, 0, 4_242, 42);
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
    let s = Setup::new(3, 3);
    let (token, other) = (Address::generate(&s.env), Address::generate(&s.env));
    assert_eq!(s.oracle.token(&s.pool), None);
    let operator = s.config.operator.clone();
    // The token keeps the pool's immutable schedule, which the binding returns.
    assert_eq!(
        s.oracle.bind_token(&s.pool, &token, &operator),
        (START, DAY)
    );
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
    let config = pool_config(&env, 3, 3);
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

/// A reporter goes offline: after the round's window two of three submissions are no quorum,
/// and `finalize` is refused. The admin removes it and lowers the quorum; the submissions
/// already in now reach it (and make the round complete, though no submission completed it),
/// and anyone can finalize the epoch from them.
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
            OracleError::SubmissionsOpen,
        )
    });
    s.submit(1, 0, 1_200, 12);
    advance(&s.env, HOUR);
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_finalize(&s.pool, &0),
            OracleError::QuorumNotReached,
        )
    });
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

/// A round made complete by `update_pool` (the one reporter missing from it removed) needs no
/// window: `finalize` closes it at once, with the lower median of the listed reporters'
/// submissions. Before the update, the same call is refused: the round is open.
#[test]
fn a_round_completed_by_update_pool_is_finalized_at_once() {
    let s = Setup::new(5, 3);
    advance(&s.env, DAY);
    for (i, hashrate) in [(0, 1_000), (1, 4_000), (2, 2_000), (3, 3_000)] {
        s.submit(i, 0, hashrate, hashrate / 100);
    }
    assert_unchanged(&s.env, || {
        assert_error(
            s.oracle.try_finalize(&s.pool, &0),
            OracleError::SubmissionsOpen,
        )
    });
    let mut rotated = s.config.clone();
    rotated.reporters.pop_back();
    s.oracle.update_pool(&s.pool, &rotated);
    s.oracle.finalize(&s.pool, &0);
    // The lower median of [1,000, 2,000, 3,000, 4,000] and of [10, 20, 30, 40].
    assert_eq!(s.events(), [s.finalized(0, 2_000, 20, 4)]);
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &0).expect("effective");
    assert_eq!(
        (report.hashrate, report.submissions, report.finalized_at),
        (2_000, 4, START + DAY)
    );
}

/// `round` shows an epoch's attestation as it stands: when its open round's first submission
/// came and who has submitted, in order (0 and nobody before any), and its finalized report
/// while still disputable (`report` shows only effective ones). Finalizing closes the round; a
/// dispute removes the report and the epoch is open again, with nobody in.
#[test]
fn round_shows_the_open_round_and_the_finalized_report() {
    let s = Setup::new(5, 3);
    let nobody = Vec::<Address>::new(&s.env);
    assert_eq!(s.oracle.round(&s.pool, &0), (0, nobody.clone(), None));
    let opened = s.end_of(0) + 60;
    s.advance_to(opened);
    s.submit(3, 0, 2_000, 20);
    advance(&s.env, 600);
    s.submit(1, 0, 1_000, 10);
    assert_eq!(
        s.oracle.round(&s.pool, &0),
        (
            opened,
            Vec::from_array(&s.env, [s.reporter(3), s.reporter(1)]),
            None
        )
    );
    for (i, hashrate) in [(0, 3_000), (2, 4_000), (4, 5_000)] {
        s.submit(i, 0, hashrate, hashrate / 100);
    }
    let report = EpochReport {
        epoch: 0,
        hashrate: 3_000,
        reward: 30,
        submissions: 5,
        finalized_at: opened + 600,
    };
    assert_eq!(
        s.oracle.round(&s.pool, &0),
        (0, nobody.clone(), Some(report.clone()))
    );
    assert_eq!(s.oracle.report(&s.pool, &0), None, "not yet effective");
    s.oracle.dispute(&s.pool, &0);
    assert_eq!(s.oracle.round(&s.pool, &0), (0, nobody.clone(), None));
    s.attest_all(0, 3_000, 30);
    advance(&s.env, HOUR);
    let again = EpochReport {
        finalized_at: opened + 600,
        ..report
    };
    assert_eq!(
        s.oracle.round(&s.pool, &0),
        (0, nobody, Some(again.clone()))
    );
    assert_eq!(s.oracle.report(&s.pool, &0), Some(again));
    assert_error(
        s.oracle.try_round(&symbol(&s.env, "nopool"), &0),
        OracleError::PoolNotFound,
    );
}

/// Schedules that cannot work are refused: a dispute window of 16 epochs or more would let
/// reports pile up faster than they become effective, and one that, with the epoch a round
/// may take to open and the window it may stay open, outlasts the staleness bound would make
/// reports stale the moment they count.
#[test]
fn schedules_that_would_stall_the_oracle_are_refused() {
    let s = Setup::new(3, 3);
    let id = symbol(&s.env, "other");
    // 16 hourly epochs of window: fresh enough (2 × 16 + 1 = 33 epochs), but too many pending.
    let mut long_window = pool_config(&s.env, 3, 3);
    long_window.epoch_seconds = HOUR;
    long_window.dispute_seconds = 16 * HOUR;
    long_window.max_age_epochs = 33;
    let mut stale_on_arrival = pool_config(&s.env, 3, 3);
    stale_on_arrival.dispute_seconds = 2 * DAY;
    stale_on_arrival.max_age_epochs = 2;
    // Half a day and a second of dispute on daily epochs fresh for two: a round opened a day
    // after its epoch, open for a window and then disputable for another, would be effective
    // two seconds after it went stale.
    let mut one_second_too_long = pool_config(&s.env, 3, 3);
    one_second_too_long.dispute_seconds = DAY / 2 + 1;
    let mut never_fresh = pool_config(&s.env, 3, 3);
    never_fresh.max_age_epochs = 0;
    for config in [
        long_window.clone(),
        stale_on_arrival,
        one_second_too_long,
        never_fresh,
    ] {
        assert_unchanged(&s.env, || {
            assert_error(
                s.oracle.try_register_pool(&id, &config),
                OracleError::InvalidConfig,
            )
        });
    }
    long_window.dispute_seconds = 15 * HOUR;
    long_window.max_age_epochs = 31;
    s.oracle.register_pool(&id, &long_window); // 15 epochs of window, fresh for 2 × 15 + 1
    let mut half_a_day = pool_config(&s.env, 3, 3);
    // A day to open the round + half a day open + half a day disputable = the two-day bound.
    half_a_day.dispute_seconds = DAY / 2;
    s.oracle
        .register_pool(&symbol(&s.env, "half_a_day"), &half_a_day);
}

/// `minter_capacity` is who may mint the pool's shares now and the sustained capacity they
/// may be minted against, in one call: it follows `update_pool`'s operator at once.
#[test]
fn minter_capacity_names_the_current_operator_and_the_sustained_capacity() {
    let s = Setup::new(5, 3);
    let operator = s.config.operator.clone();
    assert_eq!(s.oracle.minter_capacity(&s.pool), (operator.clone(), 0));
    s.close(0, 5_000);
    assert_eq!(s.oracle.minter_capacity(&s.pool), (operator, 5_000));
    let successor = Address::generate(&s.env);
    let mut rotated = s.config.clone();
    rotated.operator = successor.clone();
    s.oracle.update_pool(&s.pool, &rotated);
    assert_eq!(s.oracle.minter_capacity(&s.pool), (successor, 5_000));
    assert_eq!(s.capacity(), 5_000);
}

/// With a window of 7 epochs, capacity is 0 until 7 consecutive epochs are effective, then
/// the lowest of the last 7, sliding with every new epoch.
#[test]
fn sustained_capacity_is_zero_until_a_full_window_then_its_minimum() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    let first_week = [120, 100, 130, 90, 110, 140, 105];
    for (epoch, hashrate) in first_week.iter().enumerate().take(6) {
        s.close(epoch as u64, *hashrate);
        assert_eq!(s.capacity(), 0, "{} of 7 epochs", epoch + 1);
    }
    // The seventh is finalized: nothing until its dispute window has passed.
    s.advance_to(s.end_of(6));
    s.attest_all(6, 105, 1);
    advance(&s.env, HOUR - 1);
    assert_eq!(s.capacity(), 0);
    advance(&s.env, 1);
    assert_eq!(s.capacity(), 90, "the lowest of epochs 0-6");
    // The window slides: 90 (epoch 3) leaves it after epoch 9; then 105 (epoch 6) is lowest.
    for (epoch, expected) in [(7, 90), (8, 90), (9, 90), (10, 105), (13, 150)] {
        while s.oracle.current_epoch(&s.pool) <= epoch {
            let next = s.oracle.current_epoch(&s.pool);
            s.close(next, 150);
        }
        assert_eq!(s.capacity(), expected, "window ending at {epoch}");
    }
}

/// One epoch at three times the hashrate (rented) never raises the cap, nor six: only seven
/// consecutive epochs at the higher rate do.
#[test]
fn hashrate_rented_for_fewer_epochs_than_the_window_never_raises_capacity() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    for epoch in 0..7 {
        s.close(epoch, 100);
    }
    assert_eq!(s.capacity(), 100);
    s.close(7, 300);
    assert_eq!(s.capacity(), 100, "one epoch at 3x");
    for epoch in 8..13 {
        s.close(epoch, 300);
        assert_eq!(s.capacity(), 100, "{} epochs at 3x", epoch - 6);
    }
    s.close(13, 300);
    assert_eq!(s.capacity(), 300, "seven epochs at 3x: sustained");
}

/// An epoch nobody reports breaks the window: once a later epoch is the latest, capacity is 0
/// until seven consecutive epochs follow the gap.
#[test]
fn a_missing_epoch_zeroes_capacity_until_seven_more_consecutive_ones() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    for epoch in 0..7 {
        s.close(epoch, 100);
    }
    // Epoch 7 ends unreported. An hour into epoch 8, epoch 6 is the latest, still fresh.
    s.advance_to(s.end_of(7) + HOUR);
    assert_eq!(s.capacity(), 100);
    for epoch in 8..14 {
        s.close(epoch, 100);
        assert_eq!(s.capacity(), 0, "window ending at {epoch} spans the gap");
    }
    s.close(14, 100);
    assert_eq!(s.capacity(), 100, "epochs 8-14");
}

/// A late report of the missing epoch closes the gap once it is effective (not while it can
/// still be disputed), and its hashrate counts in the window.
#[test]
fn a_late_report_filling_the_gap_restores_capacity_once_effective() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    for epoch in 0..7 {
        s.close(epoch, 100);
    }
    s.close(8, 100);
    s.close(9, 100);
    assert_eq!(s.capacity(), 0, "epoch 7 missing");
    s.attest_all(7, 80, 1); // two days late
    assert_eq!(s.capacity(), 0, "epoch 7 still disputable");
    advance(&s.env, HOUR - 1);
    assert_eq!(s.capacity(), 0);
    advance(&s.env, 1);
    assert_eq!(s.capacity(), 80, "epochs 3-9, the late one lowest");
    assert_eq!(s.oracle.latest(&s.pool).map(|r| r.epoch), Some(9));
}

/// A report inside its dispute window does not count: the window ends before it. Disputed,
/// it leaves a gap that zeroes capacity once a later epoch is the latest, until the epoch is
/// attested again.
#[test]
fn a_disputed_epoch_inside_the_window_zeroes_capacity() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    for epoch in 0..7 {
        s.close(epoch, 100);
    }
    s.advance_to(s.end_of(7));
    s.attest_all(7, 1_000, 1);
    advance(&s.env, HOUR - 1);
    assert_eq!(s.capacity(), 100, "the window ends at epoch 6");
    s.oracle.dispute(&s.pool, &7);
    advance(&s.env, 1);
    assert_eq!(s.capacity(), 100, "still epochs 0-6");
    s.close(8, 100);
    assert_eq!(s.capacity(), 0, "epoch 7 disputed: a gap");
    s.attest_all(7, 95, 1);
    assert_eq!(s.capacity(), 0, "the new report of 7 is disputable");
    advance(&s.env, HOUR);
    assert_eq!(s.capacity(), 95, "epochs 2-8");
}

/// A latest report more than `max_age_epochs` (2) behind makes capacity 0, whatever the
/// window holds; reports of the epochs since restore it.
#[test]
fn a_stale_latest_epoch_zeroes_sustained_capacity() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    for epoch in 0..7 {
        s.close(epoch, 100);
    }
    s.advance_to(s.end_of(8) - 1); // the last second of epoch 8: two behind
    assert_eq!(s.capacity(), 100);
    advance(&s.env, 1); // epoch 9: three behind
    assert_eq!(s.oracle.current_epoch(&s.pool), 9);
    assert_eq!(s.capacity(), 0);
    s.attest_all(7, 100, 1);
    s.attest_all(8, 110, 1);
    advance(&s.env, HOUR);
    assert_eq!(s.capacity(), 100, "epochs 2-8, the latest fresh again");
}

/// The pool head keeps only what a window can still reach, so the finalizing submission after
/// 300 epochs costs what it costs after 10.
#[test]
fn the_pool_head_stays_bounded_over_hundreds_of_epochs() {
    let s = Setup::with(5, 3, |c| c.capacity_epochs = 7);
    let mut measured = std::vec::Vec::new();
    for epoch in 0..=300u64 {
        s.advance_to(s.end_of(epoch));
        s.attest(4, epoch, 100_000 + i128::from(epoch as u32), 1);
        if epoch == 10 || epoch == 300 {
            let env = fresh(&s.env);
            let oracle = PoolOracleClient::new(&env, &port(&env, &s.oracle.address));
            let pool = Symbol::new(&env, "antpool_s19");
            oracle.submit(&port(&env, &s.reporter(4)), &pool, &epoch, &100_000, &1);
            measured.push(Cost::last(&env));
        }
        s.submit(4, epoch, 100_000, 1); // completes the round
        if epoch >= 7 {
            // The 7 effective epochs of the window ending at the one before, and this one.
            assert_eq!(s.head_len(), 8, "epoch {epoch}");
        }
        advance(&s.env, HOUR);
    }
    let (early, late) = (&measured[0], &measured[1]);
    println!("finalizing submit after 10 epochs: {early}");
    println!("finalizing submit after 300 epochs: {late}");
    assert_eq!(late, early, "the same entries, bytes and instructions");
    assert_eq!(s.capacity(), 100_000 + 294, "the lowest of epochs 294-300");
}
