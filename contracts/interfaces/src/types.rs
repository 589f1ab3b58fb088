use soroban_sdk::{contracttype, Address, Vec};

/// How one mining pool is attested.
///
/// Epoch `e` covers `[genesis + e * epoch_seconds, genesis + (e + 1) * epoch_seconds)`.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PoolConfig {
    /// The miner whose hashrate this pool attests (informational for the oracle).
    pub operator: Address,
    /// Who may submit, at most [`crate::MAX_REPORTERS`], no duplicates.
    pub reporters: Vec<Address>,
    /// Submissions needed to finalize an epoch, `1..=reporters.len()`.
    pub quorum: u32,
    pub epoch_seconds: u64,
    pub genesis: u64,
    /// How long after finalization the admin may still dispute a report.
    pub dispute_seconds: u64,
    /// How many epochs behind the current one the latest effective report may be and still
    /// count for `capacity`.
    pub max_age_epochs: u64,
}

/// A finalized epoch: the medians of the submissions that reached quorum.
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
    /// Fixed at the first `record`: the reward attributable to the hashrate sold.
    pub owed: i128,
    /// Deposited so far, fees included (`paid <= owed`).
    pub paid: i128,
    /// Fees taken out of `paid`.
    pub fee: i128,
}
