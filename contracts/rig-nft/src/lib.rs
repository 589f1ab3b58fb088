//! rig-nft: computing-power NFTs. A certificate locks shares of one offering in this vault, so
//! it stands for a fixed hashrate and earns exactly what those shares earn: the vault is an
//! ordinary holder of the share token, claims from the distributor like any investor, and
//! keeps one reward position per certificate. SEP-50 for ownership and approvals; ERC-4907's
//! user role and a small rental market for the rewards of a period.
#![no_std]

mod contract;
mod errors;
mod events;
mod interface;
mod metadata;
mod position;
mod storage;

pub use contract::{RigNftContract, RigNftContractClient};
pub use errors::RigNftError;
pub use interface::{RentalListing, Rig, RigCertificate, RigNft, RigNftClient};
pub use position::SCALE;

#[cfg(test)]
mod test;
