//! share-token: SEP-41 shares of a miner's hashrate. Minting is capped by the hashrate the
//! pool-oracle attests; every holder's share of the mining rewards is accounted in the same
//! entry as its balance, so transfers stay as cheap as a plain token's.
#![no_std]

mod accounting;
mod contract;
mod errors;
mod events;
mod rewards;
mod storage;
mod supply;

pub use contract::{ShareTokenContract, ShareTokenContractClient};
pub use errors::ShareTokenError;
pub use events::{DistributorSet, RewardNotified, RewardsTaken};
pub use rewards::SCALE;

#[cfg(test)]
mod test;
