//! payout-distributor: holds the reward asset for one offering. It fixes what each epoch owes
//! the share holders from the oracle's effective report, takes the operator's deposits
//! (minus a bounded fee) and streams them to holders through the share token, tracks the
//! arrears, and pays each holder's claim in one constant-cost call.
#![no_std]

mod contract;
mod errors;
mod events;
mod payout;
mod storage;

pub use contract::{PayoutDistributorContract, PayoutDistributorContractClient};
pub use errors::DistributorError;
pub use events::{
    Claimed, Deposited, FeeRecipientSet, FeeSet, FeesWithdrawn, Missed, Recorded, TopUpCollected,
};
pub use payout::{BPS_DENOMINATOR, MAX_FEE_BPS};

#[cfg(test)]
mod test;
