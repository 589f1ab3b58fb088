//! hashrate-lease: computing-power lending. A provider (the operator of a pool on the oracle)
//! offers hashrate by the epoch; a renter escrows the price of its epochs; each lease gets its
//! own delivery pool on the oracle, attested by the offer's validators, and every ended epoch
//! pays the provider only for the hashrate delivered, the rest going back to the renter.
#![no_std]

mod contract;
mod errors;
mod events;
mod interface;
mod settlement;
mod storage;

pub use contract::{HashrateLeaseContract, HashrateLeaseContractClient};
pub use errors::LeaseError;
pub use interface::{HashrateLease, HashrateLeaseClient, Lease, LeaseBooks, Offer};
pub use settlement::{CLOSE_AFTER_SHORT, CLOSE_BELOW_BPS, MAX_SETTLE};

#[cfg(test)]
mod test;
