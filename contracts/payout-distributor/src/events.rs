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

/// `epoch` was closed without an effective report, past its staleness deadline: it owes 0
/// unless a late report is recorded.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Missed {
    #[topic]
    pub epoch: u64,
    pub supply_seconds: i128,
}

/// `from` paid `amount` for `epoch`: `paid` of its debt and `topup` for shares created since
/// the epoch; `fee` of `amount` is kept for the fee recipient, the rest streams to holders.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Deposited {
    #[topic]
    pub epoch: u64,
    #[topic]
    pub from: Address,
    pub amount: i128,
    pub paid: i128,
    pub topup: i128,
    pub fee: i128,
}

/// A mint by `from` paid `amount` for the running streams, so they keep their per-share
/// rates: `amount - fee` into the streams, `fee` accrued.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct TopUpCollected {
    #[topic]
    pub from: Address,
    pub amount: i128,
    pub fee: i128,
}

/// The fee recipient withdrew `amount` of accrued fees.
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
    pub recipient: Address,
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
