use soroban_sdk::contracterror;

/// pool-oracle errors, codes 100–199.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum OracleError {
    /// `register_pool` with an id already in use.
    PoolExists = 100,
    /// No pool with that id.
    PoolNotFound = 101,
    /// Reporters empty, over 16 or duplicated; a quorum that is not an honest majority (more
    /// than half the reporters, and at least 3 of 3 or more); zero epoch length; a dispute
    /// window of 16 epochs or more, or one that leaves a report stale when it becomes effective
    /// (submitted within an epoch of its epoch's end, finalized a window later, effective a
    /// window after that); `capacity_epochs` outside 1–30.
    InvalidConfig = 102,
    /// The submitter is not in the pool's reporter set.
    NotReporter = 103,
    /// The epoch has not ended yet.
    EpochNotEnded = 104,
    /// This reporter already submitted for this epoch.
    AlreadySubmitted = 105,
    /// Hashrate and reward must be >= 0.
    NegativeValue = 106,
    /// The epoch is finalized; its report is immutable.
    EpochFinalized = 107,
    /// `dispute` of an epoch that has no finalized report.
    ReportNotFound = 108,
    /// `dispute` after the dispute window closed.
    DisputeWindowClosed = 109,
    /// `update_pool` may not change `genesis`, `epoch_seconds`, `dispute_seconds` or
    /// `capacity_epochs`: that would move epochs, make already-effective reports disputable
    /// again, or let a shorter window count rented hashrate.
    ScheduleImmutable = 110,
    /// More than `MAX_PENDING` reports of one pool are inside their dispute window.
    TooManyPending = 111,
    /// `accept_admin` with no admin transfer proposed.
    NoPendingAdmin = 112,
    /// The pool already has its consumer (a share token, or the lease market): its hashrate
    /// cannot be sold twice.
    PoolAlreadyBound = 113,
    /// `finalize` of an epoch whose listed reporters' submissions do not reach the quorum.
    QuorumNotReached = 114,
    /// `bind_token` for a share token whose minter is not the pool's operator.
    OperatorMismatch = 115,
    /// `finalize` before the epoch's round of submissions has been open for `dispute_seconds`
    /// (and not every reporter has submitted).
    SubmissionsOpen = 116,
    /// `register_pool_by` from an account the admin has not allowed to register pools.
    NotRegistrar = 117,
}
