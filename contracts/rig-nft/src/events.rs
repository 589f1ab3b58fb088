//! Events. SEP-50's in the shapes OpenZeppelin's stellar-contracts publish (the SEP's own text
//! gives two shapes for `approve`; wallets and indexers follow the implementation): `transfer`
//! (from, to; token_id), `mint` (to; token_id), `approve` (approver, token_id; approved,
//! live_until_ledger), `approve_for_all` (owner; operator, live_until_ledger). `burn` (from;
//! token_id) when a certificate is unwrapped. ERC-4907's `update_user`, and the vault's own.
use soroban_sdk::{contractevent, Address};

#[contractevent(data_format = "single-value")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Transfer {
    #[topic]
    pub from: Address,
    #[topic]
    pub to: Address,
    pub token_id: u32,
}

#[contractevent(data_format = "single-value")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Mint {
    #[topic]
    pub to: Address,
    pub token_id: u32,
}

#[contractevent(data_format = "single-value")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Burn {
    #[topic]
    pub from: Address,
    pub token_id: u32,
}

#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Approve {
    #[topic]
    pub approver: Address,
    #[topic]
    pub token_id: u32,
    pub approved: Address,
    pub live_until_ledger: u32,
}

#[contractevent(data_format = "vec")]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ApproveForAll {
    #[topic]
    pub owner: Address,
    pub operator: Address,
    pub live_until_ledger: u32,
}

/// ERC-4907: `user` receives the certificate's rewards until `expires`; `None` and 0 when a
/// transfer ends an owner-set user (ERC-4907's `UpdateUser(id, address(0), 0)`).
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct UpdateUser {
    #[topic]
    pub token_id: u32,
    pub user: Option<Address>,
    pub expires: u64,
}

/// Shares locked in a certificate (at a wrap or an add).
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct SharesLocked {
    #[topic]
    pub token_id: u32,
    pub shares: i128,
    pub total: i128,
}

/// A certificate's rewards paid: `owner_paid` to its owner, `user_paid` to its user.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RewardsPaid {
    #[topic]
    pub token_id: u32,
    pub owner_paid: i128,
    pub user_paid: i128,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RentalListed {
    #[topic]
    pub token_id: u32,
    pub price_per_epoch: i128,
    pub max_epochs: u32,
}

/// A rental offer taken down by its owner, or ended by a transfer of the certificate.
#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RentalUnlisted {
    #[topic]
    pub token_id: u32,
}

#[contractevent]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Rented {
    #[topic]
    pub token_id: u32,
    pub renter: Address,
    pub epochs: u32,
    pub price: i128,
    pub expires: u64,
}
