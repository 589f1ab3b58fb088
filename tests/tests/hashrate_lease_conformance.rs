//! hashrate-lease's conformance, on the compiled WASM with the pool-oracle: every reachable
//! `LeaseError` refused with its exact code and no state change, the exact authorization tree
//! of every call that needs a signature (and none for `settle`), the wrong signer refused for
//! each of them, the exact events of every state change, a lease settled late in bounded calls,
//! and settlement around accounts the payment asset froze.
//!
//! Which test triggers which error:
//!
//! - 500 OfferNotFound: offer_not_found_for_a_missing_or_withdrawn_offer
//! - 501 LeaseNotFound: lease_not_found_for_settle_and_close
//! - 502 InvalidOffer: every_rule_of_check_offer_is_refused_with_invalid_offer
//! - 503 NotOperator: only_the_pools_operator_posts_and_updates_keep_provider_and_pool
//! - 504 PoolBound: a_pool_bound_to_another_consumer_cannot_be_offered
//! - 505 OfferChanged: a_rent_naming_another_version_is_refused_with_offer_changed
//! - 506 InvalidEpochs: epochs_outside_the_offers_bounds_are_refused
//! - 507 InvalidHashrate: hashrate_not_positive_or_beyond_the_offer_is_refused
//! - 508 PriceTooHigh: a_price_above_max_price_is_refused_to_the_unit
//! - 509 CapacityExceeded: capacity_is_the_pools_sustained_hashrate_and_zero_or_stale_is_none
//! - 510 CloseNotAllowed: close_needs_consecutive_short_epochs
//! - 511 LeaseEnded: a_closed_or_fully_settled_lease_cannot_be_closed
//! - 512 Overflow: a_total_price_beyond_i128_is_refused_with_overflow
//! - 513 InvalidFee: the_constructor_refuses_a_fee_above_twenty_percent
//! - 514 NoPendingAdmin: accept_admin_without_a_proposal_is_refused_with_no_pending_admin
//! - 515 NotConfigured: not reachable (every constructor stores the configuration)
//! - oracle 117 NotRegistrar: register_pool_by_needs_an_allowed_registrar_and_so_does_rent
//!
//! Sections: 1. errors (each with `assert_unchanged`), 2. authorization trees, 3. wrong
//! signers, 4. events (raw XDR topics and data), 5. a 30-epoch lease settled late in
//! `MAX_SETTLE` batches with each call's metered cost, 6. frozen accounts.
//!
//! `bug_*` tests (ignored) show a bug: they fail now and pass once it is fixed.
//!
//! Signers under `authorize` are contract addresses (`Address::generate`): the SDK's
//! `mock_auths` cannot sign for a Stellar account.
use std::cell::Cell;

use hashrate_lease::{
    HashrateLeaseClient, Lease, LeaseError, Offer, CLOSE_AFTER_SHORT, MAX_SETTLE,
};
use hashshare_interfaces::{PoolConfig, PoolOracleClient, MAX_REPORTERS};
use hashshare_tests::{
    fixture::{
        advance, assert_auth_tree, assert_signed_by, assert_unchanged, authorize, deploy_oracle,
        invocation, new_env, panic_message, pool_config, refuse, refuse_auth, wasm,
    },
    measure::{measure, port},
};
use pool_oracle::OracleError;
use soroban_sdk::{
    testutils::{
        Address as _, Events as _, IssuerFlags, MockAuth, MockAuthInvoke, StellarAssetContract,
    },
    token::{StellarAssetClient, TokenClient},
    vec,
    xdr::{self, ScAddress, ScMap, ScMapEntry, ScSymbol, ScVal},
    Address, BytesN, Env, IntoVal, Symbol, Val, Vec,
};

const TH: i128 = 1_000_000_000_000;
/// The price of 1 TH/s for one (daily) epoch, in base units of the payment asset.
const PRICE: i128 = 1_000;
/// The market's fee: 5% of what providers are paid.
const FEE_BPS: u32 = 500;
/// What the renter is funded with.
const FUNDS: i128 = 1_000_000_000;
/// The source pool's sustained capacity.
const CAPACITY: i128 = 500 * TH;
/// What one epoch of 100 TH/s costs at [`PRICE`].
const EPOCH_100: i128 = 100_000;

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

struct Market {
    env: Env,
    admin: Address,
    oracle: PoolOracleClient<'static>,
    market: HashrateLeaseClient<'static>,
    asset: StellarAssetContract,
    token: TokenClient<'static>,
    issuer: StellarAssetClient<'static>,
    pool: Symbol,
    config: PoolConfig,
    provider: Address,
    renter: Address,
    fee_recipient: Address,
    validators: Vec<Address>,
    /// The first source epoch not yet attested.
    next_source: Cell<u64>,
}

/// Registers the compiled market on `oracle`, paying in `asset`.
fn deploy_market(
    env: &Env,
    admin: &Address,
    oracle: &Address,
    asset: &Address,
    fee_bps: u32,
    fee_recipient: &Address,
) -> HashrateLeaseClient<'static> {
    let id = env.register(
        wasm("hashrate_lease").as_slice(),
        (
            admin.clone(),
            oracle.clone(),
            asset.clone(),
            fee_bps,
            fee_recipient.clone(),
        ),
    );
    HashrateLeaseClient::new(env, &id)
}

/// A source pool sustaining [`CAPACITY`] over its two-epoch window (epochs 0 and 1 attested,
/// effective; the clock an hour into epoch 2), its operator the provider; the market (fee 5%)
/// allowed to register pools; the renter funded; every authorization mocked.
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
    let asset = env.register_stellar_asset_contract_v2(Address::generate(&env));
    let fee_recipient = Address::generate(&env);
    let market = deploy_market(
        &env,
        &admin,
        &oracle.address,
        &asset.address(),
        FEE_BPS,
        &fee_recipient,
    );
    oracle.set_registrar(&market.address, &true);
    let renter = Address::generate(&env);
    let issuer = StellarAssetClient::new(&env, &asset.address());
    issuer.mint(&renter, &FUNDS);
    let validators = vec![
        &env,
        Address::generate(&env),
        Address::generate(&env),
        Address::generate(&env),
    ];
    let m = Market {
        token: TokenClient::new(&env, &asset.address()),
        issuer,
        asset,
        env,
        admin,
        oracle,
        market,
        pool,
        config,
        provider,
        renter,
        fee_recipient,
        validators,
        next_source: Cell::new(0),
    };
    for epoch in 0..2 {
        m.attest_source(epoch, CAPACITY);
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
        assert!(t >= self.now(), "cannot go back in time");
        advance(&self.env, t - self.now());
    }

    /// The source pool's reporters attest `epoch` after its end; effective a window later.
    fn attest_source(&self, epoch: u64, hashrate: i128) {
        self.to(self.end_of(epoch).max(self.now()));
        for r in self.config.reporters.iter() {
            self.oracle.submit(&r, &self.pool, &epoch, &hashrate, &0);
        }
        self.next_source.set(epoch + 1);
        advance(&self.env, self.config.dispute_seconds);
    }

    /// Attests [`CAPACITY`] for every ended source epoch not yet attested (effective an hour
    /// later), so that the pool's capacity is not stale when a test rents after a while.
    fn keep_source_fresh(&self) {
        let current = self.oracle.current_epoch(&self.pool);
        if self.next_source.get() >= current {
            return;
        }
        for epoch in self.next_source.get()..current {
            for r in self.config.reporters.iter() {
                self.oracle.submit(&r, &self.pool, &epoch, &CAPACITY, &0);
            }
        }
        self.next_source.set(current);
        advance(&self.env, self.config.dispute_seconds);
    }

    /// The lease's validators attest what reached the renter in `epoch`; effective a window
    /// later.
    fn attest_delivery(&self, delivery: &Symbol, epoch: u64, hashrate: i128) {
        self.to(self.end_of(epoch).max(self.now()));
        for v in self.validators.iter() {
            self.oracle.submit(&v, delivery, &epoch, &hashrate, &0);
        }
        advance(&self.env, self.config.dispute_seconds);
    }

    /// The provider's offer of `hashrate` from the source pool: 1 to 30 epochs, 3 of 3
    /// validators.
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

    fn post(&self, hashrate: i128) -> u64 {
        self.market
            .post_offer(&self.provider, &self.offer(hashrate))
    }

    /// The renter rents `hashrate` for `epochs` of the offer's current version.
    fn rent(&self, offer_id: u64, hashrate: i128, epochs: u32) -> (u64, Lease) {
        self.keep_source_fresh();
        let version = self.market.get_offer(&offer_id).expect("offer").version;
        let id = self.market.rent(
            &self.renter,
            &offer_id,
            &hashrate,
            &epochs,
            &i128::MAX,
            &version,
        );
        (id, self.market.get_lease(&id).expect("leased"))
    }

    /// A lease of 100 TH/s for `epochs` epochs on a fresh offer of 200 TH/s.
    fn lease(&self, epochs: u32) -> (u64, Lease) {
        let offer_id = self.post(200 * TH);
        self.rent(offer_id, 100 * TH, epochs)
    }

    /// A 100 TH/s lease of 10 epochs whose first two epochs were delivered at 50%: its renter
    /// may close it.
    fn closable(&self) -> (u64, Lease) {
        let (id, lease) = self.lease(10);
        for i in 0..u64::from(CLOSE_AFTER_SHORT) {
            self.attest_delivery(&lease.delivery_pool, lease.first_epoch + i, 50 * TH);
        }
        (id, lease)
    }

    /// Escrow conservation: the market holds what is still escrowed, the fees not yet
    /// withdrawn and what is kept for accounts that could not receive it.
    fn assert_books(&self) {
        let b = self.market.books();
        let held = b.escrowed - b.paid - b.refunded;
        assert!(held >= 0, "{b:?}");
        assert!(b.fees_withdrawn <= b.fees && b.fees <= b.paid, "{b:?}");
        let kept = self.market.unpaid(&self.provider) + self.market.unpaid(&self.renter);
        assert_eq!(
            self.token.balance(&self.market.address),
            held + b.fees - b.fees_withdrawn + kept,
            "{b:?}"
        );
    }
}

/// `(part paid, fee, refunded)` of one epoch of `price` delivering `delivered` of `leased`,
/// computed here from the documented rule.
fn split(price: i128, delivered: i128, leased: i128) -> (i128, i128, i128) {
    let part = price * delivered.clamp(0, leased) / leased;
    let fee = part * i128::from(FEE_BPS) / 10_000;
    (part, fee, price - part)
}

// Authorization trees.

/// Authorizes exactly `signer`'s `contract.fn_name(args)` with `sub` under it, for the next
/// call.
fn authorize_nested(
    env: &Env,
    signer: &Address,
    contract: &Address,
    fn_name: &str,
    args: Vec<Val>,
    sub: &MockAuthInvoke,
) {
    env.mock_auths(&[MockAuth {
        address: signer,
        invoke: &MockAuthInvoke {
            contract,
            fn_name,
            args,
            sub_invokes: std::slice::from_ref(sub),
        },
    }]);
}

// Events, as the XDR indexers read: (topics, data).

fn sym(name: &str) -> ScVal {
    ScVal::Symbol(ScSymbol(name.try_into().unwrap()))
}

fn addr(a: &Address) -> ScVal {
    ScVal::Address(ScAddress::from(a))
}

fn u32v(n: u32) -> ScVal {
    ScVal::U32(n)
}

fn u64v(n: u64) -> ScVal {
    ScVal::U64(n)
}

fn i128v(n: i128) -> ScVal {
    ScVal::I128(xdr::Int128Parts {
        hi: (n >> 64) as i64,
        lo: n as u64,
    })
}

fn boolv(b: bool) -> ScVal {
    ScVal::Bool(b)
}

/// A map of symbol keys (sorted, as the host keeps every map).
fn mapv(entries: &[(&str, ScVal)]) -> ScVal {
    let mut entries: std::vec::Vec<(&str, ScVal)> = entries.to_vec();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let entries: std::vec::Vec<ScMapEntry> = entries
        .into_iter()
        .map(|(key, val)| ScMapEntry { key: sym(key), val })
        .collect();
    ScVal::Map(Some(ScMap(entries.try_into().unwrap())))
}

type RawEvent = (std::vec::Vec<ScVal>, ScVal);

/// Every event `contract` emitted in the last top-level invocation.
fn events_of(env: &Env, contract: &Address) -> std::vec::Vec<RawEvent> {
    let events = env.events().all().filter_by_contract(contract);
    events
        .events()
        .iter()
        .map(|e| {
            assert_eq!(e.type_, xdr::ContractEventType::Contract);
            let xdr::ContractEventBody::V0(body) = &e.body;
            (body.topics.iter().cloned().collect(), body.data.clone())
        })
        .collect()
}

fn offer_posted(id: u64, provider: &Address, pool: &str, version: u32) -> RawEvent {
    (
        std::vec![sym("offer_posted"), u64v(id), addr(provider)],
        mapv(&[("pool", sym(pool)), ("version", u32v(version))]),
    )
}

fn offer_withdrawn(id: u64) -> RawEvent {
    (std::vec![sym("offer_withdrawn"), u64v(id)], mapv(&[]))
}

#[allow(clippy::too_many_arguments)]
fn leased(
    id: u64,
    renter: &Address,
    offer_id: u64,
    version: u32,
    hashrate: i128,
    first_epoch: u64,
    epochs: u32,
    price: i128,
) -> RawEvent {
    (
        std::vec![sym("leased"), u64v(id), addr(renter)],
        mapv(&[
            ("offer_id", u64v(offer_id)),
            ("version", u32v(version)),
            ("hashrate", i128v(hashrate)),
            ("first_epoch", u64v(first_epoch)),
            ("epochs", u32v(epochs)),
            ("price", i128v(price)),
            ("delivery_pool", sym(&format!("reg_{id}"))),
        ]),
    )
}

/// `epoch_settled` of lease `id`'s `epoch` of `leased` H/s priced `price`: `delivered`
/// (`None`: no report by the deadline), split by the documented rule.
fn epoch_settled(
    id: u64,
    epoch: u64,
    delivered: Option<i128>,
    price: i128,
    leased: i128,
) -> RawEvent {
    let (paid, fee, refunded) = split(price, delivered.unwrap_or(0), leased);
    (
        std::vec![sym("epoch_settled"), u64v(id), u64v(epoch)],
        mapv(&[
            ("delivered", i128v(delivered.unwrap_or(0))),
            ("reported", boolv(delivered.is_some())),
            ("paid", i128v(paid)),
            ("fee", i128v(fee)),
            ("refunded", i128v(refunded)),
        ]),
    )
}

fn lease_closed(id: u64, epochs: u32, refunded: i128) -> RawEvent {
    (
        std::vec![sym("lease_closed"), u64v(id)],
        mapv(&[("epochs", u32v(epochs)), ("refunded", i128v(refunded))]),
    )
}

fn pool_registered(pool: &str, operator: &Address) -> RawEvent {
    (
        std::vec![sym("pool_registered"), sym(pool)],
        mapv(&[("operator", addr(operator))]),
    )
}

fn token_bound(pool: &str, token: &Address) -> RawEvent {
    (
        std::vec![sym("token_bound"), sym(pool)],
        mapv(&[("token", addr(token))]),
    )
}

// ---------------------------------------------------------------------------------------------
// 1. Every reachable error, refused with no state change
// ---------------------------------------------------------------------------------------------

#[test]
fn offer_not_found_for_a_missing_or_withdrawn_offer() {
    let m = market();
    let env = &m.env;
    let offer = m.offer(100 * TH);
    for id in [0u64, 7, u64::MAX] {
        assert_eq!(m.market.get_offer(&id), None);
        refuse(env, LeaseError::OfferNotFound, || {
            m.market.try_update_offer(&id, &offer)
        });
        refuse(env, LeaseError::OfferNotFound, || {
            m.market.try_withdraw_offer(&id)
        });
        refuse(env, LeaseError::OfferNotFound, || {
            m.market.try_rent(&m.renter, &id, &TH, &1, &i128::MAX, &1)
        });
    }
    let id = m.post(100 * TH);
    m.market.withdraw_offer(&id);
    assert_eq!(m.market.get_offer(&id), None, "withdrawn");
    refuse(env, LeaseError::OfferNotFound, || {
        m.market.try_update_offer(&id, &offer)
    });
    refuse(env, LeaseError::OfferNotFound, || {
        m.market.try_withdraw_offer(&id)
    });
    refuse(env, LeaseError::OfferNotFound, || {
        m.market.try_rent(&m.renter, &id, &TH, &1, &i128::MAX, &1)
    });
    // Ids are never reused: the next offer is 1.
    assert_eq!(m.post(100 * TH), 1);
}

#[test]
fn lease_not_found_for_settle_and_close() {
    let m = market();
    let env = &m.env;
    for id in [0u64, 1, u64::MAX] {
        assert_eq!(m.market.get_lease(&id), None);
        refuse(env, LeaseError::LeaseNotFound, || m.market.try_settle(&id));
        refuse(env, LeaseError::LeaseNotFound, || m.market.try_close(&id));
    }
    let (id, _) = m.lease(2);
    assert_eq!(id, 0);
    refuse(env, LeaseError::LeaseNotFound, || m.market.try_settle(&1));
    refuse(env, LeaseError::LeaseNotFound, || m.market.try_close(&1));
}

/// Each offer breaking exactly one rule of `check_offer`, refused by `post_offer` and by
/// `update_offer`; the limits themselves are accepted.
#[test]
fn every_rule_of_check_offer_is_refused_with_invalid_offer() {
    let m = market();
    let env = &m.env;
    let accounts = |n: u32| {
        let mut v = Vec::new(env);
        for _ in 0..n {
            v.push_back(Address::generate(env));
        }
        v
    };
    let with = |adjust: &dyn Fn(&mut Offer)| {
        let mut o = m.offer(100 * TH);
        adjust(&mut o);
        o
    };
    let (a, b, c) = (
        Address::generate(env),
        Address::generate(env),
        Address::generate(env),
    );
    let mut invalid: std::vec::Vec<(String, Offer)> = std::vec![
        ("hashrate 0".into(), with(&|o| o.hashrate = 0)),
        ("hashrate < 0".into(), with(&|o| o.hashrate = -TH)),
        ("price 0".into(), with(&|o| o.price_per_th_epoch = 0)),
        ("price < 0".into(), with(&|o| o.price_per_th_epoch = -1)),
        ("min 0".into(), with(&|o| o.min_epochs = 0)),
        (
            "min 0 max 0".into(),
            with(&|o| (o.min_epochs, o.max_epochs) = (0, 0))
        ),
        (
            "min > max".into(),
            with(&|o| (o.min_epochs, o.max_epochs) = (5, 4))
        ),
        ("max 367".into(), with(&|o| o.max_epochs = 367)),
        ("max u32::MAX".into(), with(&|o| o.max_epochs = u32::MAX)),
        (
            "no validators".into(),
            with(&|o| (o.validators, o.quorum) = (Vec::new(env), 0))
        ),
        (
            "no validators, quorum 3".into(),
            with(&|o| o.validators = Vec::new(env))
        ),
        (
            "duplicate validators".into(),
            with(&|o| o.validators = vec![env, a.clone(), b.clone(), c.clone(), a.clone()]),
        ),
        (
            "the same validator twice".into(),
            with(&|o| (o.validators, o.quorum) = (vec![env, a.clone(), a.clone()], 2)),
        ),
        (
            "overflowing price".into(),
            with(&|o| (o.price_per_th_epoch, o.hashrate) = (i128::MAX, 2 * TH)),
        ),
    ];
    let seventeen = accounts(MAX_REPORTERS + 1);
    invalid.push((
        "17 validators".into(),
        with(&|o| (o.validators, o.quorum) = (seventeen.clone(), 9)),
    ));
    // Quorums that are not an honest majority: (validators, quorum).
    for (n, q) in [
        (1, 0),
        (2, 1),
        (3, 2),
        (4, 2),
        (5, 2),
        (3, 0),
        (4, 5),
        (16, 8),
        (3, u32::MAX),
    ] {
        let v = accounts(n);
        invalid.push((
            format!("quorum {q} of {n}"),
            with(&|o| (o.validators, o.quorum) = (v.clone(), q)),
        ));
    }

    for (rule, offer) in &invalid {
        assert_unchanged(env, || {
            assert_eq!(
                m.market.try_post_offer(&m.provider, offer),
                Err(Ok(LeaseError::InvalidOffer.into())),
                "post_offer: {rule}"
            )
        });
    }
    assert_eq!(
        m.oracle.token(&m.pool),
        None,
        "no refused offer bound the pool"
    );

    // The limits are accepted.
    let sixteen = accounts(MAX_REPORTERS);
    let valid = [
        with(&|o| (o.min_epochs, o.max_epochs) = (366, 366)),
        with(&|o| (o.validators, o.quorum) = (sixteen.clone(), 9)),
        with(&|o| (o.validators, o.quorum) = (accounts(1), 1)),
        with(&|o| (o.validators, o.quorum) = (accounts(2), 2)),
        with(&|o| (o.validators, o.quorum) = (accounts(4), 3)),
        with(&|o| (o.validators, o.quorum) = (accounts(5), 3)),
        with(&|o| (o.price_per_th_epoch, o.hashrate) = (1, 1)),
        with(&|o| (o.price_per_th_epoch, o.hashrate) = (i128::MAX, TH)),
    ];
    for offer in &valid {
        let id = m.market.post_offer(&m.provider, offer);
        let stored = m.market.get_offer(&id).expect("posted");
        assert_eq!(
            stored,
            Offer {
                version: 1,
                ..offer.clone()
            }
        );
    }

    // update_offer applies the same rules.
    let id = m.post(100 * TH);
    for (rule, offer) in &invalid {
        assert_unchanged(env, || {
            assert_eq!(
                m.market.try_update_offer(&id, offer),
                Err(Ok(LeaseError::InvalidOffer.into())),
                "update_offer: {rule}"
            )
        });
    }
    for offer in &valid {
        m.market.update_offer(&id, offer);
    }
    assert_eq!(
        m.market.get_offer(&id).expect("offer").version,
        1 + valid.len() as u32
    );
}

#[test]
fn only_the_pools_operator_posts_and_updates_keep_provider_and_pool() {
    let m = market();
    let env = &m.env;
    let stranger = Address::generate(env);
    // A stranger offering the pool as its own: it is not the pool's operator.
    let mut theirs = m.offer(100 * TH);
    theirs.provider = stranger.clone();
    refuse(env, LeaseError::NotOperator, || {
        m.market.try_post_offer(&stranger, &theirs)
    });
    // The provider signing an offer naming someone else as provider.
    refuse(env, LeaseError::NotOperator, || {
        m.market.try_post_offer(&m.provider, &theirs)
    });
    // A stranger signing the provider's offer.
    refuse(env, LeaseError::NotOperator, || {
        m.market.try_post_offer(&stranger, &m.offer(100 * TH))
    });
    // The operator of one pool offering another operator's pool.
    let other = Symbol::new(env, "antpool_s19");
    m.oracle.register_pool(&other, &pool_config(env, 3, 3));
    let mut elsewhere = m.offer(100 * TH);
    elsewhere.pool = other.clone();
    refuse(env, LeaseError::NotOperator, || {
        m.market.try_post_offer(&m.provider, &elsewhere)
    });
    assert_eq!(m.oracle.token(&m.pool), None);
    assert_eq!(m.oracle.token(&other), None);

    // An update may not change the provider nor the pool.
    let id = m.post(100 * TH);
    let mut new_provider = m.offer(100 * TH);
    new_provider.provider = stranger.clone();
    refuse(env, LeaseError::NotOperator, || {
        m.market.try_update_offer(&id, &new_provider)
    });
    refuse(env, LeaseError::NotOperator, || {
        m.market.try_update_offer(&id, &elsewhere)
    });
    // Not even to another pool of the same provider.
    let mine = Symbol::new(env, "f2pool_s21_b");
    let mut config = pool_config(env, 3, 3);
    config.operator = m.provider.clone();
    m.oracle.register_pool(&mine, &config);
    let mut moved = m.offer(100 * TH);
    moved.pool = mine;
    refuse(env, LeaseError::NotOperator, || {
        m.market.try_update_offer(&id, &moved)
    });
    assert_eq!(m.market.get_offer(&id).expect("offer").version, 1);
}

#[test]
fn a_pool_bound_to_another_consumer_cannot_be_offered() {
    let m = market();
    let env = &m.env;
    // A share token sells the pool's hashrate.
    let token = Address::generate(env);
    m.oracle.bind_token(&m.pool, &token, &m.provider);
    refuse(env, LeaseError::PoolBound, || {
        m.market.try_post_offer(&m.provider, &m.offer(100 * TH))
    });
    // Another market leases a second pool first.
    let second = Symbol::new(env, "f2pool_s21_b");
    let mut config = m.config.clone();
    config.operator = m.provider.clone();
    m.oracle.register_pool(&second, &config);
    let rival = deploy_market(
        env,
        &m.admin,
        &m.oracle.address,
        &m.asset.address(),
        FEE_BPS,
        &m.fee_recipient,
    );
    let mut offer = m.offer(100 * TH);
    offer.pool = second.clone();
    rival.post_offer(&m.provider, &offer);
    refuse(env, LeaseError::PoolBound, || {
        m.market.try_post_offer(&m.provider, &offer)
    });
    assert_eq!(m.oracle.token(&second), Some(rival.address.clone()));
}

#[test]
fn a_rent_naming_another_version_is_refused_with_offer_changed() {
    let m = market();
    let env = &m.env;
    let id = m.post(200 * TH);
    for version in [0u32, 2, u32::MAX] {
        refuse(env, LeaseError::OfferChanged, || {
            m.market
                .try_rent(&m.renter, &id, &TH, &1, &i128::MAX, &version)
        });
    }
    m.market.update_offer(&id, &m.offer(150 * TH));
    refuse(env, LeaseError::OfferChanged, || {
        m.market.try_rent(&m.renter, &id, &TH, &1, &i128::MAX, &1)
    });
    m.market.rent(&m.renter, &id, &TH, &1, &i128::MAX, &2);
}

#[test]
fn epochs_outside_the_offers_bounds_are_refused() {
    let m = market();
    let env = &m.env;
    let mut offer = m.offer(200 * TH);
    (offer.min_epochs, offer.max_epochs) = (2, 5);
    let id = m.market.post_offer(&m.provider, &offer);
    for epochs in [0u32, 1, 6, 366, u32::MAX] {
        refuse(env, LeaseError::InvalidEpochs, || {
            m.market
                .try_rent(&m.renter, &id, &TH, &epochs, &i128::MAX, &1)
        });
    }
    m.rent(id, TH, 2);
    m.rent(id, TH, 5);
}

#[test]
fn hashrate_not_positive_or_beyond_the_offer_is_refused() {
    let m = market();
    let env = &m.env;
    let id = m.post(200 * TH);
    for hashrate in [0, -1, i128::MIN, 200 * TH + 1, i128::MAX] {
        refuse(env, LeaseError::InvalidHashrate, || {
            m.market
                .try_rent(&m.renter, &id, &hashrate, &1, &i128::MAX, &1)
        });
    }
    m.rent(id, 200 * TH, 1);
    m.rent(id, 1, 1);
}

#[test]
fn a_price_above_max_price_is_refused_to_the_unit() {
    let m = market();
    let env = &m.env;
    let mut offer = m.offer(200 * TH);
    offer.price_per_th_epoch = 3;
    let id = m.market.post_offer(&m.provider, &offer);
    // 1.5 TH/s at 3 per TH/s: 4.5 an epoch, rounded up to 5; 10 for two epochs.
    let hashrate = 3 * TH / 2;
    for max_price in [9, 0, -1, i128::MIN] {
        refuse(env, LeaseError::PriceTooHigh, || {
            m.market
                .try_rent(&m.renter, &id, &hashrate, &2, &max_price, &1)
        });
    }
    let before = m.token.balance(&m.renter);
    let lease = m.market.rent(&m.renter, &id, &hashrate, &2, &10, &1);
    assert_eq!(m.token.balance(&m.renter), before - 10);
    assert_eq!(
        m.market.get_lease(&lease).expect("lease").price_per_epoch,
        5
    );
}

#[test]
fn capacity_is_the_pools_sustained_hashrate_and_zero_or_stale_is_none() {
    let m = market();
    let env = &m.env;
    assert_eq!(m.oracle.capacity(&m.pool), CAPACITY);
    let id = m.post(600 * TH);
    refuse(env, LeaseError::CapacityExceeded, || {
        m.market
            .try_rent(&m.renter, &id, &(CAPACITY + 1), &1, &i128::MAX, &1)
    });
    m.rent(id, 300 * TH, 3);
    refuse(env, LeaseError::CapacityExceeded, || {
        m.market
            .try_rent(&m.renter, &id, &(200 * TH + 1), &1, &i128::MAX, &1)
    });
    // Across offers of the same pool too.
    let other = m.post(600 * TH);
    refuse(env, LeaseError::CapacityExceeded, || {
        m.market
            .try_rent(&m.renter, &other, &(200 * TH + 1), &1, &i128::MAX, &1)
    });
    m.rent(other, 200 * TH, 1);
    assert_eq!(m.market.committed(&m.pool), CAPACITY);
    refuse(env, LeaseError::CapacityExceeded, || {
        m.market.try_rent(&m.renter, &id, &1, &1, &i128::MAX, &1)
    });

    // A pool with no attested capacity yet.
    let fresh = Symbol::new(env, "f2pool_s21_b");
    let mut config = m.config.clone();
    config.operator = m.provider.clone();
    config.genesis = m.now();
    m.oracle.register_pool(&fresh, &config);
    let mut offer = m.offer(100 * TH);
    offer.pool = fresh.clone();
    let fresh_id = m.market.post_offer(&m.provider, &offer);
    assert_eq!(m.oracle.capacity(&fresh), 0);
    refuse(env, LeaseError::CapacityExceeded, || {
        m.market
            .try_rent(&m.renter, &fresh_id, &1, &1, &i128::MAX, &1)
    });

    // The source pool's capacity goes stale once its latest report is more than
    // `max_age_epochs` behind: then nothing more can be leased of it.
    let m = market();
    let env = &m.env;
    let id = m.post(100 * TH);
    let stale_at = m.config.genesis + (1 + m.config.max_age_epochs + 1) * m.config.epoch_seconds;
    m.to(stale_at - 1);
    assert_eq!(m.oracle.capacity(&m.pool), CAPACITY);
    m.to(stale_at);
    assert_eq!(m.oracle.capacity(&m.pool), 0);
    refuse(env, LeaseError::CapacityExceeded, || {
        m.market.try_rent(&m.renter, &id, &1, &1, &i128::MAX, &1)
    });
}

#[test]
fn close_needs_consecutive_short_epochs() {
    let m = market();
    let env = &m.env;
    let (id, lease) = m.lease(10);
    let (first, delivery) = (lease.first_epoch, lease.delivery_pool.clone());
    // Nothing settled yet.
    refuse(env, LeaseError::CloseNotAllowed, || m.market.try_close(&id));
    // One short epoch: the settlement the close would make on the way is rolled back too.
    m.attest_delivery(&delivery, first, 50 * TH);
    refuse(env, LeaseError::CloseNotAllowed, || m.market.try_close(&id));
    assert_eq!(m.market.get_lease(&id).expect("lease").settled_epochs, 0);
    // Exactly 90% is not short: the streak restarts.
    m.attest_delivery(&delivery, first + 1, 90 * TH);
    refuse(env, LeaseError::CloseNotAllowed, || m.market.try_close(&id));
    m.attest_delivery(&delivery, first + 2, 90 * TH - 1);
    refuse(env, LeaseError::CloseNotAllowed, || m.market.try_close(&id));
    // A second short epoch in a row, but its report not yet effective: still not allowed.
    m.to(m.end_of(first + 3));
    for v in m.validators.iter() {
        m.oracle.submit(&v, &delivery, &(first + 3), &0, &0);
    }
    refuse(env, LeaseError::CloseNotAllowed, || m.market.try_close(&id));
    advance(env, m.config.dispute_seconds);
    m.market.close(&id);
    let lease = m.market.get_lease(&id).expect("lease");
    assert!(lease.closed);
    assert_eq!(lease.settled_epochs, 4);
    m.assert_books();
}

#[test]
fn a_closed_or_fully_settled_lease_cannot_be_closed() {
    let m = market();
    let env = &m.env;
    let (id, _) = m.closable();
    m.market.close(&id);
    refuse(env, LeaseError::LeaseEnded, || m.market.try_close(&id));

    let (id, lease) = m.lease(1);
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch, 0);
    m.market.settle(&id);
    refuse(env, LeaseError::LeaseEnded, || m.market.try_close(&id));

    // A lease whose last epoch settles on the way is not refused: the close settles it, and
    // ends nothing else.
    let (id, lease) = m.lease(2);
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch, 0);
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch + 1, 0);
    m.market.close(&id);
    let after = m.market.get_lease(&id).expect("lease");
    assert_eq!((after.settled_epochs, after.closed), (2, false));
    assert_eq!(after.refunded, 2 * EPOCH_100);
    refuse(env, LeaseError::LeaseEnded, || m.market.try_close(&id));
    m.assert_books();
}

#[test]
fn a_total_price_beyond_i128_is_refused_with_overflow() {
    let m = market();
    let env = &m.env;
    let mut offer = m.offer(TH);
    offer.price_per_th_epoch = i128::MAX / 2;
    let id = m.market.post_offer(&m.provider, &offer);
    // One or two epochs fit in i128 (the renter cannot pay them); three do not.
    refuse(env, LeaseError::Overflow, || {
        m.market.try_rent(&m.renter, &id, &TH, &3, &i128::MAX, &1)
    });
    refuse(env, LeaseError::PriceTooHigh, || {
        m.market.try_rent(&m.renter, &id, &TH, &2, &0, &1)
    });
}

#[test]
fn the_constructor_refuses_a_fee_above_twenty_percent() {
    let m = market();
    let env = &m.env;
    for fee in [2_001u32, 10_000, u32::MAX] {
        let message = assert_unchanged(env, || {
            panic_message(|| {
                deploy_market(
                    env,
                    &m.admin,
                    &m.oracle.address,
                    &m.asset.address(),
                    fee,
                    &m.fee_recipient,
                )
                .address
            })
        });
        assert!(
            message.contains("Error(Contract, #513)"),
            "expected InvalidFee (513) for {fee}, got: {message}"
        );
    }
    let market = deploy_market(
        env,
        &m.admin,
        &m.oracle.address,
        &m.asset.address(),
        2_000,
        &m.fee_recipient,
    );
    assert_eq!(market.fee_bps(), 2_000);
}

#[test]
fn accept_admin_without_a_proposal_is_refused_with_no_pending_admin() {
    let m = market();
    let env = &m.env;
    refuse(env, LeaseError::NoPendingAdmin, || {
        m.market.try_accept_admin()
    });
    let next = Address::generate(env);
    m.market.propose_admin(&next);
    m.market.accept_admin();
    assert_eq!(m.market.admin(), next);
    // The proposal is used up.
    refuse(env, LeaseError::NoPendingAdmin, || {
        m.market.try_accept_admin()
    });
}

#[test]
fn register_pool_by_needs_an_allowed_registrar_and_so_does_rent() {
    let m = market();
    let env = &m.env;
    let stranger = Address::generate(env);
    let config = pool_config(env, 3, 3);
    refuse(env, OracleError::NotRegistrar, || {
        m.oracle.try_register_pool_by(&stranger, &config)
    });
    // A registrar allowed, then stopped.
    m.oracle.set_registrar(&stranger, &true);
    assert!(m.oracle.is_registrar(&stranger));
    m.oracle.set_registrar(&stranger, &false);
    assert!(!m.oracle.is_registrar(&stranger));
    refuse(env, OracleError::NotRegistrar, || {
        m.oracle.try_register_pool_by(&stranger, &config)
    });

    // A market the oracle does not (or no longer) allow cannot rent: the oracle's refusal
    // surfaces, and the escrow it would have taken stays with the renter.
    let id = m.post(100 * TH);
    m.oracle.set_registrar(&m.market.address, &false);
    refuse(env, OracleError::NotRegistrar, || {
        m.market.try_rent(&m.renter, &id, &TH, &1, &i128::MAX, &1)
    });
    assert_eq!(m.token.balance(&m.renter), FUNDS);
    m.oracle.set_registrar(&m.market.address, &true);
    m.rent(id, TH, 1);
}

// ---------------------------------------------------------------------------------------------
// 2. Exact authorization trees
// ---------------------------------------------------------------------------------------------

#[test]
fn post_offer_asks_the_provider_with_the_pool_binding_nested_on_its_first_offer_only() {
    let m = market();
    let env = &m.env;
    let offer = m.offer(100 * TH);
    m.market.post_offer(&m.provider, &offer);
    assert_auth_tree(
        env,
        &m.provider,
        invocation(
            env,
            &m.market.address,
            "post_offer",
            (m.provider.clone(), offer.clone()).into_val(env),
            std::vec![invocation(
                env,
                &m.oracle.address,
                "bind_token",
                (m.pool.clone(), m.market.address.clone(), m.provider.clone()).into_val(env),
                std::vec![],
            )],
        ),
    );
    // The pool is bound: a second offer asks the provider for nothing else.
    let second = m.offer(50 * TH);
    m.market.post_offer(&m.provider, &second);
    assert_signed_by(
        env,
        &m.provider,
        &m.market.address,
        "post_offer",
        (m.provider.clone(), second).into_val(env),
    );
}

#[test]
fn update_withdraw_rent_close_and_collect_ask_exactly_their_signers() {
    let m = market();
    let env = &m.env;
    let id = m.post(200 * TH);
    let terms = m.offer(150 * TH);
    m.market.update_offer(&id, &terms);
    assert_signed_by(
        env,
        &m.provider,
        &m.market.address,
        "update_offer",
        (id, terms).into_val(env),
    );

    let (hashrate, epochs, max_price) = (100 * TH, 10u32, 2_000_000i128);
    let lease_id = m
        .market
        .rent(&m.renter, &id, &hashrate, &epochs, &max_price, &2);
    assert_auth_tree(
        env,
        &m.renter,
        invocation(
            env,
            &m.market.address,
            "rent",
            (m.renter.clone(), id, hashrate, epochs, max_price, 2u32).into_val(env),
            std::vec![invocation(
                env,
                &m.token.address,
                "transfer",
                (m.renter.clone(), m.market.address.clone(), 10 * EPOCH_100,).into_val(env),
                std::vec![],
            )],
        ),
    );

    m.market.withdraw_offer(&id);
    assert_signed_by(
        env,
        &m.provider,
        &m.market.address,
        "withdraw_offer",
        (id,).into_val(env),
    );

    let delivery = m.market.get_lease(&lease_id).expect("lease");
    for i in 0..2 {
        m.attest_delivery(&delivery.delivery_pool, delivery.first_epoch + i, 10 * TH);
    }
    m.market.close(&lease_id);
    assert_signed_by(
        env,
        &m.renter,
        &m.market.address,
        "close",
        (lease_id,).into_val(env),
    );

    // collect asks its account, even with nothing to collect.
    assert_eq!(m.market.collect(&m.renter), 0);
    assert_signed_by(
        env,
        &m.renter,
        &m.market.address,
        "collect",
        (m.renter.clone(),).into_val(env),
    );
}

#[test]
fn settle_needs_no_signature_at_all() {
    let m = market();
    let env = &m.env;
    let (id, lease) = m.lease(3);
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch, 80 * TH);
    m.market.settle(&id);
    assert_eq!(
        env.auths(),
        std::vec![],
        "nobody's authorization is recorded"
    );
    // With no authorization at all, a stranger's settle goes through.
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch + 1, 100 * TH);
    env.set_auths(&[]);
    assert_eq!(m.market.settle(&id), (EPOCH_100, 0));
    assert_eq!(env.auths(), std::vec![]);
    assert_eq!(m.market.get_lease(&id).expect("lease").settled_epochs, 2);
}

#[test]
fn fees_admin_and_upgrade_ask_exactly_their_signers() {
    let m = market();
    let env = &m.env;
    let (id, lease) = m.lease(1);
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch, 100 * TH);
    m.market.settle(&id);
    assert_eq!(m.market.withdraw_fees(), 5_000);
    assert_signed_by(
        env,
        &m.fee_recipient,
        &m.market.address,
        "withdraw_fees",
        ().into_val(env),
    );
    // Asked even with nothing to withdraw.
    assert_eq!(m.market.withdraw_fees(), 0);
    assert_signed_by(
        env,
        &m.fee_recipient,
        &m.market.address,
        "withdraw_fees",
        ().into_val(env),
    );

    let recipient = Address::generate(env);
    m.market.set_fee_recipient(&recipient);
    assert_signed_by(
        env,
        &m.admin,
        &m.market.address,
        "set_fee_recipient",
        (recipient.clone(),).into_val(env),
    );
    assert_eq!(m.market.fee_recipient(), recipient);

    let settled = m.market.get_lease(&id).expect("lease");
    let hash: BytesN<32> = env
        .deployer()
        .upload_contract_wasm(wasm("hashrate_lease").as_slice());
    m.market.upgrade(&hash);
    assert_signed_by(
        env,
        &m.admin,
        &m.market.address,
        "upgrade",
        (hash.clone(),).into_val(env),
    );
    assert_eq!(
        m.market.get_lease(&id),
        Some(settled),
        "kept across the upgrade"
    );

    let next = Address::generate(env);
    m.market.propose_admin(&next);
    assert_signed_by(
        env,
        &m.admin,
        &m.market.address,
        "propose_admin",
        (next.clone(),).into_val(env),
    );
    m.market.accept_admin();
    assert_signed_by(
        env,
        &next,
        &m.market.address,
        "accept_admin",
        ().into_val(env),
    );
    assert_eq!(m.market.admin(), next);
}

#[test]
fn the_oracles_set_registrar_asks_the_admin_and_register_pool_by_the_registrar() {
    let m = market();
    let env = &m.env;
    let registrar = Address::generate(env);
    m.oracle.set_registrar(&registrar, &true);
    assert_signed_by(
        env,
        &m.admin,
        &m.oracle.address,
        "set_registrar",
        (registrar.clone(), true).into_val(env),
    );
    let config = pool_config(env, 3, 3);
    let pool = m.oracle.register_pool_by(&registrar, &config);
    assert_eq!(pool, Symbol::new(env, "reg_0"), "numbered by the oracle");
    assert_signed_by(
        env,
        &registrar,
        &m.oracle.address,
        "register_pool_by",
        (registrar.clone(), config.clone()).into_val(env),
    );
    assert_eq!(m.oracle.pool(&pool), config);
    assert_eq!(m.oracle.token(&pool), Some(registrar));
}

// ---------------------------------------------------------------------------------------------
// 3. Wrong signers: refused, with no state change
// ---------------------------------------------------------------------------------------------

#[test]
fn offers_are_signed_by_their_provider_only() {
    let m = market();
    let env = &m.env;
    let stranger = Address::generate(env);
    let offer = m.offer(200 * TH);
    let args: Vec<Val> = (m.provider.clone(), offer.clone()).into_val(env);
    authorize(
        env,
        &stranger,
        &m.market.address,
        "post_offer",
        args.clone(),
    );
    refuse_auth(env, || m.market.try_post_offer(&m.provider, &offer));
    // The provider's signature over the post alone does not cover the binding it nests.
    authorize(
        env,
        &m.provider,
        &m.market.address,
        "post_offer",
        args.clone(),
    );
    refuse_auth(env, || m.market.try_post_offer(&m.provider, &offer));
    let bind = MockAuthInvoke {
        contract: &m.oracle.address,
        fn_name: "bind_token",
        args: (m.pool.clone(), m.market.address.clone(), m.provider.clone()).into_val(env),
        sub_invokes: &[],
    };
    authorize_nested(
        env,
        &m.provider,
        &m.market.address,
        "post_offer",
        args,
        &bind,
    );
    let id = m.market.post_offer(&m.provider, &offer);

    let terms = m.offer(150 * TH);
    for signer in [&stranger, &m.admin, &m.renter] {
        authorize(
            env,
            signer,
            &m.market.address,
            "update_offer",
            (id, terms.clone()).into_val(env),
        );
        refuse_auth(env, || m.market.try_update_offer(&id, &terms));
        authorize(
            env,
            signer,
            &m.market.address,
            "withdraw_offer",
            (id,).into_val(env),
        );
        refuse_auth(env, || m.market.try_withdraw_offer(&id));
    }
    authorize(
        env,
        &m.provider,
        &m.market.address,
        "update_offer",
        (id, terms.clone()).into_val(env),
    );
    m.market.update_offer(&id, &terms);
    authorize(
        env,
        &m.provider,
        &m.market.address,
        "withdraw_offer",
        (id,).into_val(env),
    );
    m.market.withdraw_offer(&id);
    assert_eq!(m.market.get_offer(&id), None);
}

#[test]
fn a_rent_close_and_collect_are_signed_by_the_renter_only() {
    let m = market();
    let env = &m.env;
    let stranger = Address::generate(env);
    let id = m.post(200 * TH);
    let (hashrate, epochs, price) = (100 * TH, 10u32, 10 * EPOCH_100);
    let args: Vec<Val> = (m.renter.clone(), id, hashrate, epochs, price, 1u32).into_val(env);
    let transfer = MockAuthInvoke {
        contract: &m.token.address,
        fn_name: "transfer",
        args: (m.renter.clone(), m.market.address.clone(), price).into_val(env),
        sub_invokes: &[],
    };
    // Another account signing the renter's rent (transfer included) is refused.
    authorize_nested(
        env,
        &stranger,
        &m.market.address,
        "rent",
        args.clone(),
        &transfer,
    );
    refuse_auth(env, || {
        m.market
            .try_rent(&m.renter, &id, &hashrate, &epochs, &price, &1)
    });
    authorize_nested(
        env,
        &m.provider,
        &m.market.address,
        "rent",
        args.clone(),
        &transfer,
    );
    refuse_auth(env, || {
        m.market
            .try_rent(&m.renter, &id, &hashrate, &epochs, &price, &1)
    });
    authorize_nested(env, &m.renter, &m.market.address, "rent", args, &transfer);
    let lease_id = m
        .market
        .rent(&m.renter, &id, &hashrate, &epochs, &price, &1);

    env.mock_all_auths();
    let lease = m.market.get_lease(&lease_id).expect("lease");
    for i in 0..2 {
        m.attest_delivery(&lease.delivery_pool, lease.first_epoch + i, 10 * TH);
    }
    for signer in [&stranger, &m.provider, &m.admin] {
        authorize(
            env,
            signer,
            &m.market.address,
            "close",
            (lease_id,).into_val(env),
        );
        refuse_auth(env, || m.market.try_close(&lease_id));
        authorize(
            env,
            signer,
            &m.market.address,
            "collect",
            (m.renter.clone(),).into_val(env),
        );
        refuse_auth(env, || m.market.try_collect(&m.renter));
    }
    authorize(
        env,
        &m.renter,
        &m.market.address,
        "close",
        (lease_id,).into_val(env),
    );
    m.market.close(&lease_id);
    assert!(m.market.get_lease(&lease_id).expect("lease").closed);
}

#[test]
fn fees_and_admin_calls_are_signed_by_their_holder_only() {
    let m = market();
    let env = &m.env;
    let stranger = Address::generate(env);
    let (id, lease) = m.lease(1);
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch, 100 * TH);
    m.market.settle(&id);

    for signer in [&stranger, &m.admin, &m.provider] {
        authorize(
            env,
            signer,
            &m.market.address,
            "withdraw_fees",
            ().into_val(env),
        );
        refuse_auth(env, || m.market.try_withdraw_fees());
    }
    let recipient = Address::generate(env);
    let hash: BytesN<32> = env
        .deployer()
        .upload_contract_wasm(wasm("hashrate_lease").as_slice());
    let next = Address::generate(env);
    for signer in [&stranger, &m.fee_recipient, &m.provider] {
        authorize(
            env,
            signer,
            &m.market.address,
            "set_fee_recipient",
            (recipient.clone(),).into_val(env),
        );
        refuse_auth(env, || m.market.try_set_fee_recipient(&recipient));
        authorize(
            env,
            signer,
            &m.market.address,
            "upgrade",
            (hash.clone(),).into_val(env),
        );
        refuse_auth(env, || m.market.try_upgrade(&hash));
        authorize(
            env,
            signer,
            &m.market.address,
            "propose_admin",
            (next.clone(),).into_val(env),
        );
        refuse_auth(env, || m.market.try_propose_admin(&next));
        authorize(
            env,
            signer,
            &m.oracle.address,
            "set_registrar",
            (stranger.clone(), true).into_val(env),
        );
        refuse_auth(env, || m.oracle.try_set_registrar(&stranger, &true));
    }
    assert!(!m.oracle.is_registrar(&stranger));

    // The right signers go through.
    authorize(
        env,
        &m.fee_recipient,
        &m.market.address,
        "withdraw_fees",
        ().into_val(env),
    );
    assert_eq!(m.market.withdraw_fees(), 5_000);
    authorize(
        env,
        &m.admin,
        &m.market.address,
        "set_fee_recipient",
        (recipient.clone(),).into_val(env),
    );
    m.market.set_fee_recipient(&recipient);
    authorize(
        env,
        &m.admin,
        &m.market.address,
        "upgrade",
        (hash.clone(),).into_val(env),
    );
    m.market.upgrade(&hash);
    authorize(
        env,
        &m.admin,
        &m.market.address,
        "propose_admin",
        (next.clone(),).into_val(env),
    );
    m.market.propose_admin(&next);
    // Only the proposed account accepts.
    for signer in [&stranger, &m.admin] {
        authorize(
            env,
            signer,
            &m.market.address,
            "accept_admin",
            ().into_val(env),
        );
        refuse_auth(env, || m.market.try_accept_admin());
    }
    authorize(
        env,
        &next,
        &m.market.address,
        "accept_admin",
        ().into_val(env),
    );
    m.market.accept_admin();
    assert_eq!(m.market.admin(), next);
    // The former admin has lost its powers.
    authorize(
        env,
        &m.admin,
        &m.market.address,
        "set_fee_recipient",
        (stranger.clone(),).into_val(env),
    );
    refuse_auth(env, || m.market.try_set_fee_recipient(&stranger));
}

// ---------------------------------------------------------------------------------------------
// 4. Exact events
// ---------------------------------------------------------------------------------------------

#[test]
fn offers_emit_offer_posted_and_withdrawn_and_bind_the_pool_once() {
    let m = market();
    let env = &m.env;
    let id = m.post(200 * TH);
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![offer_posted(id, &m.provider, "f2pool_s21", 1)]
    );
    assert_eq!(
        events_of(env, &m.oracle.address),
        std::vec![token_bound("f2pool_s21", &m.market.address)]
    );
    let second = m.post(100 * TH);
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![offer_posted(second, &m.provider, "f2pool_s21", 1)]
    );
    assert_eq!(events_of(env, &m.oracle.address), std::vec![]);
    m.market.update_offer(&id, &m.offer(150 * TH));
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![offer_posted(id, &m.provider, "f2pool_s21", 2)]
    );
    m.market.withdraw_offer(&id);
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![offer_withdrawn(id)]
    );
}

#[test]
fn a_lease_emits_leased_each_epoch_settled_and_lease_closed() {
    let m = market();
    let env = &m.env;
    let offer_id = m.post(200 * TH);
    let id = m
        .market
        .rent(&m.renter, &offer_id, &(100 * TH), &10, &i128::MAX, &1);
    let (first, delivery) = (3, Symbol::new(env, "reg_0"));
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![leased(
            id,
            &m.renter,
            offer_id,
            1,
            100 * TH,
            first,
            10,
            10 * EPOCH_100
        )]
    );
    assert_eq!(
        events_of(env, &m.oracle.address),
        std::vec![
            pool_registered("reg_0", &m.provider),
            token_bound("reg_0", &m.market.address),
        ]
    );
    let lease = m.market.get_lease(&id).expect("lease");
    assert_eq!(
        (lease.first_epoch, &lease.delivery_pool),
        (first, &delivery)
    );
    // Nothing to settle: no event.
    m.market.settle(&id);
    assert_eq!(events_of(env, &m.market.address), std::vec![]);

    // Full (over-delivered), 73%, no report by the deadline: one event each, in order.
    m.attest_delivery(&delivery, first, 120 * TH);
    m.attest_delivery(&delivery, first + 1, 73 * TH);
    m.to(m.end_of(first + 2) + m.config.max_age_epochs * m.config.epoch_seconds);
    assert_eq!(m.market.settle(&id), (100_000 + 73_000, 27_000 + 100_000));
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![
            epoch_settled(id, first, Some(120 * TH), EPOCH_100, 100 * TH),
            epoch_settled(id, first + 1, Some(73 * TH), EPOCH_100, 100 * TH),
            epoch_settled(id, first + 2, None, EPOCH_100, 100 * TH),
        ]
    );
    // 73% then nothing: two short epochs, the renter may close. The clock is in epoch
    // first + 5; epochs first + 3 and first + 4 ended, unreported, their deadlines to come: the
    // walk on the way settles nothing, epochs up to the current one stay, four are refunded.
    let current = m.oracle.current_epoch(&delivery);
    assert_eq!(current, first + 5);
    m.market.close(&id);
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![lease_closed(id, 6, 4 * EPOCH_100)]
    );
    let closed = m.market.get_lease(&id).expect("lease");
    assert_eq!((closed.epochs, closed.settled_epochs), (6, 3));
    // The kept epochs settle later, each with its event, the lease staying closed.
    m.to(m.end_of(first + 5) + m.config.max_age_epochs * m.config.epoch_seconds);
    assert_eq!(m.market.settle(&id), (0, 3 * EPOCH_100));
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![
            epoch_settled(id, first + 3, None, EPOCH_100, 100 * TH),
            epoch_settled(id, first + 4, None, EPOCH_100, 100 * TH),
            epoch_settled(id, first + 5, None, EPOCH_100, 100 * TH),
        ]
    );
    m.assert_books();
}

#[test]
fn fees_recipient_and_admin_changes_emit_their_events() {
    let m = market();
    let env = &m.env;
    let (id, lease) = m.lease(1);
    m.attest_delivery(&lease.delivery_pool, lease.first_epoch, 100 * TH);
    m.market.settle(&id);
    m.market.withdraw_fees();
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![(
            std::vec![sym("fees_withdrawn"), addr(&m.fee_recipient)],
            mapv(&[("amount", i128v(5_000))])
        )]
    );
    // Nothing to withdraw: no event.
    m.market.withdraw_fees();
    assert_eq!(events_of(env, &m.market.address), std::vec![]);

    let recipient = Address::generate(env);
    m.market.set_fee_recipient(&recipient);
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![(
            std::vec![sym("fee_recipient_set"), addr(&recipient)],
            mapv(&[])
        )]
    );
    let next = Address::generate(env);
    m.market.propose_admin(&next);
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![(
            std::vec![sym("admin_proposed"), addr(&m.admin)],
            mapv(&[("proposed", addr(&next))])
        )]
    );
    m.market.accept_admin();
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![(
            std::vec![sym("admin_changed"), addr(&m.admin)],
            mapv(&[("admin", addr(&next))])
        )]
    );
    let hash: BytesN<32> = env
        .deployer()
        .upload_contract_wasm(wasm("hashrate_lease").as_slice());
    m.market.upgrade(&hash);
    let bytes = xdr::ScBytes(hash.to_array().to_vec().try_into().unwrap());
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![(
            std::vec![sym("upgraded")],
            mapv(&[("wasm_hash", ScVal::Bytes(bytes))])
        )]
    );
    assert_eq!(m.market.get_lease(&id).expect("kept").settled_epochs, 1);
}

#[test]
fn the_oracle_emits_registrar_set_and_binds_each_registered_pool() {
    let m = market();
    let env = &m.env;
    let registrar = Address::generate(env);
    for allowed in [true, false, true] {
        m.oracle.set_registrar(&registrar, &allowed);
        assert_eq!(
            events_of(env, &m.oracle.address),
            std::vec![(
                std::vec![sym("registrar_set"), addr(&registrar)],
                mapv(&[("allowed", boolv(allowed))])
            )]
        );
    }
    let config = pool_config(env, 3, 3);
    m.oracle.register_pool_by(&registrar, &config);
    assert_eq!(
        events_of(env, &m.oracle.address),
        std::vec![
            pool_registered("reg_0", &config.operator),
            token_bound("reg_0", &registrar),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 5. A lease settled late, in bounded calls
// ---------------------------------------------------------------------------------------------

/// Mainnet's limits of one transaction, which every call must fit as metered.
const MAX_INSTRUCTIONS: i64 = 100_000_000;
const MAX_MEMORY: i64 = 40 * 1024 * 1024;

/// The test host charges its debug diagnostics (every call's arguments and results, and each
/// of the 24 oracle calls of a full `settle`) to a shadow budget with the transaction's limits,
/// which a full batch outgrows: the limits are raised, and the call's metered cost is checked
/// against mainnet's instead.
fn raise_test_limits(env: &Env) {
    env.cost_estimate()
        .budget()
        .reset_limits(4 * MAX_INSTRUCTIONS as u64, 4 * MAX_MEMORY as u64);
}

/// What epoch `i` of the 30-epoch lease delivered: 70 TH/s rising by 3 a day (capped at the
/// 100 leased from `i = 10`), and no report at all for epochs 4 and 20.
fn delivered(i: u64) -> Option<i128> {
    (i != 4 && i != 20).then(|| (70 + 3 * i as i128) * TH)
}

#[test]
fn a_thirty_epoch_lease_settled_late_takes_bounded_calls_and_exact_totals() {
    const EPOCHS: u32 = 30;
    let m = market();
    let env = &m.env;
    let offer_id = m.post(200 * TH);
    let (id, lease) = m.rent(offer_id, 100 * TH, EPOCHS);
    let first = lease.first_epoch;
    for i in 0..u64::from(EPOCHS) {
        match delivered(i) {
            Some(h) => m.attest_delivery(&lease.delivery_pool, first + i, h),
            None => m.to(m.end_of(first + i)),
        }
    }
    assert!(m.now() >= m.end_of(first + u64::from(EPOCHS) - 1));
    // (paid, fee, refunded) of epochs [from, to).
    let totals = |from: u64, to: u64| {
        (from..to).fold((0, 0, 0), |(p, f, r), i| {
            let (part, fee, back) = split(EPOCH_100, delivered(i).unwrap_or(0), 100 * TH);
            (p + part, f + fee, r + back)
        })
    };
    let batch = u64::from(MAX_SETTLE);
    let calls = u64::from(EPOCHS).div_ceil(batch);
    assert!(calls >= 2, "the lease needs several calls");
    let (paid, fees, refunded) = totals(0, u64::from(EPOCHS));

    // Each call settles at most MAX_SETTLE epochs, in order, with exact events; the first
    // (a full batch) is measured alone on the grown ledger.
    let market_id = m.market.address.clone();
    let mut costs = std::vec::Vec::new();
    for call in 0..calls {
        let from = call * batch;
        let to = (from + batch).min(u64::from(EPOCHS));
        let (p, _, r) = totals(from, to);
        costs.push(measure(env, |env| {
            raise_test_limits(env);
            let market = HashrateLeaseClient::new(env, &port(env, &market_id));
            assert_eq!(market.settle(&id), (p, r));
        }));
        raise_test_limits(env);
        assert_eq!(m.market.settle(&id), (p, r), "epochs {from} to {to}");
        let expected: std::vec::Vec<RawEvent> = (from..to)
            .map(|i| epoch_settled(id, first + i, delivered(i), EPOCH_100, 100 * TH))
            .collect();
        assert_eq!(events_of(env, &m.market.address), expected);
        let lease = m.market.get_lease(&id).expect("lease");
        assert_eq!(u64::from(lease.settled_epochs), to);
        if to < u64::from(EPOCHS) {
            assert_eq!(
                m.market.committed(&m.pool),
                100 * TH,
                "not settled to its end"
            );
        }
    }
    assert_eq!(m.market.settle(&id), (0, 0), "nothing twice");
    let (cost_first, cost_last) = (costs[0].clone(), costs[costs.len() - 1].clone());

    let lease = m.market.get_lease(&id).expect("lease");
    assert_eq!(lease.settled_epochs, EPOCHS);
    assert_eq!(
        (lease.paid, lease.fees, lease.refunded),
        (paid, fees, refunded)
    );
    assert_eq!(paid + refunded, i128::from(EPOCHS) * EPOCH_100);
    assert_eq!(m.market.committed(&m.pool), 0);
    // 19 epochs in full (i >= 10 but 20), 11 short.
    assert_eq!(m.market.provider_record(&m.provider), (19, 11));
    assert_eq!(m.token.balance(&m.provider), paid - fees);
    assert_eq!(
        m.token.balance(&m.renter),
        FUNDS - i128::from(EPOCHS) * EPOCH_100 + refunded
    );
    m.assert_books();
    assert_eq!(m.market.withdraw_fees(), fees);
    assert_eq!(m.token.balance(&m.market.address), 0);

    // Bounded: a full batch inside a transaction's limits as metered, the rest cheaper.
    println!("settle of {MAX_SETTLE} epochs: {cost_first}");
    println!("settle of the last epochs: {cost_last}");
    assert!(
        cost_first.instructions <= MAX_INSTRUCTIONS / 2,
        "{cost_first}"
    );
    assert!(cost_first.mem_bytes <= MAX_MEMORY / 2, "{cost_first}");
    assert!(cost_last.instructions < cost_first.instructions);
    assert!(cost_last.mem_bytes < cost_first.mem_bytes);
}

// ---------------------------------------------------------------------------------------------
// 6. Frozen accounts
// ---------------------------------------------------------------------------------------------

#[test]
fn settlement_completes_around_frozen_accounts_and_collect_pays_them_once_unfrozen() {
    let m = market();
    let env = &m.env;
    let (id, lease) = m.lease(6);
    let (first, delivery) = (lease.first_epoch, lease.delivery_pool.clone());
    m.asset.issuer().set_flag(IssuerFlags::RevocableFlag);

    // The provider frozen: its part of epoch 1 is kept, the renter's refund paid.
    m.issuer.set_authorized(&m.provider, &false);
    m.attest_delivery(&delivery, first, 60 * TH);
    let renter_before = m.token.balance(&m.renter);
    assert_eq!(m.market.settle(&id), (60_000, 40_000));
    assert_eq!(
        events_of(env, &m.market.address),
        std::vec![epoch_settled(id, first, Some(60 * TH), EPOCH_100, 100 * TH)]
    );
    assert_eq!(m.market.unpaid(&m.provider), 57_000);
    assert_eq!(m.token.balance(&m.provider), 0);
    assert_eq!(m.token.balance(&m.renter), renter_before + 40_000);
    m.assert_books();

    // Both frozen: epoch 2 is kept for both; the renter's close refund too.
    m.issuer.set_authorized(&m.renter, &false);
    m.attest_delivery(&delivery, first + 1, 50 * TH);
    m.market.close(&id);
    let closed = m.market.get_lease(&id).expect("lease");
    assert!(closed.closed);
    let cut = 6 - closed.epochs;
    assert_eq!(cut, 3, "epochs first+3.. not begun");
    assert_eq!(m.market.unpaid(&m.provider), 57_000 + 47_500);
    assert_eq!(
        m.market.unpaid(&m.renter),
        50_000 + i128::from(cut) * EPOCH_100
    );
    assert_eq!(m.token.balance(&m.renter), renter_before + 40_000);
    m.assert_books();

    // The last kept epoch, delivered in full, while both are frozen.
    m.attest_delivery(&delivery, first + 2, 100 * TH);
    assert_eq!(m.market.settle(&id), (EPOCH_100, 0));
    let provider_owed = 57_000 + 47_500 + 95_000;
    let renter_owed = 50_000 + 3 * EPOCH_100;
    assert_eq!(m.market.unpaid(&m.provider), provider_owed);
    assert_eq!(m.market.unpaid(&m.renter), renter_owed);
    assert_eq!(m.market.get_lease(&id).expect("lease").settled_epochs, 3);
    assert_eq!(m.market.committed(&m.pool), 0);
    m.assert_books();

    // Still frozen: collect is refused by the asset and changes nothing.
    assert_unchanged(env, || assert!(m.market.try_collect(&m.provider).is_err()));
    assert_unchanged(env, || assert!(m.market.try_collect(&m.renter).is_err()));

    // Unfrozen, each collects exactly its part, once.
    m.issuer.set_authorized(&m.provider, &true);
    assert_eq!(m.market.collect(&m.provider), provider_owed);
    assert_eq!(m.token.balance(&m.provider), provider_owed);
    assert_eq!(m.market.unpaid(&m.provider), 0);
    assert_eq!(m.market.collect(&m.provider), 0);
    m.assert_books();
    m.issuer.set_authorized(&m.renter, &true);
    assert_eq!(m.market.collect(&m.renter), renter_owed);
    assert_eq!(m.market.unpaid(&m.renter), 0);
    assert_eq!(
        m.token.balance(&m.renter),
        FUNDS - 6 * EPOCH_100 + 40_000 + renter_owed
    );
    m.assert_books();

    // The books close: everything escrowed went out, but the fees.
    let b = m.market.books();
    assert_eq!(b.escrowed, b.paid + b.refunded);
    assert_eq!(m.market.withdraw_fees(), 3_000 + 2_500 + 5_000);
    assert_eq!(m.token.balance(&m.market.address), 0);
}

// ---------------------------------------------------------------------------------------------
// Found by this suite, fixed (each failed before its fix)
// ---------------------------------------------------------------------------------------------

/// Two markets on one oracle (say one paying in USDC, one in EURC: the payment asset is fixed
/// per market) both name their delivery pools `lease_<id>` from 0. The second market's first
/// rent collides with the first market's `lease_0` (`PoolExists`), and since the refused rent
/// does not advance its counter it collides forever: the second market can never lease. The
/// oracle's admin registering a pool named `lease_<n>` blocks a market the same way. Fixed:
/// the oracle numbers registrars' pools itself (`reg_<n>`, skipping names taken).
#[test]
fn a_second_market_on_the_same_oracle_can_lease() {
    let m = market();
    let env = &m.env;
    m.lease(1);
    let second = deploy_market(
        env,
        &m.admin,
        &m.oracle.address,
        &m.asset.address(),
        FEE_BPS,
        &m.fee_recipient,
    );
    m.oracle.set_registrar(&second.address, &true);
    let pool = Symbol::new(env, "antpool_s19");
    let mut config = m.config.clone();
    config.operator = m.provider.clone();
    m.oracle.register_pool(&pool, &config);
    for epoch in 0..2 {
        m.to(m.end_of(epoch).max(m.now()));
        for r in config.reporters.iter() {
            m.oracle.submit(&r, &pool, &epoch, &CAPACITY, &0);
        }
    }
    advance(env, config.dispute_seconds);
    let mut offer = m.offer(100 * TH);
    offer.pool = pool;
    let offer_id = second.post_offer(&m.provider, &offer);
    let rented = second.try_rent(&m.renter, &offer_id, &TH, &1, &i128::MAX, &1);
    assert!(rented.is_ok(), "the second market cannot lease: {rented:?}");
}

/// A lease's delivery pool has the provider as its operator and the market as its consumer,
/// so `post_offer` accepts it as an offer's source pool. Its "capacity" is then attested by
/// the provider's own chosen validators, not the source pool's reporters: a provider who
/// rents 1 TH/s to itself and has its validators attest 10,000 TH/s can lease 20x the source
/// pool's real capacity to others. Fixed: the market offers only pools it bound itself.
#[test]
fn a_delivery_pool_cannot_be_offered() {
    let m = market();
    let env = &m.env;
    let offer_id = m.post(100 * TH);
    // The provider rents to itself (funded for it).
    m.issuer.mint(&m.provider, &FUNDS);
    let lease_id = m
        .market
        .rent(&m.provider, &offer_id, &TH, &2, &i128::MAX, &1);
    let lease = m.market.get_lease(&lease_id).expect("lease");
    for i in 0..2 {
        m.attest_delivery(&lease.delivery_pool, lease.first_epoch + i, 10_000 * TH);
    }
    assert_eq!(m.oracle.capacity(&lease.delivery_pool), 10_000 * TH);
    let mut offer = m.offer(10_000 * TH);
    offer.pool = lease.delivery_pool.clone();
    assert_unchanged(env, || {
        assert!(
            m.market.try_post_offer(&m.provider, &offer).is_err(),
            "a delivery pool was accepted as an offer's source pool"
        )
    });
}

/// The oracle's admin hands the pool to a new operator (`update_pool`). The former operator's
/// offers stay rentable (`rent` never checks that the offer's provider still operates the
/// pool), pay the former operator, and take the new operator's capacity. Fixed: `rent` (and
/// `update_offer`) check the pool's operator.
#[test]
fn a_former_operators_offer_cannot_be_rented() {
    let m = market();
    let env = &m.env;
    let offer_id = m.post(CAPACITY);
    let mut config = m.config.clone();
    config.operator = Address::generate(env);
    m.oracle.update_pool(&m.pool, &config);
    refuse(env, LeaseError::NotOperator, || {
        m.market
            .try_rent(&m.renter, &offer_id, &CAPACITY, &1, &i128::MAX, &1)
    });
}
