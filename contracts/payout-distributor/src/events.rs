//! Events of the payout distributor. Admin, pause and upgrade events come from
//! `hashshare_common`.
use soroban_sdk::{contractevent, Address};

/// An epoch's debt was fixed: `owed` of the epoch's `reward`, for `sold` of its `hashrate`
/// (both H/s).
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Recorded {
    #[topic]
    pub epoch: u64,
    pub owed: i128,
    pub reward: i128,
    pub hashrate: i128,
    pub sold: i128,
}

/// `from` paid `amount` towards `epoch`'s debt; `fee` of it went to the fee recipient, the
/// rest is streaming to holders.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Deposited {
    #[topic]
    pub epoch: u64,
    #[topic]
    pub from: Address,
    pub amount: i128,
    pub fee: i128,
}

/// `holder`'s accrued rewards, `amount`, were paid to `to`.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Claimed {
    #[topic]
    pub holder: Address,
    pub to: Address,
    pub amount: i128,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct FeeSet {
    pub fee_bps: u32,
}
