use soroban_sdk::contracterror;

/// payout-distributor errors, codes 300–399.
#[contracterror]
#[derive(Copy, Clone, Debug, Eq, PartialEq, PartialOrd, Ord)]
#[repr(u32)]
pub enum DistributorError {
    /// A deposit must be positive.
    InvalidAmount = 300,
    /// A deposit towards an epoch that owes nothing more (fully paid, or nothing sold).
    NothingOwed = 301,
    /// The oracle has no effective report for the epoch (none, not finalized, or still inside
    /// its dispute window), and its staleness deadline has not passed.
    ReportNotEffective = 302,
    /// The epoch starts at or after the share token's maturity: the shares do not cover it.
    EpochAfterMaturity = 303,
    /// The fee is above `MAX_FEE_BPS` (20%).
    InvalidFee = 304,
    /// Deposits and claims are paused.
    Paused = 305,
    /// `accept_admin` with no admin transfer proposed.
    NoPendingAdmin = 306,
    /// Arithmetic beyond what any real asset can hold.
    Overflow = 307,
    /// The instance lacks its configuration (never set by the constructor: a broken instance).
    InvalidConfig = 308,
    /// Funds may not be sent to the distributor itself (they would be indistinguishable from
    /// the holders' and stuck): `claim_to` or a fee recipient naming it.
    InvalidRecipient = 309,
    /// `record` of an epoch that ended before this distributor was deployed: no share existed.
    EpochBeforeOffering = 310,
    /// `record` (or `deposit`) of an epoch while an earlier one is not recorded: epochs are
    /// recorded in order (`next_epoch` names the next).
    EarlierEpochOpen = 311,
    /// A mint's top-up could not be taken: the minter's reward-asset allowance to this
    /// contract (or its balance) is too small.
    TopUpNotApproved = 312,
    /// A deposit for an epoch when no share is held: nobody can receive its payout.
    NoHolders = 313,
}
