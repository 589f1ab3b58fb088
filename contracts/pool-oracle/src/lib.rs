//! pool-oracle: reporters attest, per mining pool and per epoch, the hashrate delivered and the
//! net reward earned. Quorum of submissions → median → dispute window → effective report.
#![no_std]

mod aggregation;
mod contract;
mod errors;
mod events;
mod finality;
mod schedule;
mod storage;
mod validation;

pub use contract::{PoolOracleContract, PoolOracleContractClient};
pub use errors::OracleError;
pub use events::{Disputed, Finalized, PoolRegistered, PoolUpdated, Submitted, TokenBound};
pub use finality::MAX_PENDING;

#[cfg(test)]
mod test;
