use hashshare_common::{admin, math::mul_div_floor_i128, ttl};
use hashshare_interfaces::{PayoutDistributorClient, PoolOracleClient, ShareTokenClient};
use soroban_sdk::{
    contract, contractimpl, panic_with_error, token::TokenClient, Address, BytesN, Env, String,
};

use crate::{
    errors::RigNftError,
    events::{
        Approve, ApproveForAll, Burn, Mint, RentalListed, RentalUnlisted, Rented, RewardsPaid,
        SharesLocked, Transfer, UpdateUser,
    },
    interface::{RentalListing, Rig, RigCertificate, RigNft},
    metadata,
    position::{self, Position},
    storage::{self, Approval, Certificate, Config, Metadata},
};

#[contract]
pub struct RigNftContract;

#[contractimpl]
impl RigNftContract {
    /// Binds the vault to one offering: its share token and payout distributor (and, through
    /// them, the reward asset and the pool's epoch).
    pub fn __constructor(
        env: Env,
        admin: Address,
        share_token: Address,
        distributor: Address,
        name: String,
        symbol: String,
        base_uri: String,
    ) {
        admin::init(&env, &admin);
        let token = ShareTokenClient::new(&env, &share_token);
        let payouts = PayoutDistributorClient::new(&env, &distributor);
        if payouts.share_token() != share_token
            || !metadata::plain_text(&base_uri, 200)
            || !metadata::plain_text(&name, 64)
            || !metadata::plain_text(&symbol, 32)
        {
            panic_with_error!(&env, RigNftError::NotConfigured);
        }
        let pool = PoolOracleClient::new(&env, &token.oracle()).pool(&token.pool());
        storage::set_config(
            &env,
            &Config {
                share_token: share_token.clone(),
                distributor,
                reward_token: payouts.reward_token(),
                hashrate_per_share: token.hashrate_per_share(),
                genesis: pool.genesis,
                epoch_seconds: pool.epoch_seconds,
            },
        );
        storage::set_metadata(
            &env,
            &Metadata {
                name,
                symbol,
                base_uri,
            },
        );
        ttl::bump_instance(&env);
    }
}

/// An approval's ledger: 0 (revoke), or from now to the longest an entry may live.
fn check_live_until(env: &Env, live_until_ledger: u32) {
    let now = env.ledger().sequence();
    let last = now.saturating_add(env.storage().max_ttl());
    if live_until_ledger != 0 && !(now..=last).contains(&live_until_ledger) {
        panic_with_error!(env, RigNftError::InvalidLiveUntilLedger);
    }
}

/// Epochs `rent` records at most on the way (each a `record` of the distributor).
const MAX_RECORDS: u32 = 2;

/// A rental receives what streams to the certificate during its period. While the miner owes
/// holders for past epochs, the catch-up would stream into a rental begun now: the renter
/// would buy the owner's past rewards. So `rent` first records the ended epochs before the last
/// that can be recorded (at most `MAX_RECORDS`; anyone may record), and no rental starts while
/// anything recorded is unpaid, or while more recordable epochs wait.
fn books_up_to_date(env: &Env, config: &Config, now: u64) {
    let payouts = PayoutDistributorClient::new(env, &config.distributor);
    let current = now.saturating_sub(config.genesis) / config.epoch_seconds.max(1);
    let mut recorded = 0;
    loop {
        let next = payouts.next_epoch();
        if next.saturating_add(1) >= current {
            break;
        }
        // An epoch not yet recordable (its report not in, not yet stale) owes nothing known.
        if recorded == MAX_RECORDS || payouts.try_record(&next).is_err() {
            if recorded == MAX_RECORDS {
                panic_with_error!(env, RigNftError::InArrears);
            }
            break;
        }
        recorded += 1;
    }
    if payouts.arrears() > 0 {
        panic_with_error!(env, RigNftError::InArrears);
    }
}

/// Pulls what the vault's shares earned from the distributor and spreads it over them. While
/// the distributor is paused (its `claim` refused), what it holds for the vault is spread all
/// the same and counted as receivable, pulled once the pause ends: no change of the locked
/// shares ever takes a certificate's rewards, and certificates keep moving during a pause.
fn sync(env: &Env, config: &Config) -> storage::Vault {
    let mut vault = storage::vault(env);
    let payouts = PayoutDistributorClient::new(env, &config.distributor);
    let me = env.current_contract_address();
    let fresh = match payouts.try_claim(&me) {
        Ok(Ok(pulled)) => pulled - core::mem::take(&mut vault.receivable),
        _ => {
            let held = payouts.claimable(&me);
            held - core::mem::replace(&mut vault.receivable, held)
        }
    };
    position::spread(env, &mut vault, fresh);
    storage::set_vault(env, &vault);
    vault
}

/// Settles `c` against the vault's index now (after a `sync`).
fn settle(env: &Env, c: &mut Certificate, index: i128) {
    let user = c.user_until();
    position::settle(env, &mut c.position, index, env.ledger().timestamp(), user);
}

/// Sends `amount` of the reward asset to `to`; one who cannot receive it now (frozen, no
/// trustline) keeps it as unpaid, to `collect` later: one party never blocks the other. While
/// rewards are receivable (the distributor paused), every payment waits as unpaid: the vault's
/// balance backs others' unpaid rewards, never these.
fn send(env: &Env, config: &Config, vault: &storage::Vault, to: &Address, amount: i128) {
    if amount <= 0 {
        return;
    }
    let asset = TokenClient::new(env, &config.reward_token);
    let sent = vault.receivable == 0
        && matches!(
            asset.try_transfer(&env.current_contract_address(), to, &amount),
            Ok(Ok(()))
        );
    if !sent {
        let owed = storage::unpaid(env, to)
            .checked_add(amount)
            .unwrap_or_else(|| panic_with_error!(env, RigNftError::Overflow));
        storage::set_unpaid(env, to, owed);
    }
}

/// Pays `c`'s owed rewards to its owner and its user; `(owner's, user's)`.
fn pay(
    env: &Env,
    config: &Config,
    vault: &storage::Vault,
    token_id: u32,
    c: &mut Certificate,
) -> (i128, i128) {
    let (owner_paid, user_paid) = (c.position.owed_owner, c.position.owed_user);
    send(env, config, vault, &c.owner, owner_paid);
    if let Some(user) = &c.user {
        send(env, config, vault, user, user_paid);
    }
    c.position.owed_owner = 0;
    c.position.owed_user = 0;
    if owner_paid > 0 || user_paid > 0 {
        RewardsPaid {
            token_id,
            owner_paid,
            user_paid,
        }
        .publish(env);
    }
    (owner_paid, user_paid)
}

fn hashrate(env: &Env, config: &Config, shares: i128) -> i128 {
    mul_div_floor_i128(
        shares,
        config.hashrate_per_share,
        hashshare_interfaces::SHARE_UNIT,
    )
    .unwrap_or_else(|| panic_with_error!(env, RigNftError::Overflow))
}

/// Moves certificate `c` to `to`: the seller is paid what it earned; approvals and a listing
/// end; a paid rental stays (its user keeps the rewards of its period), a user the owner set
/// ends (as ERC-4907 clears it on a transfer to another owner).
fn move_certificate(env: &Env, mut c: Certificate, from: &Address, to: &Address, token_id: u32) {
    if c.owner != *from {
        panic_with_error!(env, RigNftError::IncorrectOwner);
    }
    let config = storage::config(env);
    let vault = sync(env, &config);
    settle(env, &mut c, vault.index);
    pay(env, &config, &vault, token_id, &mut c);
    let ends_user = from != to && !c.rented && c.user.is_some();
    if ends_user {
        c.user = None;
        c.expires = 0;
    }
    c.owner = to.clone();
    storage::set_certificate(env, token_id, &c);
    storage::set_approval(env, token_id, None);
    let listed = storage::listing(env, token_id).is_some();
    storage::set_listing(env, token_id, None);
    if from != to {
        storage::set_balance(env, from, storage::balance(env, from) - 1);
        storage::set_balance(env, to, storage::balance(env, to) + 1);
    }
    if ends_user {
        UpdateUser {
            token_id,
            user: None,
            expires: 0,
        }
        .publish(env);
    }
    if listed {
        RentalUnlisted { token_id }.publish(env);
    }
    Transfer {
        from: from.clone(),
        to: to.clone(),
        token_id,
    }
    .publish(env);
}

fn positive(env: &Env, amount: i128) {
    if amount <= 0 {
        panic_with_error!(env, RigNftError::InvalidAmount);
    }
}

#[contractimpl]
impl RigNft for RigNftContract {
    fn balance(env: Env, owner: Address) -> u32 {
        storage::balance(&env, &owner)
    }

    fn owner_of(env: Env, token_id: u32) -> Address {
        storage::certificate(&env, token_id).owner
    }

    /// SEP-50. Auth: `from`. Errors: `NonExistentToken`, `IncorrectOwner`.
    fn transfer(env: Env, from: Address, to: Address, token_id: u32) {
        from.require_auth();
        ttl::bump_instance(&env);
        let c = storage::certificate(&env, token_id);
        move_certificate(&env, c, &from, &to, token_id);
    }

    /// SEP-50. Auth: `spender`, approved for the certificate or an operator of `from`.
    fn transfer_from(env: Env, spender: Address, from: Address, to: Address, token_id: u32) {
        spender.require_auth();
        ttl::bump_instance(&env);
        let c = storage::certificate(&env, token_id);
        let approved = storage::approval(&env, token_id).is_some_and(|a| a.approved == spender);
        if spender != from && !approved && storage::operator_until(&env, &from, &spender) == 0 {
            panic_with_error!(&env, RigNftError::InsufficientApproval);
        }
        move_certificate(&env, c, &from, &to, token_id);
    }

    /// SEP-50: one approved account per certificate until `live_until_ledger` (0 revokes).
    /// Auth: `approver`, the owner or one of its operators.
    fn approve(
        env: Env,
        approver: Address,
        approved: Address,
        token_id: u32,
        live_until_ledger: u32,
    ) {
        approver.require_auth();
        ttl::bump_instance(&env);
        let owner = storage::certificate(&env, token_id).owner;
        if approver != owner && storage::operator_until(&env, &owner, &approver) == 0 {
            panic_with_error!(&env, RigNftError::InvalidApprover);
        }
        check_live_until(&env, live_until_ledger);
        if live_until_ledger == 0 {
            storage::set_approval(&env, token_id, None);
        } else {
            storage::set_approval(
                &env,
                token_id,
                Some(&Approval {
                    approved: approved.clone(),
                    live_until_ledger,
                }),
            );
        }
        Approve {
            approver,
            token_id,
            approved,
            live_until_ledger,
        }
        .publish(&env);
    }

    /// SEP-50: `operator` may transfer and approve every certificate of `owner` until
    /// `live_until_ledger` (0 revokes). Auth: `owner`.
    fn approve_for_all(env: Env, owner: Address, operator: Address, live_until_ledger: u32) {
        owner.require_auth();
        ttl::bump_instance(&env);
        check_live_until(&env, live_until_ledger);
        storage::set_operator(&env, &owner, &operator, live_until_ledger);
        ApproveForAll {
            owner,
            operator,
            live_until_ledger,
        }
        .publish(&env);
    }

    fn get_approved(env: Env, token_id: u32) -> Option<Address> {
        storage::certificate(&env, token_id);
        storage::approval(&env, token_id).map(|a| a.approved)
    }

    fn is_approved_for_all(env: Env, owner: Address, operator: Address) -> bool {
        storage::operator_until(&env, &owner, &operator) != 0
    }

    fn name(env: Env) -> String {
        storage::metadata(&env).name
    }

    fn symbol(env: Env) -> String {
        storage::metadata(&env).symbol
    }

    fn token_uri(env: Env, token_id: u32) -> String {
        let c = storage::certificate(&env, token_id);
        let config = storage::config(&env);
        let meta = storage::metadata(&env);
        metadata::token_uri(
            &env,
            &meta,
            token_id,
            &c.rig,
            c.position.shares,
            hashrate(&env, &config, c.position.shares),
            &config.share_token.to_string(),
        )
    }

    /// Auth: `owner` (its shares move into the vault). Errors: `InvalidAmount`, `InvalidRig`.
    /// Events: `mint`, `shares_locked`.
    fn wrap(env: Env, owner: Address, shares: i128, rig: Rig) -> u32 {
        owner.require_auth();
        ttl::bump_instance(&env);
        positive(&env, shares);
        metadata::check_rig(&env, &rig);
        let config = storage::config(&env);
        // What the locked shares earned so far is spread before new shares join them.
        let mut vault = sync(&env, &config);
        TokenClient::new(&env, &config.share_token).transfer(
            &owner,
            env.current_contract_address(),
            &shares,
        );
        let token_id = vault.next_id;
        vault.next_id = vault
            .next_id
            .checked_add(1)
            .unwrap_or_else(|| panic_with_error!(&env, RigNftError::Overflow));
        vault.locked = vault
            .locked
            .checked_add(shares)
            .unwrap_or_else(|| panic_with_error!(&env, RigNftError::Overflow));
        storage::set_vault(&env, &vault);
        storage::set_certificate(
            &env,
            token_id,
            &Certificate {
                owner: owner.clone(),
                rig,
                position: Position {
                    shares,
                    paid_index: vault.index,
                    settled_at: env.ledger().timestamp(),
                    owed_owner: 0,
                    owed_user: 0,
                    carry: 0,
                },
                user: None,
                expires: 0,
                rented: false,
            },
        );
        storage::set_balance(&env, &owner, storage::balance(&env, &owner) + 1);
        Mint {
            to: owner,
            token_id,
        }
        .publish(&env);
        SharesLocked {
            token_id,
            shares,
            total: shares,
        }
        .publish(&env);
        token_id
    }

    /// Auth: the owner (its shares move in). Errors: `NonExistentToken`, `InvalidAmount`.
    fn add_shares(env: Env, token_id: u32, shares: i128) {
        ttl::bump_instance(&env);
        positive(&env, shares);
        let config = storage::config(&env);
        let mut c = storage::certificate(&env, token_id);
        c.owner.require_auth();
        let mut vault = sync(&env, &config);
        settle(&env, &mut c, vault.index);
        TokenClient::new(&env, &config.share_token).transfer(
            &c.owner,
            env.current_contract_address(),
            &shares,
        );
        c.position.shares = c
            .position
            .shares
            .checked_add(shares)
            .unwrap_or_else(|| panic_with_error!(&env, RigNftError::Overflow));
        vault.locked = vault
            .locked
            .checked_add(shares)
            .unwrap_or_else(|| panic_with_error!(&env, RigNftError::Overflow));
        storage::set_vault(&env, &vault);
        storage::set_certificate(&env, token_id, &c);
        // A listing priced the certificate as it was: an upgrade takes it down.
        if storage::listing(&env, token_id).is_some() {
            storage::set_listing(&env, token_id, None);
            RentalUnlisted { token_id }.publish(&env);
        }
        SharesLocked {
            token_id,
            shares,
            total: c.position.shares,
        }
        .publish(&env);
    }

    /// Auth: the owner. Errors: `NonExistentToken`, `Rented` while a user's period runs.
    /// Pays the owner (and a past user) what the certificate earned, gives the shares back
    /// and burns it. Events: `rewards_paid`, `burn`.
    fn unwrap(env: Env, token_id: u32) -> i128 {
        ttl::bump_instance(&env);
        let config = storage::config(&env);
        let mut c = storage::certificate(&env, token_id);
        c.owner.require_auth();
        if c.user_active(env.ledger().timestamp()) {
            panic_with_error!(&env, RigNftError::Rented);
        }
        let mut vault = sync(&env, &config);
        settle(&env, &mut c, vault.index);
        pay(&env, &config, &vault, token_id, &mut c);
        let shares = c.position.shares;
        vault.locked -= shares;
        storage::set_vault(&env, &vault);
        TokenClient::new(&env, &config.share_token).transfer(
            &env.current_contract_address(),
            &c.owner,
            &shares,
        );
        storage::remove_certificate(&env, token_id);
        storage::set_balance(&env, &c.owner, storage::balance(&env, &c.owner) - 1);
        Burn {
            from: c.owner,
            token_id,
        }
        .publish(&env);
        shares
    }

    fn rig(env: Env, token_id: u32) -> RigCertificate {
        let c = storage::certificate(&env, token_id);
        let config = storage::config(&env);
        RigCertificate {
            rig: c.rig,
            shares: c.position.shares,
            hashrate: hashrate(&env, &config, c.position.shares),
        }
    }

    /// What `claim` would pay now: `(owner's, user's)`, including what the distributor holds
    /// for the vault and has not paid it yet.
    fn accrued(env: Env, token_id: u32) -> (i128, i128) {
        let config = storage::config(&env);
        let mut c = storage::certificate(&env, token_id);
        let mut vault = storage::vault(&env);
        let held = PayoutDistributorClient::new(&env, &config.distributor)
            .claimable(&env.current_contract_address());
        let fresh = held - vault.receivable;
        position::spread(&env, &mut vault, fresh);
        settle(&env, &mut c, vault.index);
        (c.position.owed_owner, c.position.owed_user)
    }

    /// Anyone may call: the rewards go to the owner and the user, never to the caller.
    fn claim(env: Env, token_id: u32) -> (i128, i128) {
        ttl::bump_instance(&env);
        let config = storage::config(&env);
        let mut c = storage::certificate(&env, token_id);
        let vault = sync(&env, &config);
        settle(&env, &mut c, vault.index);
        let paid = pay(&env, &config, &vault, token_id, &mut c);
        storage::set_certificate(&env, token_id, &c);
        paid
    }

    /// ERC-4907. Auth: the owner. Errors: `Rented` during a paid rental, `InvalidExpiry`.
    fn set_user(env: Env, token_id: u32, user: Address, expires: u64) {
        ttl::bump_instance(&env);
        let config = storage::config(&env);
        let mut c = storage::certificate(&env, token_id);
        c.owner.require_auth();
        let now = env.ledger().timestamp();
        if c.rented && c.user_active(now) {
            panic_with_error!(&env, RigNftError::Rented);
        }
        if expires <= now {
            panic_with_error!(&env, RigNftError::InvalidExpiry);
        }
        // The past is split under the old user; the new one earns from now.
        let vault = sync(&env, &config);
        settle(&env, &mut c, vault.index);
        pay(&env, &config, &vault, token_id, &mut c);
        c.user = Some(user.clone());
        c.expires = expires;
        c.rented = false;
        storage::set_certificate(&env, token_id, &c);
        // An approval was given for the certificate as it was: a sale must not carry a user
        // set after it (the buyer would receive a certificate that earns for someone else).
        storage::set_approval(&env, token_id, None);
        UpdateUser {
            token_id,
            user: Some(user),
            expires,
        }
        .publish(&env);
    }

    fn user_of(env: Env, token_id: u32) -> Option<Address> {
        let c = storage::certificate(&env, token_id);
        if c.user_active(env.ledger().timestamp()) {
            c.user
        } else {
            None
        }
    }

    fn user_expires(env: Env, token_id: u32) -> u64 {
        let c = storage::certificate(&env, token_id);
        if c.user_active(env.ledger().timestamp()) {
            c.expires
        } else {
            0
        }
    }

    fn listing(env: Env, token_id: u32) -> Option<RentalListing> {
        storage::certificate(&env, token_id);
        storage::listing(&env, token_id)
    }

    /// Auth: the owner. Errors: `InvalidAmount` (a price or epochs of 0).
    fn list_rental(env: Env, token_id: u32, price_per_epoch: i128, max_epochs: u32) {
        ttl::bump_instance(&env);
        let c = storage::certificate(&env, token_id);
        c.owner.require_auth();
        positive(&env, price_per_epoch);
        if max_epochs == 0 {
            panic_with_error!(&env, RigNftError::InvalidAmount);
        }
        storage::set_listing(
            &env,
            token_id,
            Some(&RentalListing {
                price_per_epoch,
                max_epochs,
            }),
        );
        // As for `set_user`: an approval does not survive an offer to rent the certificate out.
        storage::set_approval(&env, token_id, None);
        RentalListed {
            token_id,
            price_per_epoch,
            max_epochs,
        }
        .publish(&env);
    }

    fn unlist_rental(env: Env, token_id: u32) {
        ttl::bump_instance(&env);
        let c = storage::certificate(&env, token_id);
        c.owner.require_auth();
        if storage::listing(&env, token_id).is_none() {
            panic_with_error!(&env, RigNftError::NotListed);
        }
        storage::set_listing(&env, token_id, None);
        RentalUnlisted { token_id }.publish(&env);
    }

    /// Auth: `renter`, who pays `price_per_epoch × epochs` (at most `max_price`) to the owner
    /// and becomes the user for `epochs` pool epochs from now. Errors: `NotListed`,
    /// `TooManyEpochs`, `PriceTooHigh`, `Rented`, `InvalidAmount`, `InArrears`.
    fn rent(env: Env, renter: Address, token_id: u32, epochs: u32, max_price: i128) {
        renter.require_auth();
        ttl::bump_instance(&env);
        let config = storage::config(&env);
        let mut c = storage::certificate(&env, token_id);
        let listing = storage::listing(&env, token_id)
            .unwrap_or_else(|| panic_with_error!(&env, RigNftError::NotListed));
        let now = env.ledger().timestamp();
        if epochs == 0 {
            panic_with_error!(&env, RigNftError::InvalidAmount);
        }
        if epochs > listing.max_epochs {
            panic_with_error!(&env, RigNftError::TooManyEpochs);
        }
        if c.user_active(now) {
            panic_with_error!(&env, RigNftError::Rented);
        }
        let price = listing
            .price_per_epoch
            .checked_mul(i128::from(epochs))
            .unwrap_or_else(|| panic_with_error!(&env, RigNftError::Overflow));
        if price > max_price {
            panic_with_error!(&env, RigNftError::PriceTooHigh);
        }
        books_up_to_date(&env, &config, now);
        let expires = u64::from(epochs)
            .checked_mul(config.epoch_seconds)
            .and_then(|d| d.checked_add(now))
            .unwrap_or_else(|| panic_with_error!(&env, RigNftError::Overflow));
        TokenClient::new(&env, &config.reward_token).transfer(&renter, &c.owner, &price);
        let vault = sync(&env, &config);
        settle(&env, &mut c, vault.index);
        pay(&env, &config, &vault, token_id, &mut c);
        c.user = Some(renter.clone());
        c.expires = expires;
        c.rented = true;
        storage::set_certificate(&env, token_id, &c);
        storage::set_listing(&env, token_id, None);
        storage::set_approval(&env, token_id, None);
        Rented {
            token_id,
            renter: renter.clone(),
            epochs,
            price,
            expires,
        }
        .publish(&env);
        UpdateUser {
            token_id,
            user: Some(renter),
            expires,
        }
        .publish(&env);
    }

    fn admin(env: Env) -> Address {
        admin::admin(&env)
    }

    fn propose_admin(env: Env, new_admin: Address) {
        admin::propose(&env, &new_admin);
    }

    fn accept_admin(env: Env) {
        if !admin::accept(&env) {
            panic_with_error!(&env, RigNftError::NoPendingAdmin);
        }
    }

    fn upgrade(env: Env, wasm_hash: BytesN<32>) {
        admin::upgrade(&env, &wasm_hash);
    }

    /// Rewards `account` could not receive when they were paid (a frozen balance, a missing
    /// trustline), kept for it.
    fn unpaid(env: Env, account: Address) -> i128 {
        storage::unpaid(&env, &account)
    }

    /// Pays `account` its unpaid rewards. Auth: `account`.
    fn collect(env: Env, account: Address) -> i128 {
        account.require_auth();
        ttl::bump_instance(&env);
        let amount = storage::unpaid(&env, &account);
        if amount > 0 {
            let config = storage::config(&env);
            // What is unpaid may still be in the distributor: paid once it is pulled.
            if sync(&env, &config).receivable > 0 {
                panic_with_error!(&env, RigNftError::DistributorPaused);
            }
            storage::set_unpaid(&env, &account, 0);
            TokenClient::new(&env, &config.reward_token).transfer(
                &env.current_contract_address(),
                &account,
                &amount,
            );
        }
        amount
    }
}
