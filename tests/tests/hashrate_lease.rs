//! hashrate-lease on the compiled WASM with the pool-oracle: a provider's offer, a renter's
//! escrow, each epoch paid for what the lease's validators attest was delivered (in full, in
//! part, nothing, no report by the deadline), a close after repeated under-delivery, and the
//! escrow's books closing at every step.
use hashrate_lease::{HashrateLeaseClient, LeaseError, Offer};
use hashshare_interfaces::{PoolConfig, PoolOracleClient};
use hashshare_tests::fixture::{advance, deploy_oracle, new_env, pool_config, wasm};
use soroban_sdk::{
    testutils::Address as _,
    token::{StellarAssetClient, TokenClient},
    vec, Address, Env, Symbol,
};

const TH: i128 = 1_000_000_000_000;
/// The price of 1 TH/s for a day, in base units of the payment asset (a stablecoin, 7 decimals).
const PRICE: i128 = 1_000;
/// The market's fee: 5% of what providers are paid.
const FEE_BPS: u32 = 500;

struct Market {
    env: Env,
    oracle: PoolOracleClient<'static>,
    market: HashrateLeaseClient<'static>,
    token: TokenClient<'static>,
    pool: Symbol,
    config: PoolConfig,
    provider: Address,
    renter: Address,
    fee_recipient: Address,
    validators: soroban_sdk::Vec<Address>,
}

/// A pool of 500 TH/s sustained over its window, its operator the provider; the market
/// allowed to register pools; the renter funded.
fn market() -> Market {
    let env = new_env();
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let oracle = deploy_oracle(&env, &admin);
    let pool = Symbol::new(&env, "f2pool_s21");
    let mut config = pool_config(&env, 3, 3);
    config.capacity_epochs = 2;
    let provider = config.operator.clone();
    oracle.register_pool(&pool, &config);
    let stablecoin = env.register_stellar_asset_contract_v2(Address::generate(&env));
    let fee_recipient = Address::generate(&env);
    let id = env.register(
        wasm("hashrate_lease").as_slice(),
        (
            admin.clone(),
            oracle.address.clone(),
            stablecoin.address(),
            FEE_BPS,
            fee_recipient.clone(),
        ),
    );
    let market = HashrateLeaseClient::new(&env, &id);
    oracle.set_registrar(&market.address, &true);
    let renter = Address::generate(&env);
    StellarAssetClient::new(&env, &stablecoin.address()).mint(&renter, &1_000_000_000);
    let validators = vec![
        &env,
        Address::generate(&env),
        Address::generate(&env),
        Address::generate(&env),
    ];
    let m = Market {
        token: TokenClient::new(&env, &stablecoin.address()),
        env,
        oracle,
        market,
        pool,
        config,
        provider,
        renter,
        fee_recipient,
        validators,
    };
    for epoch in 0..2 {
        m.attest_source(epoch, 500 * TH);
    }
    m
}

impl Market {
    fn now(&self) -> u64 {
        self.env.ledger().timestamp()
    }

    fn end_of(&self, epoch: u64) -> u64 {
        self.config.genesis + (epoch + 1) * self.config.epoch_seconds
    }

    fn to(&self, t: u64) {
        assert!(t >= self.now());
        advance(&self.env, t - self.now());
    }

    /// The source pool's reporters attest `epoch` after its end; effective a window later.
    fn attest_source(&self, epoch: u64, hashrate: i128) {
        self.to(self.end_of(epoch).max(self.now()));
        for r in self.config.reporters.iter() {
            self.oracle.submit(&r, &self.pool, &epoch, &hashrate, &0);
        }
        advance(&self.env, self.config.dispute_seconds);
    }

    /// The lease's validators attest what reached the renter in `epoch`.
    fn attest_delivery(&self, delivery: &Symbol, epoch: u64, hashrate: i128) {
        self.to(self.end_of(epoch).max(self.now()));
        for v in self.validators.iter() {
            self.oracle.submit(&v, delivery, &epoch, &hashrate, &0);
        }
        advance(&self.env, self.config.dispute_seconds);
    }

    fn offer(&self, hashrate: i128) -> Offer {
        Offer {
            provider: self.provider.clone(),
            pool: self.pool.clone(),
            hashrate,
            price_per_th_epoch: PRICE,
            min_epochs: 1,
            max_epochs: 30,
            validators: self.validators.clone(),
            quorum: 3,
            version: 0,
        }
    }

    /// Escrow conservation: the market's balance is what is still escrowed, the fees not yet
    /// withdrawn and what is kept for accounts that could not receive it.
    fn assert_books(&self) {
        let b = self.market.books();
        let held = b.escrowed - b.paid - b.refunded;
        assert!(held >= 0, "{b:?}");
        let kept = self.market.unpaid(&self.provider) + self.market.unpaid(&self.renter);
        assert_eq!(
            self.token.balance(&self.market.address),
            held + b.fees - b.fees_withdrawn + kept,
            "{b:?}"
        );
    }
}

#[test]
fn a_lease_pays_the_provider_for_what_was_delivered_epoch_by_epoch() {
    let m = market();
    let offer_id = m.market.post_offer(&m.provider, &m.offer(200 * TH));
    assert_eq!(m.oracle.token(&m.pool), Some(m.market.address.clone()));
    let offer = m.market.get_offer(&offer_id).expect("posted");
    assert_eq!(offer.version, 1);

    // 100 TH/s for 4 epochs: 100,000 an epoch, 400,000 escrowed.
    let lease_id = m
        .market
        .rent(&m.renter, &offer_id, &(100 * TH), &4, &400_000, &1);
    let lease = m.market.get_lease(&lease_id).expect("leased");
    let current = m.oracle.current_epoch(&m.pool);
    assert_eq!(
        lease.first_epoch,
        current + 1,
        "from the next epoch boundary"
    );
    assert_eq!(lease.price_per_epoch, 100_000);
    assert_eq!(m.token.balance(&m.market.address), 400_000);
    assert_eq!(m.market.committed(&m.pool), 100 * TH);
    m.assert_books();
    let delivery = lease.delivery_pool.clone();
    assert_eq!(m.oracle.token(&delivery), Some(m.market.address.clone()));
    assert_eq!(m.oracle.pool(&delivery).reporters, m.validators);

    // Nothing to settle before the first epoch has ended.
    assert_eq!(m.market.settle(&lease_id), (0, 0));
    let first = lease.first_epoch;
    // Epoch 1: delivered in full (more, even: capped). Epoch 2: 73%. Epoch 3: nothing.
    m.attest_delivery(&delivery, first, 120 * TH);
    m.attest_delivery(&delivery, first + 1, 73 * TH);
    m.attest_delivery(&delivery, first + 2, 0);
    let stranger_settles = m.market.settle(&lease_id);
    assert_eq!(stranger_settles, (100_000 + 73_000, 27_000 + 100_000));
    let provider_got = (100_000 + 73_000) - (5_000 + 3_650);
    assert_eq!(m.token.balance(&m.provider), provider_got);
    assert_eq!(
        m.token.balance(&m.renter),
        1_000_000_000 - 400_000 + 127_000
    );
    assert_eq!(m.market.provider_record(&m.provider), (1, 2));
    m.assert_books();

    // Epoch 4: no report comes; it counts as undelivered once its staleness deadline passes.
    let last = first + 3;
    m.to(m.end_of(last) + 1);
    assert_eq!(
        m.market.settle(&lease_id),
        (0, 0),
        "its report may still come"
    );
    m.to(m.end_of(last) + m.config.max_age_epochs * m.config.epoch_seconds);
    assert_eq!(m.market.settle(&lease_id), (0, 100_000));
    let lease = m.market.get_lease(&lease_id).expect("kept");
    assert_eq!(lease.settled_epochs, 4);
    assert_eq!(lease.paid, 173_000);
    assert_eq!(lease.refunded, 227_000);
    assert_eq!(lease.fees, 8_650);
    assert_eq!(m.market.committed(&m.pool), 0, "capacity freed");
    assert_eq!(m.market.provider_record(&m.provider), (1, 3));
    m.assert_books();
    assert_eq!(m.market.settle(&lease_id), (0, 0), "nothing twice");

    assert_eq!(m.market.withdraw_fees(), 8_650);
    assert_eq!(m.token.balance(&m.fee_recipient), 8_650);
    assert_eq!(m.token.balance(&m.market.address), 0);
    m.assert_books();
}

#[test]
fn versioned_terms_max_price_and_capacity_refuse_a_rent_that_changes_nothing() {
    let m = market();
    let offer_id = m.market.post_offer(&m.provider, &m.offer(400 * TH));
    let mut dearer = m.offer(400 * TH);
    dearer.price_per_th_epoch = 2 * PRICE;
    m.market.update_offer(&offer_id, &dearer);
    assert_eq!(m.market.get_offer(&offer_id).expect("offer").version, 2);
    // The renter saw version 1: refused, whatever it would pay.
    assert_eq!(
        m.market
            .try_rent(&m.renter, &offer_id, &(100 * TH), &2, &i128::MAX, &1),
        Err(Ok(LeaseError::OfferChanged.into()))
    );
    // Version 2 at the old price: more than its max_price.
    assert_eq!(
        m.market
            .try_rent(&m.renter, &offer_id, &(100 * TH), &2, &200_000, &2),
        Err(Ok(LeaseError::PriceTooHigh.into()))
    );
    // 300 + 300 TH/s of a pool sustaining 500: the second is refused.
    m.market
        .rent(&m.renter, &offer_id, &(300 * TH), &2, &i128::MAX, &2);
    assert_eq!(
        m.market
            .try_rent(&m.renter, &offer_id, &(300 * TH), &2, &i128::MAX, &2),
        Err(Ok(LeaseError::CapacityExceeded.into()))
    );
    m.market
        .rent(&m.renter, &offer_id, &(200 * TH), &2, &i128::MAX, &2);
    assert_eq!(m.market.committed(&m.pool), 500 * TH);
    m.assert_books();
}

#[test]
fn a_pool_bound_to_a_share_token_cannot_be_leased_nor_the_reverse() {
    let m = market();
    let token = Address::generate(&m.env);
    // A share token takes the pool first: the market may not lease it.
    m.oracle.bind_token(&m.pool, &token, &m.provider);
    assert_eq!(
        m.market.try_post_offer(&m.provider, &m.offer(100 * TH)),
        Err(Ok(LeaseError::PoolBound.into()))
    );
    // And a pool the market leases cannot be bound to a share token.
    let other = Symbol::new(&m.env, "other_pool");
    let mut config = m.config.clone();
    config.operator = m.provider.clone();
    m.oracle.register_pool(&other, &config);
    let mut offer = m.offer(100 * TH);
    offer.pool = other.clone();
    m.market.post_offer(&m.provider, &offer);
    assert!(m
        .oracle
        .try_bind_token(&other, &token, &m.provider)
        .is_err());
    assert_eq!(m.oracle.token(&other), Some(m.market.address.clone()));
}

#[test]
fn a_renter_closes_after_repeated_under_delivery_and_gets_every_remaining_epoch_back() {
    let m = market();
    let offer_id = m.market.post_offer(&m.provider, &m.offer(200 * TH));
    let lease_id = m
        .market
        .rent(&m.renter, &offer_id, &(100 * TH), &10, &1_000_000, &1);
    let lease = m.market.get_lease(&lease_id).expect("leased");
    let (first, delivery) = (lease.first_epoch, lease.delivery_pool);
    m.attest_delivery(&delivery, first, 95 * TH);
    m.attest_delivery(&delivery, first + 1, 50 * TH);
    // One short epoch is not enough.
    assert_eq!(
        m.market.try_close(&lease_id),
        Err(Ok(LeaseError::CloseNotAllowed.into()))
    );
    m.attest_delivery(&delivery, first + 2, 80 * TH);
    let before = m.token.balance(&m.renter);
    m.market.close(&lease_id);
    let lease = m.market.get_lease(&lease_id).expect("kept");
    assert!(lease.closed);
    // Three settled (95 + 50 + 80 paid), the current epoch kept, the other six refunded.
    let current = m.oracle.current_epoch(&delivery);
    let kept = (current + 1 - first) as u32;
    assert_eq!(lease.epochs, kept);
    assert_eq!(lease.settled_epochs, 3);
    let refunded_now = m.token.balance(&m.renter) - before;
    assert_eq!(
        refunded_now,
        (5_000 + 50_000 + 20_000) + i128::from(10 - kept) * 100_000
    );
    assert_eq!(m.market.committed(&m.pool), 0);
    assert_eq!(
        m.market.try_close(&lease_id),
        Err(Ok(LeaseError::LeaseEnded.into()))
    );
    m.assert_books();
}
