use hashshare_common::{admin, ttl};
use hashshare_interfaces::{PoolConfig, PoolOracleClient, MAX_REPORTERS};
use soroban_sdk::{
    contract, contractimpl, panic_with_error, token::TokenClient, Address, BytesN, Env, Symbol,
};

use crate::{
    errors::LeaseError,
    events::{
        Collected, EpochSettled, FeeRecipientSet, FeesWithdrawn, LeaseClosed, Leased, OfferPosted,
        OfferWithdrawn,
    },
    interface::{HashrateLease, Lease, LeaseBooks, Offer},
    settlement::{self, CLOSE_AFTER_SHORT, MAX_EPOCHS, MAX_SETTLE},
    storage::{self, Config},
};

/// The highest fee the market may take: 20%.
const MAX_FEE_BPS: u32 = 2_000;

#[contract]
pub struct HashrateLeaseContract;

#[contractimpl]
impl HashrateLeaseContract {
    /// The market on `oracle` (which must allow it as a registrar before the first rent),
    /// escrowing in `payment_token` (any SEP-41 token) and keeping `fee_bps` of what providers
    /// are paid for `fee_recipient`.
    pub fn __constructor(
        env: Env,
        admin: Address,
        oracle: Address,
        payment_token: Address,
        fee_bps: u32,
        fee_recipient: Address,
    ) {
        admin::init(&env, &admin);
        if fee_bps > MAX_FEE_BPS {
            panic_with_error!(&env, LeaseError::InvalidFee);
        }
        storage::set_config(
            &env,
            &Config {
                oracle,
                payment_token,
                fee_bps,
                fee_recipient,
            },
        );
        ttl::bump_instance(&env);
    }
}

fn oracle<'a>(env: &Env, config: &Config) -> PoolOracleClient<'a> {
    PoolOracleClient::new(env, &config.oracle)
}

fn offer_of(env: &Env, id: u64) -> Offer {
    storage::offer(env, id).unwrap_or_else(|| panic_with_error!(env, LeaseError::OfferNotFound))
}

fn lease_of(env: &Env, id: u64) -> Lease {
    storage::lease(env, id).unwrap_or_else(|| panic_with_error!(env, LeaseError::LeaseNotFound))
}

fn overflow(env: &Env) -> ! {
    panic_with_error!(env, LeaseError::Overflow)
}

/// The terms every offer must meet: positive hashrate and price, `1 <= min <= max <= 366`
/// epochs, 1 to 16 distinct validators and an honest-majority quorum (the oracle's rule for
/// the delivery pool each lease registers).
fn check_offer(env: &Env, offer: &Offer) {
    let n = offer.validators.len();
    let mut distinct = true;
    for i in 0..n {
        for j in (i + 1)..n {
            if offer.validators.get(i) == offer.validators.get(j) {
                distinct = false;
            }
        }
    }
    let quorum_ok = offer.quorum <= n && 2 * offer.quorum > n && (n < 3 || offer.quorum >= 3);
    if offer.hashrate <= 0
        || offer.price_per_th_epoch <= 0
        || offer.min_epochs == 0
        || offer.min_epochs > offer.max_epochs
        || offer.max_epochs > MAX_EPOCHS
        || n == 0
        || n > MAX_REPORTERS
        || !distinct
        || !quorum_ok
        || settlement::price_per_epoch(offer.price_per_th_epoch, offer.hashrate).is_none()
    {
        panic_with_error!(env, LeaseError::InvalidOffer);
    }
}

/// Sends `amount` of the payment asset to `to`, or keeps it for `to` to `collect` when it
/// cannot receive it now: a frozen renter never blocks its provider's pay, nor the reverse.
fn send(env: &Env, config: &Config, to: &Address, amount: i128) {
    if amount <= 0 {
        return;
    }
    let asset = TokenClient::new(env, &config.payment_token);
    if !matches!(
        asset.try_transfer(&env.current_contract_address(), to, &amount),
        Ok(Ok(()))
    ) {
        let owed = storage::unpaid(env, to)
            .checked_add(amount)
            .unwrap_or_else(|| overflow(env));
        storage::set_unpaid(env, to, owed);
    }
}

/// The lease's hashrate leaves its pool's committed total (its last epoch settled, or cut).
fn release(env: &Env, lease: &Lease) {
    let left = storage::committed(env, &lease.pool) - lease.hashrate;
    storage::set_committed(env, &lease.pool, left.max(0));
}

/// Settles lease `id`'s ended epochs in order, at most `MAX_SETTLE`: each with an effective
/// delivery report is paid for what it delivered, each without one past its staleness deadline
/// counts as undelivered, and the first still waiting for its report stops the walk.
/// `(paid, refunded)` by this call.
fn settle_epochs(env: &Env, config: &Config, id: u64, lease: &mut Lease) -> (i128, i128) {
    let oracle = oracle(env, config);
    let schedule: PoolConfig = oracle.pool(&lease.delivery_pool);
    let now = env.ledger().timestamp();
    let (mut paid, mut fees, mut refunded) = (0i128, 0i128, 0i128);
    let mut record = storage::record(env, &lease.provider);
    for _ in 0..MAX_SETTLE {
        if lease.settled_epochs >= lease.epochs {
            break;
        }
        let epoch = lease.first_epoch + u64::from(lease.settled_epochs);
        let end = schedule.genesis.saturating_add(
            epoch
                .saturating_add(1)
                .saturating_mul(schedule.epoch_seconds),
        );
        if now < end {
            break;
        }
        let deadline = end.saturating_add(
            schedule
                .max_age_epochs
                .saturating_mul(schedule.epoch_seconds),
        );
        // A report counts if it was finalized by the deadline (once its dispute window has
        // passed); without one, the epoch is undelivered from the deadline on. So whoever
        // settles, and whenever, the same epoch pays the same.
        let (_, _, finalized) = oracle.round(&lease.delivery_pool, &epoch);
        let report = finalized.filter(|r| r.finalized_at <= deadline);
        let delivered = match &report {
            Some(r) if now >= r.finalized_at.saturating_add(schedule.dispute_seconds) => r.hashrate,
            Some(_) => break,
            None if now >= deadline => 0,
            None => break,
        };
        let (part, fee, back) = settlement::split(
            lease.price_per_epoch,
            delivered,
            lease.hashrate,
            config.fee_bps,
        )
        .unwrap_or_else(|| overflow(env));
        paid += part;
        fees += fee;
        refunded += back;
        if delivered >= lease.hashrate {
            record.full += 1;
        } else {
            record.short += 1;
        }
        record.paid += part;
        record.priced += lease.price_per_epoch;
        lease.short_streak = if settlement::short_for_close(delivered, lease.hashrate) {
            lease.short_streak + 1
        } else {
            0
        };
        lease.settled_epochs += 1;
        EpochSettled {
            lease_id: id,
            epoch,
            delivered,
            reported: report.is_some(),
            paid: part,
            fee,
            refunded: back,
        }
        .publish(env);
    }
    if paid == 0 && refunded == 0 {
        return (0, 0);
    }
    storage::set_record(env, &lease.provider, &record);
    lease.paid += paid;
    lease.fees += fees;
    lease.refunded += refunded;
    if lease.settled_epochs == lease.epochs && !lease.closed {
        release(env, lease);
    }
    let mut books = storage::books(env);
    books.paid += paid;
    books.fees += fees;
    books.refunded += refunded;
    storage::set_books(env, &books);
    send(env, config, &lease.provider, paid - fees);
    send(env, config, &lease.renter, refunded);
    (paid, refunded)
}

#[contractimpl]
impl HashrateLease for HashrateLeaseContract {
    /// Auth: `provider`, the operator of `offer.pool` (whose consent also binds the pool to
    /// the market on the oracle, once). Errors: `InvalidOffer`, `NotOperator`, `PoolBound`.
    /// Events: `offer_posted`.
    fn post_offer(env: Env, provider: Address, offer: Offer) -> u64 {
        provider.require_auth();
        ttl::bump_instance(&env);
        if offer.provider != provider {
            panic_with_error!(&env, LeaseError::NotOperator);
        }
        check_offer(&env, &offer);
        let config = storage::config(&env);
        let oracle = oracle(&env, &config);
        if oracle.pool(&offer.pool).operator != provider {
            panic_with_error!(&env, LeaseError::NotOperator);
        }
        let market = env.current_contract_address();
        // A source pool is one the market bound itself; a delivery pool it registered (attested
        // by validators a provider chose) never is.
        match oracle.token(&offer.pool) {
            None => {
                oracle.bind_token(&offer.pool, &market, &provider);
                storage::set_source(&env, &offer.pool);
            }
            Some(consumer) if consumer == market && storage::is_source(&env, &offer.pool) => {}
            Some(_) => panic_with_error!(&env, LeaseError::PoolBound),
        }
        let mut counters = storage::counters(&env);
        let id = counters.next_offer;
        counters.next_offer += 1;
        storage::set_counters(&env, &counters);
        let offer = Offer {
            version: 1,
            ..offer
        };
        storage::set_offer(&env, id, &offer);
        OfferPosted {
            offer_id: id,
            provider,
            pool: offer.pool,
            version: 1,
        }
        .publish(&env);
        id
    }

    /// Auth: the offer's provider. Errors: `OfferNotFound`, `InvalidOffer`, `NotOperator` (a
    /// new provider or pool). Events: `offer_posted` with the new version.
    fn update_offer(env: Env, offer_id: u64, offer: Offer) {
        ttl::bump_instance(&env);
        let current = offer_of(&env, offer_id);
        current.provider.require_auth();
        if offer.provider != current.provider || offer.pool != current.pool {
            panic_with_error!(&env, LeaseError::NotOperator);
        }
        check_offer(&env, &offer);
        let config = storage::config(&env);
        if oracle(&env, &config).pool(&offer.pool).operator != current.provider {
            panic_with_error!(&env, LeaseError::NotOperator);
        }
        let version = current
            .version
            .checked_add(1)
            .unwrap_or_else(|| overflow(&env));
        storage::set_offer(&env, offer_id, &Offer { version, ..offer });
        OfferPosted {
            offer_id,
            provider: current.provider,
            pool: current.pool,
            version,
        }
        .publish(&env);
    }

    fn withdraw_offer(env: Env, offer_id: u64) {
        ttl::bump_instance(&env);
        offer_of(&env, offer_id).provider.require_auth();
        storage::remove_offer(&env, offer_id);
        OfferWithdrawn { offer_id }.publish(&env);
    }

    fn get_offer(env: Env, offer_id: u64) -> Option<Offer> {
        storage::offer(&env, offer_id)
    }

    /// Auth: `renter` (its escrow moves in). Errors: `OfferNotFound`, `OfferChanged`,
    /// `InvalidEpochs`, `InvalidHashrate`, `PriceTooHigh`, `CapacityExceeded`, `Overflow`.
    /// Events: `leased`.
    fn rent(
        env: Env,
        renter: Address,
        offer_id: u64,
        hashrate: i128,
        epochs: u32,
        max_price: i128,
        version: u32,
    ) -> u64 {
        renter.require_auth();
        ttl::bump_instance(&env);
        let offer = offer_of(&env, offer_id);
        if offer.version != version {
            panic_with_error!(&env, LeaseError::OfferChanged);
        }
        if epochs < offer.min_epochs || epochs > offer.max_epochs {
            panic_with_error!(&env, LeaseError::InvalidEpochs);
        }
        if hashrate <= 0 || hashrate > offer.hashrate {
            panic_with_error!(&env, LeaseError::InvalidHashrate);
        }
        let price_per_epoch = settlement::price_per_epoch(offer.price_per_th_epoch, hashrate)
            .unwrap_or_else(|| overflow(&env));
        let price = price_per_epoch
            .checked_mul(i128::from(epochs))
            .unwrap_or_else(|| overflow(&env));
        if price > max_price {
            panic_with_error!(&env, LeaseError::PriceTooHigh);
        }
        let config = storage::config(&env);
        let oracle = oracle(&env, &config);
        let committed = storage::committed(&env, &offer.pool)
            .checked_add(hashrate)
            .unwrap_or_else(|| overflow(&env));
        if committed > oracle.capacity(&offer.pool) {
            panic_with_error!(&env, LeaseError::CapacityExceeded);
        }
        let market = env.current_contract_address();
        TokenClient::new(&env, &config.payment_token).transfer(&renter, &market, &price);

        let mut counters = storage::counters(&env);
        let id = counters.next_lease;
        counters.next_lease += 1;
        storage::set_counters(&env, &counters);
        // The lease's own pool on the oracle: the offer's validators attest what reaches the
        // renter, on the source pool's schedule.
        let source = oracle.pool(&offer.pool);
        // The pool may have changed hands since the offer: only its operator is paid for it.
        if source.operator != offer.provider {
            panic_with_error!(&env, LeaseError::NotOperator);
        }
        let delivery = oracle.register_pool_by(
            &market,
            &PoolConfig {
                operator: offer.provider.clone(),
                reporters: offer.validators.clone(),
                quorum: offer.quorum,
                ..source.clone()
            },
        );
        let first_epoch = oracle.current_epoch(&offer.pool) + 1;
        storage::set_committed(&env, &offer.pool, committed);
        let mut books = storage::books(&env);
        books.escrowed = books
            .escrowed
            .checked_add(price)
            .unwrap_or_else(|| overflow(&env));
        storage::set_books(&env, &books);
        storage::set_lease(
            &env,
            id,
            &Lease {
                offer_id,
                renter: renter.clone(),
                hashrate,
                first_epoch,
                epochs,
                price_per_epoch,
                settled_epochs: 0,
                paid: 0,
                refunded: 0,
                closed: false,
                provider: offer.provider,
                pool: offer.pool,
                delivery_pool: delivery.clone(),
                fees: 0,
                short_streak: 0,
            },
        );
        Leased {
            lease_id: id,
            renter,
            offer_id,
            version,
            hashrate,
            first_epoch,
            epochs,
            price,
            delivery_pool: delivery,
        }
        .publish(&env);
        id
    }

    fn get_lease(env: Env, lease_id: u64) -> Option<Lease> {
        storage::lease(&env, lease_id)
    }

    /// Anyone may settle: the money goes to the provider and the renter, never the caller.
    /// Errors: `LeaseNotFound`. Events: `epoch_settled` for each epoch.
    fn settle(env: Env, lease_id: u64) -> (i128, i128) {
        ttl::bump_instance(&env);
        let mut lease = lease_of(&env, lease_id);
        let config = storage::config(&env);
        let settled = settle_epochs(&env, &config, lease_id, &mut lease);
        storage::set_lease(&env, lease_id, &lease);
        settled
    }

    /// Auth: the renter. The lease is settled as far as it can be first; then, if its last
    /// `CLOSE_AFTER_SHORT` settled epochs each delivered under 90%, every epoch not yet begun
    /// is refunded and the lease ends after the current one. Errors: `LeaseNotFound`,
    /// `LeaseEnded`, `CloseNotAllowed`. Events: `lease_closed`.
    fn close(env: Env, lease_id: u64) {
        ttl::bump_instance(&env);
        let mut lease = lease_of(&env, lease_id);
        lease.renter.require_auth();
        if lease.closed || lease.settled_epochs == lease.epochs {
            panic_with_error!(&env, LeaseError::LeaseEnded);
        }
        let config = storage::config(&env);
        settle_epochs(&env, &config, lease_id, &mut lease);
        if lease.settled_epochs == lease.epochs {
            // Settled to its end on the way: nothing is left to close.
            storage::set_lease(&env, lease_id, &lease);
            return;
        }
        if lease.short_streak < CLOSE_AFTER_SHORT {
            panic_with_error!(&env, LeaseError::CloseNotAllowed);
        }
        // Epochs up to the current one stay (they are, or were, being delivered); the rest go.
        let current = oracle(&env, &config).current_epoch(&lease.delivery_pool);
        let begun = current.saturating_add(1).saturating_sub(lease.first_epoch);
        let kept = u32::try_from(begun)
            .unwrap_or(u32::MAX)
            .clamp(lease.settled_epochs, lease.epochs);
        let cut = lease.epochs - kept;
        let refund = lease
            .price_per_epoch
            .checked_mul(i128::from(cut))
            .unwrap_or_else(|| overflow(&env));
        lease.epochs = kept;
        lease.closed = true;
        lease.refunded += refund;
        release(&env, &lease);
        let mut books = storage::books(&env);
        books.refunded += refund;
        storage::set_books(&env, &books);
        storage::set_lease(&env, lease_id, &lease);
        send(&env, &config, &lease.renter, refund);
        LeaseClosed {
            lease_id,
            epochs: kept,
            refunded: refund,
        }
        .publish(&env);
    }

    fn provider_record(env: Env, provider: Address) -> (u32, u32) {
        let record = storage::record(&env, &provider);
        (record.full, record.short)
    }

    fn provider_delivery(env: Env, provider: Address) -> (i128, i128) {
        let record = storage::record(&env, &provider);
        (record.paid, record.priced)
    }

    fn committed(env: Env, pool: Symbol) -> i128 {
        storage::committed(&env, &pool)
    }

    fn books(env: Env) -> LeaseBooks {
        storage::books(&env)
    }

    fn unpaid(env: Env, account: Address) -> i128 {
        storage::unpaid(&env, &account)
    }

    fn collect(env: Env, account: Address) -> i128 {
        account.require_auth();
        ttl::bump_instance(&env);
        let amount = storage::unpaid(&env, &account);
        if amount > 0 {
            storage::set_unpaid(&env, &account, 0);
            TokenClient::new(&env, &storage::config(&env).payment_token).transfer(
                &env.current_contract_address(),
                &account,
                &amount,
            );
            Collected { account, amount }.publish(&env);
        }
        amount
    }

    fn withdraw_fees(env: Env) -> i128 {
        ttl::bump_instance(&env);
        let config = storage::config(&env);
        config.fee_recipient.require_auth();
        let mut books = storage::books(&env);
        let amount = books.fees - books.fees_withdrawn;
        if amount > 0 {
            books.fees_withdrawn = books.fees;
            storage::set_books(&env, &books);
            TokenClient::new(&env, &config.payment_token).transfer(
                &env.current_contract_address(),
                &config.fee_recipient,
                &amount,
            );
            FeesWithdrawn {
                recipient: config.fee_recipient,
                amount,
            }
            .publish(&env);
        }
        amount
    }

    fn fee_bps(env: Env) -> u32 {
        storage::config(&env).fee_bps
    }

    fn fee_recipient(env: Env) -> Address {
        storage::config(&env).fee_recipient
    }

    fn set_fee_recipient(env: Env, recipient: Address) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        let mut config = storage::config(&env);
        config.fee_recipient = recipient.clone();
        storage::set_config(&env, &config);
        FeeRecipientSet { recipient }.publish(&env);
    }

    fn admin(env: Env) -> Address {
        admin::admin(&env)
    }

    fn propose_admin(env: Env, new_admin: Address) {
        admin::propose(&env, &new_admin);
    }

    fn accept_admin(env: Env) {
        if !admin::accept(&env) {
            panic_with_error!(&env, LeaseError::NoPendingAdmin);
        }
    }

    fn upgrade(env: Env, wasm_hash: BytesN<32>) {
        admin::upgrade(&env, &wasm_hash);
    }
}
