//! Events of the share token beyond SEP-41's (those come from `soroban_token_sdk::events`).
use soroban_sdk::{contractevent, Address};

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct DistributorSet {
    pub distributor: Address,
}

/// `amount` joined the stream that pays out until `end`.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RewardNotified {
    pub amount: i128,
    pub end: u64,
}

/// The distributor took a holder's accrued rewards to pay them out.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RewardsTaken {
    #[topic]
    pub holder: Address,
    pub amount: i128,
}
