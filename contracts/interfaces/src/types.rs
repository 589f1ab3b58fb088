use soroban_sdk::{contracttype, Address, Vec};

/// How one mining pool is attested.
///
/// Epoch `e` covers `[genesis + e * epoch_seconds, genesis + (e + 1) * epoch_seconds)`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PoolConfig {
    /// The miner whose hashrate this pool attests: the only one who may mint the pool's shares.
    pub operator: Address,
    /// Who may submit, at most [`crate::MAX_REPORTERS`], no duplicates.
    pub reporters: Vec<Address>,
    /// The fewest submissions `finalize` may close a round with, once its window has passed:
    /// an honest majority (more than half the reporters, and at least 3 of 3 or more). A
    /// submission from every reporter closes the round at once.
    pub quorum: u32,
    pub epoch_seconds: u64,
    pub genesis: u64,
    /// How long after finalization the admin may still dispute a report.
    pub dispute_seconds: u64,
    /// How many epochs behind the current one the latest effective report may be and still
    /// count for `capacity`.
    pub max_age_epochs: u64,
    /// The sustained-capacity window, 1–30 epochs (7 by default in the tools): `capacity` is
    /// the lowest hashrate of this many consecutive effective epochs ending at the latest, so
    /// hashrate rented for fewer epochs never raises the mint cap.
    pub capacity_epochs: u32,
}

/// A finalized epoch: the medians of its round's submissions.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EpochReport {
    pub epoch: u64,
    /// Average hashrate delivered over the epoch, in H/s.
    pub hashrate: i128,
    /// Net reward earned over the epoch, in base units of the reward asset.
    pub reward: i128,
    pub submissions: u32,
    pub finalized_at: u64,
}

/// What one epoch owes the share holders, and how much of it has been paid.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EpochPayout {
    /// The reward attributable to the hashrate sold during the epoch:
    /// `reward * min(sold, hashrate) / hashrate`, fixed when the epoch is recorded.
    pub owed: i128,
    /// The part of `owed` paid so far (`paid <= owed`).
    pub paid: i128,
    /// Paid on top of `paid` for shares created during or after the epoch, so that they take
    /// nothing from the holders the epoch's payout was sized for.
    pub topup: i128,
    /// The fee kept out of `paid + topup`.
    pub fee: i128,
    /// The share supply integrated over the epoch (base units × seconds): `sold` is its
    /// time-weighted hashrate.
    pub supply_seconds: i128,
    /// Whether the epoch had an effective report when recorded. An epoch closed without one
    /// (past its staleness deadline) owes 0 until a late report is recorded.
    pub reported: bool,
}

/// The distributor's books since deployment. With its reward-asset balance they close:
/// `claimed == deposited - fees_withdrawn - balance`, and what it holds for holders is
/// `balance - (fees - fees_withdrawn)`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Books {
    /// Everything received: deposits (debt and top-ups) and mint top-ups.
    pub deposited: i128,
    /// The part of `deposited` paid for dilution: deposit and mint top-ups.
    pub topups: i128,
    /// Fees accrued.
    pub fees: i128,
    /// Fees the fee recipient withdrew.
    pub fees_withdrawn: i128,
}
