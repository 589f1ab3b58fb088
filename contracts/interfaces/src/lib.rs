//! The public face of the hashshare suite: the `#[contracttype]`s that cross contract
//! boundaries and one `#[contractclient]` trait per contract.
//!
//! Contracts never depend on each other's crates (their WASM exports would collide); they call
//! each other through the clients generated here, and each contract implements its trait, so a
//! signature drift between a contract and its callers is a compile error.
#![no_std]

mod distributor;
mod oracle;
mod share_token;
mod types;

pub use distributor::{PayoutDistributor, PayoutDistributorClient};
pub use oracle::{PoolOracle, PoolOracleClient};
pub use share_token::{ShareToken, ShareTokenClient};
pub use types::{Books, EpochPayout, EpochReport, PoolConfig};

/// Base units in one whole share token (7 decimals, the Stellar convention).
pub const SHARE_UNIT: i128 = 10_000_000;

/// The most reporters one pool may list: it bounds every per-epoch entry and the median sort.
pub const MAX_REPORTERS: u32 = 16;

/// The longest sustained-capacity window a pool may ask for, in epochs.
pub const MAX_CAPACITY_EPOCHS: u32 = 30;
