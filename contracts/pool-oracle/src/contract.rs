use hashshare_common::{admin, ttl};
use hashshare_interfaces::{EpochReport, PoolConfig, PoolOracle, MAX_REPORTERS};
use soroban_sdk::{contract, contractimpl, panic_with_error, Address, BytesN, Env, Symbol, Vec};

use crate::{
    aggregation::lower_median,
    errors::OracleError,
    events::{
        Disputed, Finalized, PoolRegistered, PoolUpdated, RegistrarSet, Submitted, TokenBound,
    },
    schedule, storage,
    validation::validate,
};

#[contract]
pub struct PoolOracleContract;

#[contractimpl]
impl PoolOracleContract {
    /// Creates the oracle with its admin, who registers pools and may dispute reports.
    pub fn __constructor(env: Env, admin: Address) {
        admin::init(&env, &admin);
        ttl::bump_instance(&env);
    }
}

#[contractimpl]
impl PoolOracle for PoolOracleContract {
    /// Registers `pool` with its reporters, quorum and schedule.
    ///
    /// # Auth
    /// The admin.
    /// # Errors
    /// `PoolExists`, `InvalidConfig`.
    /// # Events
    /// `pool_registered`.
    fn register_pool(env: Env, pool: Symbol, config: PoolConfig) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        register(&env, &pool, &config);
    }

    /// Rotates reporters, changes quorum, operator or staleness bound. Submissions already in
    /// for an open epoch by a reporter no longer listed stop counting. A new operator is the
    /// share token's minter from this call on.
    ///
    /// # Auth
    /// The admin.
    /// # Errors
    /// `PoolNotFound`, `InvalidConfig`, `ScheduleImmutable` (genesis, epoch length, dispute
    /// window and sustained-capacity window are fixed at registration).
    /// # Events
    /// `pool_updated`.
    fn update_pool(env: Env, pool: Symbol, config: PoolConfig) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        validate(&env, &config);
        let current = pool_config(&env, &pool);
        if (
            current.genesis,
            current.epoch_seconds,
            current.dispute_seconds,
            current.capacity_epochs,
        ) != (
            config.genesis,
            config.epoch_seconds,
            config.dispute_seconds,
            config.capacity_epochs,
        ) {
            panic_with_error!(&env, OracleError::ScheduleImmutable);
        }
        storage::set_pool(&env, &pool, &config);
        PoolUpdated {
            pool,
            operator: config.operator,
        }
        .publish(&env);
    }

    /// The pool's configuration. Errors: `PoolNotFound`.
    fn pool(env: Env, pool: Symbol) -> PoolConfig {
        ttl::bump_instance(&env);
        pool_config(&env, &pool)
    }

    /// The epoch the ledger clock is in (0 before genesis). Errors: `PoolNotFound`.
    fn current_epoch(env: Env, pool: Symbol) -> u64 {
        ttl::bump_instance(&env);
        let config = pool_config(&env, &pool);
        schedule::current_epoch(config.genesis, config.epoch_seconds, now(&env))
    }

    /// Attests `epoch`'s average hashrate (H/s) and net reward (reward-asset base units). The
    /// submission that completes the round — every listed reporter in — finalizes the epoch
    /// with the lower median of each field over all of them; otherwise `finalize` does, once
    /// the round has been open for `dispute_seconds`. A quorum alone never finalizes at once:
    /// the first `quorum` submissions may be two colluders and one honest reporter, whose
    /// median is the colluders'.
    ///
    /// # Auth
    /// `reporter`, who must be listed for the pool.
    /// # Errors
    /// `PoolNotFound`, `NotReporter`, `NegativeValue`, `EpochNotEnded`, `EpochFinalized`,
    /// `AlreadySubmitted`, `TooManyPending`.
    /// # Events
    /// `submitted`; `finalized` when it completes the round.
    fn submit(env: Env, reporter: Address, pool: Symbol, epoch: u64, hashrate: i128, reward: i128) {
        reporter.require_auth();
        ttl::bump_instance(&env);
        let config = pool_config(&env, &pool);
        if !config.reporters.contains(&reporter) {
            panic_with_error!(&env, OracleError::NotReporter);
        }
        if hashrate < 0 || reward < 0 {
            panic_with_error!(&env, OracleError::NegativeValue);
        }
        let now = now(&env);
        check_open(&env, &pool, &config, epoch, now);
        let (first_at, stored) =
            storage::submissions(&env, &pool, epoch).unwrap_or_else(|| (now, Vec::new(&env)));
        if stored.iter().any(|(submitter, _, _)| submitter == reporter) {
            panic_with_error!(&env, OracleError::AlreadySubmitted);
        }
        let mut submissions = listed(&config, &stored);
        submissions.push_back((reporter.clone(), hashrate, reward));
        Submitted {
            pool: pool.clone(),
            epoch,
            reporter,
            hashrate,
            reward,
        }
        .publish(&env);

        if submissions.len() < config.reporters.len() {
            storage::set_submissions(&env, &pool, epoch, first_at, &submissions);
            return;
        }
        finalize(&env, &pool, &config, epoch, &submissions, now);
    }

    /// Finalizes `epoch` with the lower median of each field over every listed reporter's
    /// submission, once its round has been open for `dispute_seconds` (time for every honest
    /// reporter to submit) or is complete (after `update_pool` removed the reporters missing),
    /// and at least `quorum` listed reporters have submitted. Anyone may call it.
    ///
    /// # Errors
    /// `PoolNotFound`, `EpochNotEnded`, `EpochFinalized`, `SubmissionsOpen`, `QuorumNotReached`,
    /// `TooManyPending`.
    /// # Events
    /// `finalized`.
    fn finalize(env: Env, pool: Symbol, epoch: u64) {
        ttl::bump_instance(&env);
        let config = pool_config(&env, &pool);
        let now = now(&env);
        check_open(&env, &pool, &config, epoch, now);
        let Some((first_at, stored)) = storage::submissions(&env, &pool, epoch) else {
            panic_with_error!(&env, OracleError::QuorumNotReached);
        };
        let submissions = listed(&config, &stored);
        let complete = submissions.len() >= config.reporters.len();
        if !complete && now < first_at.saturating_add(config.dispute_seconds) {
            panic_with_error!(&env, OracleError::SubmissionsOpen);
        }
        if submissions.len() < config.quorum {
            panic_with_error!(&env, OracleError::QuorumNotReached);
        }
        finalize(&env, &pool, &config, epoch, &submissions, now);
    }

    /// `epoch`'s open round (when its first submission came, who has submitted) and its
    /// finalized report, effective or not. Errors: `PoolNotFound`.
    fn round(env: Env, pool: Symbol, epoch: u64) -> (u64, Vec<Address>, Option<EpochReport>) {
        ttl::bump_instance(&env);
        pool_config(&env, &pool);
        let (opened_at, stored) =
            storage::submissions(&env, &pool, epoch).unwrap_or_else(|| (0, Vec::new(&env)));
        let mut submitted = Vec::new(&env);
        for (reporter, _, _) in stored.iter() {
            submitted.push_back(reporter);
        }
        (opened_at, submitted, storage::report(&env, &pool, epoch))
    }

    /// Removes a finalized report that is still inside its dispute window; the epoch reopens
    /// for a fresh round of submissions.
    ///
    /// # Auth
    /// The admin.
    /// # Errors
    /// `PoolNotFound`, `ReportNotFound`, `DisputeWindowClosed`.
    /// # Events
    /// `disputed`.
    fn dispute(env: Env, pool: Symbol, epoch: u64) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        let config = pool_config(&env, &pool);
        let Some(report) = storage::report(&env, &pool, epoch) else {
            panic_with_error!(&env, OracleError::ReportNotFound);
        };
        let now = now(&env);
        if is_effective(&config, &report, now) {
            panic_with_error!(&env, OracleError::DisputeWindowClosed);
        }
        let mut head = storage::head(&env, &pool);
        head.settle(now, config.capacity_epochs);
        head.remove(epoch);
        storage::set_head(&env, &pool, &head);
        storage::remove_report(&env, &pool, epoch);
        Disputed { pool, epoch }.publish(&env);
    }

    /// `epoch`'s report if it is effective, else `None`. Errors: `PoolNotFound`.
    fn report(env: Env, pool: Symbol, epoch: u64) -> Option<EpochReport> {
        ttl::bump_instance(&env);
        let config = pool_config(&env, &pool);
        storage::report(&env, &pool, epoch).filter(|r| is_effective(&config, r, now(&env)))
    }

    /// The effective report of the highest epoch, if any. Errors: `PoolNotFound`.
    fn latest(env: Env, pool: Symbol) -> Option<EpochReport> {
        ttl::bump_instance(&env);
        pool_config(&env, &pool);
        latest_effective(&env, &pool)
    }

    /// The sustained hashrate shares may be minted against: the lowest hashrate of the last
    /// `capacity_epochs` consecutive effective epochs ending at the latest one; 0 when fewer
    /// exist, one of them is missing or still disputable, or the latest is more than
    /// `max_age_epochs` behind the current epoch. Hashrate rented for fewer epochs than the
    /// window never raises it. Errors: `PoolNotFound`.
    fn capacity(env: Env, pool: Symbol) -> i128 {
        ttl::bump_instance(&env);
        sustained_capacity(&env, &pool, &pool_config(&env, &pool))
    }

    /// The pool's current operator, who alone may mint its shares, and [`Self::capacity`], in
    /// one call for the share token's `mint`. Errors: `PoolNotFound`.
    fn minter_capacity(env: Env, pool: Symbol) -> (Address, i128) {
        ttl::bump_instance(&env);
        let config = pool_config(&env, &pool);
        let capacity = sustained_capacity(&env, &pool, &config);
        (config.operator, capacity)
    }

    /// Binds `pool` to the share token selling its hashrate; at most one, ever, so the same
    /// attested hashrate can never back two offerings (a new term is a new pool id).
    ///
    /// # Auth
    /// `token` (a share token binds itself from its constructor) and the pool's operator, so
    /// nobody can attach an offering to a miner's pool without the miner.
    /// # Errors
    /// `PoolNotFound`, `PoolAlreadyBound`, `OperatorMismatch` (the token would be minted by
    /// someone other than the pool's operator).
    /// # Returns
    /// The pool's immutable schedule `(genesis, epoch_seconds)`.
    /// # Events
    /// `token_bound`.
    fn bind_token(env: Env, pool: Symbol, token: Address, operator: Address) -> (u64, u64) {
        token.require_auth();
        ttl::bump_instance(&env);
        let config = pool_config(&env, &pool);
        if config.operator != operator {
            panic_with_error!(&env, OracleError::OperatorMismatch);
        }
        config.operator.require_auth();
        if storage::token(&env, &pool).is_some() {
            panic_with_error!(&env, OracleError::PoolAlreadyBound);
        }
        storage::set_token(&env, &pool, &token);
        TokenBound { pool, token }.publish(&env);
        (config.genesis, config.epoch_seconds)
    }

    /// The pool's consumer, if any. Errors: `PoolNotFound`.
    fn token(env: Env, pool: Symbol) -> Option<Address> {
        ttl::bump_instance(&env);
        pool_config(&env, &pool);
        storage::token(&env, &pool)
    }

    /// # Auth
    /// The admin.
    /// # Events
    /// `registrar_set`.
    fn set_registrar(env: Env, registrar: Address, allowed: bool) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        storage::set_registrar(&env, &registrar, allowed);
        RegistrarSet { registrar, allowed }.publish(&env);
    }

    fn is_registrar(env: Env, registrar: Address) -> bool {
        storage::is_registrar(&env, &registrar)
    }

    /// # Auth
    /// `registrar`, allowed by the admin.
    /// # Errors
    /// `NotRegistrar`, `InvalidConfig`.
    /// # Returns
    /// The new pool's id, `reg_<n>`: the oracle's own numbering, so no registrar can take
    /// another's name, nor anyone block a registrar by taking the next one.
    /// # Events
    /// `pool_registered`, `token_bound` (the registrar as the pool's consumer).
    fn register_pool_by(env: Env, registrar: Address, config: PoolConfig) -> Symbol {
        registrar.require_auth();
        ttl::bump_instance(&env);
        if !storage::is_registrar(&env, &registrar) {
            panic_with_error!(&env, OracleError::NotRegistrar);
        }
        let mut n = storage::registered(&env);
        let mut pool = registered_id(&env, n);
        while storage::pool(&env, &pool).is_some() {
            n += 1;
            pool = registered_id(&env, n);
        }
        storage::set_registered(&env, n + 1);
        register(&env, &pool, &config);
        storage::set_token(&env, &pool, &registrar);
        TokenBound {
            pool: pool.clone(),
            token: registrar,
        }
        .publish(&env);
        pool
    }

    fn admin(env: Env) -> Address {
        ttl::bump_instance(&env);
        admin::admin(&env)
    }

    /// Proposes `new_admin`; it becomes admin when it calls `accept_admin`. Auth: the admin.
    fn propose_admin(env: Env, new_admin: Address) {
        ttl::bump_instance(&env);
        admin::propose(&env, &new_admin);
    }

    /// Completes an admin transfer. Auth: the proposed admin. Errors: `NoPendingAdmin`.
    fn accept_admin(env: Env) {
        ttl::bump_instance(&env);
        if !admin::accept(&env) {
            panic_with_error!(&env, OracleError::NoPendingAdmin);
        }
    }

    /// Replaces the contract's WASM, keeping all pools and reports. Auth: the admin.
    fn upgrade(env: Env, wasm_hash: BytesN<32>) {
        ttl::bump_instance(&env);
        admin::upgrade(&env, &wasm_hash);
    }
}

/// The id of the `n`-th pool registered by a registrar: `reg_<n>`.
fn registered_id(env: &Env, n: u64) -> Symbol {
    let mut text = *b"reg_00000000000000000000";
    let mut digits = [0u8; 20];
    let (mut rest, mut len) = (n, 0);
    loop {
        digits[len] = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for i in 0..len {
        text[4 + i] = digits[len - 1 - i];
    }
    Symbol::new(
        env,
        core::str::from_utf8(&text[..4 + len]).unwrap_or("reg_"),
    )
}

/// A new pool, checked.
fn register(env: &Env, pool: &Symbol, config: &PoolConfig) {
    validate(env, config);
    if storage::pool(env, pool).is_some() {
        panic_with_error!(env, OracleError::PoolExists);
    }
    storage::set_pool(env, pool, config);
    PoolRegistered {
        pool: pool.clone(),
        operator: config.operator.clone(),
    }
    .publish(env);
}

fn now(env: &Env) -> u64 {
    env.ledger().timestamp()
}

fn pool_config(env: &Env, pool: &Symbol) -> PoolConfig {
    storage::pool(env, pool).unwrap_or_else(|| panic_with_error!(env, OracleError::PoolNotFound))
}

/// Refuses a submission or finalization of an epoch that has not ended or is finalized.
fn check_open(env: &Env, pool: &Symbol, config: &PoolConfig, epoch: u64, now: u64) {
    if !schedule::has_ended(config.genesis, config.epoch_seconds, epoch, now) {
        panic_with_error!(env, OracleError::EpochNotEnded);
    }
    if storage::has_report(env, pool, epoch) {
        panic_with_error!(env, OracleError::EpochFinalized);
    }
}

/// The submissions of reporters still listed: one removed by `update_pool` stops counting.
fn listed(config: &PoolConfig, submissions: &Vec<storage::Submission>) -> Vec<storage::Submission> {
    let mut listed = Vec::new(submissions.env());
    for submission in submissions.iter() {
        if config.reporters.contains(&submission.0) {
            listed.push_back(submission);
        }
    }
    listed
}

fn is_effective(config: &PoolConfig, report: &EpochReport, now: u64) -> bool {
    report.finalized_at.saturating_add(config.dispute_seconds) <= now
}

fn latest_effective(env: &Env, pool: &Symbol) -> Option<EpochReport> {
    let epoch = storage::head(env, pool).latest_effective(now(env))?;
    storage::report(env, pool, epoch)
}

/// See [`PoolOracle::capacity`].
fn sustained_capacity(env: &Env, pool: &Symbol, config: &PoolConfig) -> i128 {
    let now = now(env);
    let current = schedule::current_epoch(config.genesis, config.epoch_seconds, now);
    match storage::head(env, pool).sustained(now, config.capacity_epochs) {
        Some((latest, hashrate)) if !schedule::is_stale(latest, current, config.max_age_epochs) => {
            hashrate
        }
        _ => 0,
    }
}

/// Finalizes `epoch` with the lower median of each field of `submissions` (a quorum): stores
/// the report, tracks it in the pool head until it is effective, drops the submissions.
fn finalize(
    env: &Env,
    pool: &Symbol,
    config: &PoolConfig,
    epoch: u64,
    submissions: &Vec<storage::Submission>,
    now: u64,
) {
    let mut hashrates = [0i128; MAX_REPORTERS as usize];
    let mut rewards = [0i128; MAX_REPORTERS as usize];
    let mut n = 0;
    for (_, hashrate, reward) in submissions.iter().take(MAX_REPORTERS as usize) {
        hashrates[n] = hashrate;
        rewards[n] = reward;
        n += 1;
    }
    let report = EpochReport {
        epoch,
        hashrate: lower_median(&hashrates[..n]),
        reward: lower_median(&rewards[..n]),
        submissions: n as u32,
        finalized_at: now,
    };
    let mut head = storage::head(env, pool);
    head.settle(now, config.capacity_epochs);
    let effective_at = now.saturating_add(config.dispute_seconds);
    if !head.add(now, (epoch, report.hashrate, effective_at)) {
        panic_with_error!(env, OracleError::TooManyPending);
    }
    storage::set_head(env, pool, &head);
    storage::set_report(env, pool, &report);
    storage::remove_submissions(env, pool, epoch);
    Finalized {
        pool: pool.clone(),
        epoch,
        hashrate: report.hashrate,
        reward: report.reward,
        submissions: report.submissions,
    }
    .publish(env);
}

/// The upgrade tests' "next version": everything above plus this function.
#[cfg(feature = "next-version")]
#[contractimpl]
impl PoolOracleContract {
    pub fn version(_env: Env) -> u32 {
        2
    }
}
