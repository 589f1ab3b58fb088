//! Events of the market. Admin and upgrade events come from `hashshare_common`.
use soroban_sdk::{contractevent, Address, Symbol};

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct OfferPosted {
    #[topic]
    pub offer_id: u64,
    #[topic]
    pub provider: Address,
    pub pool: Symbol,
    pub version: u32,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct OfferWithdrawn {
    #[topic]
    pub offer_id: u64,
}

/// A lease began: `price` escrowed for `epochs` epochs of `hashrate` from `first_epoch`,
/// delivered to `delivery_pool`.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Leased {
    #[topic]
    pub lease_id: u64,
    #[topic]
    pub renter: Address,
    pub offer_id: u64,
    pub version: u32,
    pub hashrate: i128,
    pub first_epoch: u64,
    pub epochs: u32,
    pub price: i128,
    pub delivery_pool: Symbol,
}

/// One epoch of a lease settled: `delivered` H/s attested (0 when no report came by its
/// deadline), `paid` to the provider (its `fee` included), `refunded` to the renter.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EpochSettled {
    #[topic]
    pub lease_id: u64,
    #[topic]
    pub epoch: u64,
    pub delivered: i128,
    pub reported: bool,
    pub paid: i128,
    pub fee: i128,
    pub refunded: i128,
}

/// The renter closed the lease after repeated under-delivery: `refunded` for the epochs cut.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct LeaseClosed {
    #[topic]
    pub lease_id: u64,
    pub epochs: u32,
    pub refunded: i128,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct FeesWithdrawn {
    #[topic]
    pub recipient: Address,
    pub amount: i128,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct FeeRecipientSet {
    #[topic]
    pub recipient: Address,
}

/// `amount` kept for `account` (it could not receive it when due) paid to it.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Collected {
    #[topic]
    pub account: Address,
    pub amount: i128,
}
