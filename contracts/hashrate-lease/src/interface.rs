//! hashrate-lease's public face: its types and a `#[contractclient]` trait (in this crate, as
//! no other contract calls the market).
use soroban_sdk::{contractclient, contracttype, Address, BytesN, Env, Symbol, Vec};

/// A provider's standing offer of hashrate from one pool.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Offer {
    /// The pool's operator, who is paid.
    pub provider: Address,
    /// The source pool on the oracle: its sustained capacity bounds what is leased of it.
    pub pool: Symbol,
    /// The most hashrate one lease may take (H/s).
    pub hashrate: i128,
    /// The price of 1 TH/s for one epoch, in base units of the payment asset.
    pub price_per_th_epoch: i128,
    pub min_epochs: u32,
    pub max_epochs: u32,
    /// Who attests each lease's delivery (the lease's delivery pool's reporters), and how many
    /// must agree: an honest majority.
    pub validators: Vec<Address>,
    pub quorum: u32,
    /// Set by the market: 1 when posted, one more at each update. A renter names the version it
    /// saw, so terms cannot change under it.
    pub version: u32,
}

/// One lease: hashrate for `epochs` epochs from `first_epoch`, paid epoch by epoch for what
/// was delivered.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Lease {
    pub offer_id: u64,
    pub renter: Address,
    pub hashrate: i128,
    pub first_epoch: u64,
    pub epochs: u32,
    /// What one epoch costs (escrowed up front): the offer's price for this hashrate.
    pub price_per_epoch: i128,
    /// Epochs settled so far, in order from `first_epoch`.
    pub settled_epochs: u32,
    /// Paid to the provider so far (its part of delivered epochs, the market's fee included).
    pub paid: i128,
    /// Refunded to the renter so far (undelivered parts, and epochs cut by a close).
    pub refunded: i128,
    pub closed: bool,
    /// The provider and the pools, copied at the rent: the terms the lease runs on.
    pub provider: Address,
    pub pool: Symbol,
    /// The lease's own pool on the oracle, whose reports are its delivery.
    pub delivery_pool: Symbol,
    /// The market's fee out of `paid`.
    pub fees: i128,
    /// Consecutive settled epochs (latest first) delivered below the close threshold.
    pub short_streak: u32,
}

/// Escrow conservation: `escrowed == paid + refunded + held`, where `paid` includes the fees
/// and `held` is the market's balance of the payment asset less fees not yet withdrawn and
/// amounts kept for accounts that could not receive them.
#[contracttype]
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct LeaseBooks {
    pub escrowed: i128,
    pub paid: i128,
    pub refunded: i128,
    pub fees: i128,
    pub fees_withdrawn: i128,
}

#[contractclient(name = "HashrateLeaseClient")]
pub trait HashrateLease {
    /// Posts an offer (its `version` is set to 1) and binds the pool to the market if it is
    /// not yet. Auth: `provider`, the pool's operator.
    fn post_offer(env: Env, provider: Address, offer: Offer) -> u64;
    /// New terms (same provider and pool); the version goes up. Running leases keep theirs.
    fn update_offer(env: Env, offer_id: u64, offer: Offer);
    /// Takes an offer down; running leases continue.
    fn withdraw_offer(env: Env, offer_id: u64);
    fn get_offer(env: Env, offer_id: u64) -> Option<Offer>;
    /// Rents `hashrate` for `epochs` from the next epoch on, escrowing the price (at most
    /// `max_price`) of the offer's `version`. Returns the lease's id.
    fn rent(
        env: Env,
        renter: Address,
        offer_id: u64,
        hashrate: i128,
        epochs: u32,
        max_price: i128,
        version: u32,
    ) -> u64;
    fn get_lease(env: Env, lease_id: u64) -> Option<Lease>;
    /// Settles the lease's ended epochs in order (anyone may; at most `MAX_SETTLE` a call):
    /// `(paid to the provider, refunded to the renter)` by this call.
    fn settle(env: Env, lease_id: u64) -> (i128, i128);
    /// Ends a lease after repeated under-delivery, refunding every epoch not yet begun.
    /// Auth: the renter.
    fn close(env: Env, lease_id: u64);
    /// `(epochs delivered in full, epochs short)` over the provider's settled epochs.
    fn provider_record(env: Env, provider: Address) -> (u32, u32);
    /// `(paid, priced)` over the provider's settled epochs: its record weighted by value, which
    /// a dust lease (or a self-lease) hardly moves.
    fn provider_delivery(env: Env, provider: Address) -> (i128, i128);
    /// The hashrate of the pool's leases not yet settled to their end nor closed.
    fn committed(env: Env, pool: Symbol) -> i128;
    fn books(env: Env) -> LeaseBooks;
    /// Amounts kept for `account` because it could not receive them when they were due.
    fn unpaid(env: Env, account: Address) -> i128;
    /// Pays `account` what is kept for it. Auth: `account`.
    fn collect(env: Env, account: Address) -> i128;
    /// Pays the accrued fees to the fee recipient. Auth: the fee recipient.
    fn withdraw_fees(env: Env) -> i128;
    fn fee_bps(env: Env) -> u32;
    fn fee_recipient(env: Env) -> Address;
    /// Auth: the admin.
    fn set_fee_recipient(env: Env, recipient: Address);

    fn admin(env: Env) -> Address;
    fn propose_admin(env: Env, new_admin: Address);
    fn accept_admin(env: Env);
    fn upgrade(env: Env, wasm_hash: BytesN<32>);
}
