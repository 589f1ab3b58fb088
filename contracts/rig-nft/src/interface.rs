//! rig-nft's public face: its types and a `#[contractclient]` trait. They live in this crate,
//! not in `hashshare-interfaces`, because no other contract calls the vault: a `#[contracttype]`
//! there would be written into every contract's spec.
use soroban_sdk::{contractclient, contracttype, Address, BytesN, Env, String};

/// The rig a certificate stands for, as its owner describes it (shown in `token_uri`).
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Rig {
    pub model: String,
    /// Efficiency, joules per terahash.
    pub joules_per_th: u32,
    pub serial: String,
    pub location: String,
}

/// What one certificate holds: its rig, the shares it locks and the hashrate they stand for.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RigCertificate {
    pub rig: Rig,
    pub shares: i128,
    /// H/s: `shares × hashrate_per_share / 10^7`.
    pub hashrate: i128,
}

/// A certificate's offer for rent: what an epoch costs (reward asset) and the most epochs.
#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RentalListing {
    pub price_per_epoch: i128,
    pub max_epochs: u32,
}

/// rig-nft: SEP-50 computing-power NFTs that lock shares of one offering and earn what those
/// shares earn (the SEP-50 functions are declared here too, as the contract exports them).
#[contractclient(name = "RigNftClient")]
pub trait RigNft {
    fn balance(env: Env, owner: Address) -> u32;
    fn owner_of(env: Env, token_id: u32) -> Address;
    fn transfer(env: Env, from: Address, to: Address, token_id: u32);
    fn transfer_from(env: Env, spender: Address, from: Address, to: Address, token_id: u32);
    fn approve(
        env: Env,
        approver: Address,
        approved: Address,
        token_id: u32,
        live_until_ledger: u32,
    );
    fn approve_for_all(env: Env, owner: Address, operator: Address, live_until_ledger: u32);
    fn get_approved(env: Env, token_id: u32) -> Option<Address>;
    fn is_approved_for_all(env: Env, owner: Address, operator: Address) -> bool;
    fn name(env: Env) -> String;
    fn symbol(env: Env) -> String;
    fn token_uri(env: Env, token_id: u32) -> String;

    /// Moves `shares` from `owner` into the vault and mints a certificate for them.
    fn wrap(env: Env, owner: Address, shares: i128, rig: Rig) -> u32;
    /// Locks more shares in a certificate (its owner's): the rig's upgrade.
    fn add_shares(env: Env, token_id: u32, shares: i128);
    /// Burns a certificate and gives its shares back, paying what it earned; not while rented.
    fn unwrap(env: Env, token_id: u32) -> i128;
    fn rig(env: Env, token_id: u32) -> RigCertificate;
    /// `(owner's, user's)` rewards earned and not yet paid.
    fn accrued(env: Env, token_id: u32) -> (i128, i128);
    /// Pays the owner and the user their parts (anyone may call).
    fn claim(env: Env, token_id: u32) -> (i128, i128);
    /// ERC-4907: the rewards go to `user` until `expires` (unix seconds). Owner only, not
    /// during a paid rental.
    fn set_user(env: Env, token_id: u32, user: Address, expires: u64);
    fn user_of(env: Env, token_id: u32) -> Option<Address>;
    /// ERC-4907: until when the user's period runs (unix seconds; 0 with no user).
    fn user_expires(env: Env, token_id: u32) -> u64;
    /// The certificate's offer for rent, if it is listed.
    fn listing(env: Env, token_id: u32) -> Option<RentalListing>;
    /// Offers the certificate for rent at `price_per_epoch` (reward asset), up to `max_epochs`.
    fn list_rental(env: Env, token_id: u32, price_per_epoch: i128, max_epochs: u32);
    fn unlist_rental(env: Env, token_id: u32);
    /// Rents a listed certificate for `epochs`, paying the owner at most `max_price`.
    fn rent(env: Env, renter: Address, token_id: u32, epochs: u32, max_price: i128);
    /// Rewards `account` could not receive when they were paid, kept for it.
    fn unpaid(env: Env, account: Address) -> i128;
    /// Pays `account` its unpaid rewards.
    fn collect(env: Env, account: Address) -> i128;

    fn admin(env: Env) -> Address;
    fn propose_admin(env: Env, new_admin: Address);
    fn accept_admin(env: Env);
    fn upgrade(env: Env, wasm_hash: BytesN<32>);
}
