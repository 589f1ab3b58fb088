//! Independent security review of hashrate-lease (and the pool-oracle additions it relies on:
//! `set_registrar`, `register_pool_by`, one consumer per pool) on the compiled WASM.
//!
//! `bug_*` tests (ignored) assert the correct behaviour and fail today; `review_safe_*` tests
//! pass and prove a defence an attacker would probe.
use std::cell::Cell;

use hashrate_lease::{HashrateLeaseClient, Lease, LeaseError, Offer};
use hashshare_interfaces::{PoolConfig, PoolOracleClient};
use hashshare_tests::fixture::{advance, assert_error, deploy_oracle, new_env, pool_config, wasm};
use pool_oracle::OracleError;
use soroban_sdk::{
    testutils::Address as _,
    token::{StellarAssetClient, TokenClient},
    vec, Address, Env, String, Symbol, Vec,
};

const TH: i128 = 1_000_000_000_000;
/// The price of 1 TH/s for one daily epoch.
const PRICE: i128 = 1_000;
const FEE_BPS: u32 = 500;
const FUNDS: i128 = 1_000_000_000;
const CAPACITY: i128 = 500 * TH;

struct M {
    env: Env,
    oracle: PoolOracleClient<'static>,
    market: HashrateLeaseClient<'static>,
    token: TokenClient<'static>,
    issuer: StellarAssetClient<'static>,
    pool: Symbol,
    config: PoolConfig,
    provider: Address,
    renter: Address,
    validators: Vec<Address>,
    capacity: i128,
    next_source: Cell<u64>,
}

/// A source pool sustaining `capacity` over a two-epoch window (epochs 0 and 1 attested and
/// effective, the clock an hour into epoch 2), a market at 5% paying in a Stellar asset (or,
/// with `plain`, a plain SEP-41 WASM token holding any i128), the renter funded.
fn setup(plain: bool, capacity: i128, funds: i128) -> M {
    let env = new_env();
    env.mock_all_auths();
    let admin = Address::generate(&env);
    let oracle = deploy_oracle(&env, &admin);
    let pool = Symbol::new(&env, "src_pool");
    let mut config = pool_config(&env, 3, 3);
    config.capacity_epochs = 2;
    let provider = config.operator.clone();
    oracle.register_pool(&pool, &config);
    let asset = if plain {
        env.register(
            wasm("plain_token").as_slice(),
            (
                Address::generate(&env),
                String::from_str(&env, "Plain"),
                String::from_str(&env, "PLN"),
            ),
        )
    } else {
        env.register_stellar_asset_contract_v2(Address::generate(&env))
            .address()
    };
    let id = env.register(
        wasm("hashrate_lease").as_slice(),
        (
            admin.clone(),
            oracle.address.clone(),
            asset.clone(),
            FEE_BPS,
            Address::generate(&env),
        ),
    );
    let market = HashrateLeaseClient::new(&env, &id);
    oracle.set_registrar(&market.address, &true);
    let renter = Address::generate(&env);
    let issuer = StellarAssetClient::new(&env, &asset);
    issuer.mint(&renter, &funds);
    let validators = vec![
        &env,
        Address::generate(&env),
        Address::generate(&env),
        Address::generate(&env),
    ];
    let m = M {
        token: TokenClient::new(&env, &asset),
        issuer,
        env,
        oracle,
        market,
        pool,
        config,
        provider,
        renter,
        validators,
        capacity,
        next_source: Cell::new(0),
    };
    m.keep_source_fresh();
    m
}

fn market() -> M {
    setup(false, CAPACITY, FUNDS)
}

impl M {
    fn now(&self) -> u64 {
        self.env.ledger().timestamp()
    }

    fn end_of(&self, epoch: u64) -> u64 {
        self.config.genesis + (epoch + 1) * self.config.epoch_seconds
    }

    fn deadline_of(&self, epoch: u64) -> u64 {
        self.end_of(epoch) + self.config.max_age_epochs * self.config.epoch_seconds
    }

    fn to(&self, t: u64) {
        assert!(t >= self.now(), "cannot go back in time");
        advance(&self.env, t - self.now());
    }

    /// Attests the source pool's capacity for every ended epoch not yet attested, effective
    /// an hour later (the first call attests epochs 0 and 1).
    fn keep_source_fresh(&self) {
        if self.next_source.get() == 0 {
            self.to(self.end_of(1));
        }
        let current = self.oracle.current_epoch(&self.pool);
        if self.next_source.get() >= current {
            return;
        }
        for epoch in self.next_source.get()..current {
            for r in self.config.reporters.iter() {
                self.oracle
                    .submit(&r, &self.pool, &epoch, &self.capacity, &0);
            }
        }
        self.next_source.set(current);
        advance(&self.env, self.config.dispute_seconds);
    }

    /// `validators` attest `epoch` of `delivery` after its end; effective an hour later.
    fn attest_by(&self, validators: &Vec<Address>, delivery: &Symbol, epoch: u64, hashrate: i128) {
        self.to(self.end_of(epoch).max(self.now()));
        for v in validators.iter() {
            self.oracle.submit(&v, delivery, &epoch, &hashrate, &0);
        }
        advance(&self.env, self.config.dispute_seconds);
    }

    fn attest(&self, delivery: &Symbol, epoch: u64, hashrate: i128) {
        self.attest_by(&self.validators, delivery, epoch, hashrate);
    }

    fn offer(&self, hashrate: i128) -> Offer {
        Offer {
            provider: self.provider.clone(),
            pool: self.pool.clone(),
            hashrate,
            price_per_th_epoch: PRICE,
            min_epochs: 1,
            max_epochs: 366,
            validators: self.validators.clone(),
            quorum: 3,
            version: 0,
        }
    }

    fn post(&self, hashrate: i128) -> u64 {
        self.market
            .post_offer(&self.provider, &self.offer(hashrate))
    }

    fn rent_by(
        &self,
        renter: &Address,
        offer_id: u64,
        hashrate: i128,
        epochs: u32,
    ) -> (u64, Lease) {
        self.keep_source_fresh();
        let version = self.market.get_offer(&offer_id).expect("offer").version;
        let id = self
            .market
            .rent(renter, &offer_id, &hashrate, &epochs, &i128::MAX, &version);
        (id, self.market.get_lease(&id).expect("leased"))
    }

    fn rent(&self, offer_id: u64, hashrate: i128, epochs: u32) -> (u64, Lease) {
        self.rent_by(&self.renter, offer_id, hashrate, epochs)
    }

    /// Settles as far as possible, in as many calls as it takes.
    fn settle_all(&self, id: u64) -> (i128, i128) {
        let (mut paid, mut refunded) = (0, 0);
        loop {
            let (p, r) = self.market.settle(&id);
            if p == 0 && r == 0 {
                return (paid, refunded);
            }
            paid += p;
            refunded += r;
        }
    }

    /// Escrow conservation over the given accounts' unpaid amounts.
    fn assert_books(&self, accounts: &[&Address]) {
        let b = self.market.books();
        let held = b.escrowed - b.paid - b.refunded;
        assert!(held >= 0, "{b:?}");
        assert!(b.fees_withdrawn <= b.fees && b.fees <= b.paid, "{b:?}");
        let kept: i128 = accounts.iter().map(|a| self.market.unpaid(a)).sum();
        assert_eq!(
            self.token.balance(&self.market.address),
            held + b.fees - b.fees_withdrawn + kept,
            "{b:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Findings: fixed, mitigated or pinned as known limits
// ---------------------------------------------------------------------------------------------

/// A provider rents 1 H/s of its own offer (validators: itself, quorum 1, which `check_offer`
/// accepts) for 30 epochs at 1 unit an epoch, attests every epoch in full and pays itself back
/// (the fee on a 1-unit epoch rounds to 0): for nothing, its record turns from "2 of 2 epochs
/// short" for its one real renter into "30 of 32 delivered in full". `provider_record` counts
/// epochs, whatever their value and whoever rented them. Mitigated: `provider_delivery`
/// weighs the record by value (paid against priced), which the dust lease hardly moves; the
/// epoch counts stay gameable (a known limit in the README).
#[test]
fn known_limit_a_provider_farms_its_epoch_counts_but_not_its_value_record() {
    let m = market();
    let real = m.post(200 * TH);
    let (id, lease) = m.rent(real, 100 * TH, 2);
    for i in 0..2 {
        m.attest(&lease.delivery_pool, lease.first_epoch + i, 50 * TH);
    }
    m.settle_all(id);
    assert_eq!(m.market.provider_record(&m.provider), (0, 2));

    // The self-lease: validators = the provider alone.
    let me = vec![&m.env, m.provider.clone()];
    let mut own = m.offer(200 * TH);
    own.validators = me.clone();
    own.quorum = 1;
    let own = m.market.post_offer(&m.provider, &own);
    m.issuer.mint(&m.provider, &30);
    let before = m.token.balance(&m.provider);
    let (dust, lease) = m.rent_by(&m.provider, own, 1, 30);
    assert_eq!(lease.price_per_epoch, 1);
    for i in 0..30 {
        m.attest_by(&me, &lease.delivery_pool, lease.first_epoch + i, 1);
    }
    assert_eq!(m.settle_all(dust), (30, 0));
    assert_eq!(
        m.token.balance(&m.provider),
        before,
        "it cost the provider nothing"
    );
    let (full, short) = m.market.provider_record(&m.provider);
    assert_eq!((full, short), (30, 2), "the epoch counts, farmed");
    // By value: 100,030 paid of 200,030 priced — still "half delivered", as the real renter saw.
    let (paid, priced) = m.market.provider_delivery(&m.provider);
    assert_eq!((paid, priced), (100_030, 200_030));
    assert!(
        paid * 100 < priced * 51,
        "the value record is not moved by the dust"
    );
}

/// The reverse: a stranger rents 1 H/s (1 unit an epoch, there is no minimum lease) for 30
/// epochs; the provider's validators do not bother attesting a 1-unit lease (three
/// transactions per epoch each), so every epoch counts as short after its deadline and the
/// stranger gets all 30 units back. For the cost of one `rent` the provider's record goes
/// from (2, 0) to (2, 30): 94% "short", though 99.99% of the value it leased was delivered.
/// The only defence is for its validators to attest every dust lease every epoch. Mitigated
/// as above: the value record says 99.99% delivered.
#[test]
fn known_limit_a_dust_lease_moves_the_epoch_counts_but_not_the_value_record() {
    let m = market();
    let offer_id = m.post(200 * TH);
    let (id, lease) = m.rent(offer_id, 100 * TH, 2);
    for i in 0..2 {
        m.attest(&lease.delivery_pool, lease.first_epoch + i, 100 * TH);
    }
    m.settle_all(id);
    assert_eq!(m.market.provider_record(&m.provider), (2, 0));

    let griefer = Address::generate(&m.env);
    m.issuer.mint(&griefer, &30);
    let (dust, lease) = m.rent_by(&griefer, offer_id, 1, 30);
    m.to(m.deadline_of(lease.first_epoch + 29));
    assert_eq!(m.settle_all(dust), (0, 30));
    assert_eq!(m.token.balance(&griefer), 30, "it cost the griefer nothing");
    let (full, short) = m.market.provider_record(&m.provider);
    assert_eq!((full, short), (2, 30), "the epoch counts, griefed");
    let (paid, priced) = m.market.provider_delivery(&m.provider);
    assert_eq!((paid, priced), (200_000, 200_030));
}

/// The validators attest an epoch late but before its staleness deadline (all three, half an
/// hour before it): the report is final, but inside its one-hour dispute window. A settle in
/// that half hour (the renter's, who gains) counts the epoch as undelivered and refunds it;
/// one after it pays the provider in full. The outcome of a delivered epoch depends on who
/// calls `settle` first. Correct: a report finalized before the deadline is waited for (the
/// oracle's `round` shows it and its `finalized_at`), one finalized after it ignored.
/// Fixed: settlement reads the round's finalized report and its `finalized_at`.
#[test]
fn a_report_finalized_before_the_deadline_is_waited_for() {
    let m = market();
    let offer_id = m.post(200 * TH);
    let (id, lease) = m.rent(offer_id, 100 * TH, 1);
    let epoch = lease.first_epoch;
    m.to(m.deadline_of(epoch) - 1_800);
    for v in m.validators.iter() {
        m.oracle
            .submit(&v, &lease.delivery_pool, &epoch, &(100 * TH), &0);
    }
    let (_, _, finalized) = m.oracle.round(&lease.delivery_pool, &epoch);
    assert!(finalized.is_some_and(|r| r.finalized_at < m.deadline_of(epoch)));
    m.to(m.deadline_of(epoch));
    assert_eq!(
        m.market.settle(&id),
        (0, 0),
        "the renter's settle refunded an epoch attested as delivered"
    );
    m.to(m.deadline_of(epoch) + 1_800);
    assert_eq!(m.market.settle(&id), (100_000, 0));
}

/// A pool's whole capacity leased for one epoch (epoch 3) cannot be rented during that epoch
/// for the next one (4), though the two never overlap: `committed` is released only once the
/// ended lease is settled (its report effective, an hour or more into epoch 4), and a rent then
/// starts at epoch 5. Leased back to back, a pool sits idle at least one epoch in two.
/// Still open (issue 14's next increment): capacity by end epoch.
#[test]
#[ignore = "OPEN: a lease in its last epoch blocks a rent that starts after it (idle epoch)"]
fn bug_a_lease_ending_this_epoch_does_not_block_the_next_epochs_rent() {
    let m = market();
    let offer_id = m.post(CAPACITY);
    let (_, lease) = m.rent(offer_id, CAPACITY, 1);
    m.to(m.end_of(lease.first_epoch) - 7_200);
    m.keep_source_fresh();
    assert_eq!(
        m.oracle.current_epoch(&m.pool),
        lease.first_epoch,
        "its last epoch"
    );
    let next = m
        .market
        .try_rent(&m.renter, &offer_id, &CAPACITY, &1, &i128::MAX, &1);
    assert!(
        next.is_ok(),
        "a rent from epoch {} was refused: {next:?}",
        lease.first_epoch + 1
    );
}

// ---------------------------------------------------------------------------------------------
// Hypotheses that turned out safe
// ---------------------------------------------------------------------------------------------

/// 1 H/s at 1,000 a TH/s is 10^-9 units an epoch, rounded up to 1 (never 0, so no lease is
/// free); undelivered it comes back whole; delivered it pays 1 with no fee.
#[test]
fn review_safe_a_dust_lease_costs_one_unit_and_pays_only_for_delivery() {
    let m = market();
    let offer_id = m.post(200 * TH);
    let (a, la) = m.rent(offer_id, 1, 1);
    let (b, lb) = m.rent(offer_id, 1, 1);
    assert_eq!((la.price_per_epoch, lb.price_per_epoch), (1, 1));
    let mut cheapest = m.offer(1);
    cheapest.price_per_th_epoch = 1;
    let cheap = m.market.post_offer(&m.provider, &cheapest);
    assert_eq!(m.rent(cheap, 1, 1).1.price_per_epoch, 1);
    m.attest(&la.delivery_pool, la.first_epoch, 0);
    m.attest(&lb.delivery_pool, lb.first_epoch, 1);
    assert_eq!(m.market.settle(&a), (0, 1));
    assert_eq!(m.market.settle(&b), (1, 0));
    assert_eq!(m.market.get_lease(&b).expect("lease").fees, 0);
    m.assert_books(&[&m.provider, &m.renter]);
}

/// Capacity is checked to the H/s: the pool's capacity less 3 H/s, then three leases of 1 H/s,
/// fill it; a fourth is refused, whatever its size.
#[test]
fn review_safe_many_tiny_leases_cannot_exceed_capacity() {
    let m = market();
    let offer_id = m.post(CAPACITY);
    m.rent(offer_id, CAPACITY - 3, 1);
    for _ in 0..3 {
        m.rent(offer_id, 1, 1);
    }
    assert_eq!(m.market.committed(&m.pool), CAPACITY);
    assert_error(
        m.market
            .try_rent(&m.renter, &offer_id, &1, &1, &i128::MAX, &1),
        LeaseError::CapacityExceeded,
    );
}

/// Settlement reads only effective reports: one still disputable is never paid (`settle`
/// waits), the oracle admin's dispute in that window just reopens the epoch, and once a report
/// settled the epoch nobody can dispute it nor attest it again (a renter closing after two
/// short epochs cannot have them re-attested, nor can the provider).
#[test]
fn review_safe_settled_delivery_cannot_be_disputed_or_reattested() {
    let m = market();
    let offer_id = m.post(200 * TH);
    let (id, lease) = m.rent(offer_id, 100 * TH, 5);
    let (first, delivery) = (lease.first_epoch, lease.delivery_pool.clone());
    // Epoch 1: attested 100 TH/s but disputed inside its window, re-attested at 50.
    m.to(m.end_of(first));
    for v in m.validators.iter() {
        m.oracle.submit(&v, &delivery, &first, &(100 * TH), &0);
    }
    assert_eq!(
        m.market.settle(&id),
        (0, 0),
        "a disputable report is not paid"
    );
    m.oracle.dispute(&delivery, &first);
    m.attest(&delivery, first, 50 * TH);
    m.attest(&delivery, first + 1, 50 * TH);
    m.market.close(&id);
    let closed = m.market.get_lease(&id).expect("lease");
    assert_eq!((closed.settled_epochs, closed.paid), (2, 100_000));
    for epoch in [first, first + 1] {
        assert_error(
            m.oracle.try_dispute(&delivery, &epoch),
            OracleError::DisputeWindowClosed,
        );
        let v = m.validators.get(0).expect("validator");
        assert_error(
            m.oracle.try_submit(&v, &delivery, &epoch, &(100 * TH), &0),
            OracleError::EpochFinalized,
        );
    }
    assert_eq!(m.market.get_lease(&id).expect("lease"), closed);
    m.assert_books(&[&m.provider, &m.renter]);
}

/// The oracle admin disputing a lease's delivery reports forever cannot lock the escrow nor
/// the pool's capacity: at the staleness deadline the epoch settles as undelivered and the
/// hashrate is released. A report that becomes effective after that changes nothing.
#[test]
fn review_safe_disputes_and_late_reports_neither_block_settlement_nor_pay_twice() {
    let m = market();
    let offer_id = m.post(CAPACITY);
    let (id, lease) = m.rent(offer_id, CAPACITY, 1);
    let (epoch, delivery) = (lease.first_epoch, lease.delivery_pool.clone());
    for at in [m.end_of(epoch), m.end_of(epoch) + 86_400] {
        m.to(at);
        for v in m.validators.iter() {
            m.oracle.submit(&v, &delivery, &epoch, &CAPACITY, &0);
        }
        m.oracle.dispute(&delivery, &epoch);
    }
    m.to(m.deadline_of(epoch) - 1);
    assert_eq!(m.market.settle(&id), (0, 0), "still waiting");
    m.to(m.deadline_of(epoch));
    let before = m.token.balance(&m.renter);
    assert_eq!(m.market.settle(&id), (0, 500_000));
    assert_eq!(m.token.balance(&m.renter), before + 500_000);
    assert_eq!(m.market.committed(&m.pool), 0, "capacity released");
    // The report comes at last: nothing more is paid to anyone.
    m.attest(&delivery, epoch, CAPACITY);
    assert!(m.oracle.report(&delivery, &epoch).is_some());
    assert_eq!(m.market.settle(&id), (0, 0));
    assert_eq!(m.market.provider_record(&m.provider), (0, 1));
    m.assert_books(&[&m.provider, &m.renter]);
    // And the pool can be leased in full again.
    m.rent(offer_id, CAPACITY, 1);
}

/// A withdrawn offer cannot be rented, its running lease still holds its capacity (a new offer
/// of the same pool cannot oversell it) and still settles to its provider.
#[test]
fn review_safe_a_withdrawn_offers_lease_keeps_capacity_and_settles() {
    let m = market();
    let offer_id = m.post(CAPACITY);
    let (id, lease) = m.rent(offer_id, 300 * TH, 1);
    m.market.withdraw_offer(&offer_id);
    assert_error(
        m.market
            .try_rent(&m.renter, &offer_id, &TH, &1, &i128::MAX, &1),
        LeaseError::OfferNotFound,
    );
    let again = m.post(CAPACITY);
    assert_error(
        m.market
            .try_rent(&m.renter, &again, &(200 * TH + 1), &1, &i128::MAX, &1),
        LeaseError::CapacityExceeded,
    );
    m.attest(&lease.delivery_pool, lease.first_epoch, 300 * TH);
    assert_eq!(m.market.settle(&id), (300_000, 0));
    assert_eq!(m.token.balance(&m.provider), 300_000 - 15_000);
    assert_eq!(m.market.committed(&m.pool), 0);
    m.assert_books(&[&m.provider, &m.renter]);
}

/// A close one second before an epoch boundary keeps the epoch running; one at the boundary
/// also keeps the epoch that just began: exactly the epochs not yet begun are refunded.
#[test]
fn review_safe_close_at_an_epoch_boundary_refunds_exactly_the_epochs_not_begun() {
    for (offset, kept) in [(-1i64, 3u32), (0, 4)] {
        let m = market();
        let offer_id = m.post(200 * TH);
        let (id, lease) = m.rent(offer_id, 100 * TH, 10);
        let first = lease.first_epoch;
        for i in 0..2 {
            m.attest(&lease.delivery_pool, first + i, 50 * TH);
        }
        m.to((m.end_of(first + 2) as i64 + offset) as u64);
        let before = m.token.balance(&m.renter);
        m.market.close(&id);
        let closed = m.market.get_lease(&id).expect("lease");
        assert_eq!((closed.epochs, closed.settled_epochs), (kept, 2));
        assert_eq!(
            m.token.balance(&m.renter) - before,
            2 * 50_000 + i128::from(10 - kept) * 100_000
        );
        assert_eq!(m.market.committed(&m.pool), 0);
        // The kept epochs still settle, for what they deliver.
        for i in 2..u64::from(kept) {
            m.attest(&lease.delivery_pool, first + i, 100 * TH);
        }
        assert_eq!(m.settle_all(id).0, i128::from(kept - 2) * 100_000);
        m.assert_books(&[&m.provider, &m.renter]);
    }
}

/// A close releases the lease's hashrate once: the later settlement of its kept epochs does not
/// release it again, so another lease's commitment stays counted.
#[test]
fn review_safe_a_closed_lease_releases_its_hashrate_once() {
    let m = market();
    let offer_id = m.post(CAPACITY);
    let (a, la) = m.rent(offer_id, 100 * TH, 10);
    let (_, lb) = m.rent(offer_id, 300 * TH, 20);
    for i in 0..2 {
        m.attest(&la.delivery_pool, la.first_epoch + i, 50 * TH);
    }
    m.market.close(&a);
    assert_eq!(m.market.committed(&m.pool), 300 * TH);
    let kept = m.market.get_lease(&a).expect("lease").epochs;
    for i in 2..u64::from(kept) {
        m.attest(&la.delivery_pool, la.first_epoch + i, 100 * TH);
    }
    m.settle_all(a);
    let done = m.market.get_lease(&a).expect("lease");
    assert_eq!(done.settled_epochs, done.epochs);
    assert_eq!(m.market.committed(&m.pool), lb.hashrate);
    m.keep_source_fresh();
    assert_error(
        m.market
            .try_rent(&m.renter, &offer_id, &(200 * TH + 1), &1, &i128::MAX, &1),
        LeaseError::CapacityExceeded,
    );
    m.rent(offer_id, 200 * TH, 1);
}

/// The fee is floored per epoch: an epoch paying the provider 19 units carries no fee, one
/// paying 20 carries 1. The market loses under 1 unit per lease-epoch, and splitting a lease
/// into 19-unit pieces to dodge it costs a rent and an oracle pool per piece.
#[test]
fn review_safe_fee_rounding_loses_under_one_unit_per_epoch() {
    let m = market();
    let offer_id = m.post(200 * TH);
    let (a, la) = m.rent(offer_id, 19 * TH / 1_000, 1);
    let (b, lb) = m.rent(offer_id, 20 * TH / 1_000, 1);
    assert_eq!((la.price_per_epoch, lb.price_per_epoch), (19, 20));
    m.attest(&la.delivery_pool, la.first_epoch, la.hashrate);
    m.attest(&lb.delivery_pool, lb.first_epoch, lb.hashrate);
    assert_eq!(m.market.settle(&a), (19, 0));
    assert_eq!(m.market.settle(&b), (20, 0));
    let fees = (
        m.market.get_lease(&a).expect("a").fees,
        m.market.get_lease(&b).expect("b").fees,
    );
    assert_eq!(fees, (0, 1));
    assert_eq!(m.token.balance(&m.provider), 19 + 19);
    m.assert_books(&[&m.provider, &m.renter]);
}

/// Amounts far beyond any real asset (a 10^30 H/s pool at 10^15 units a TH/s: 10^33 an epoch,
/// 3.66 * 10^35 escrowed for 366 epochs, in a token holding any i128): products beyond 128
/// bits are divided exactly and the books still close.
#[test]
fn review_safe_huge_amounts_settle_exactly() {
    let huge: i128 = 10i128.pow(30);
    let escrow = 366 * 10i128.pow(33);
    let m = setup(true, huge, escrow);
    let mut offer = m.offer(huge);
    offer.price_per_th_epoch = 10i128.pow(15);
    let offer_id = m.market.post_offer(&m.provider, &offer);
    let (id, lease) = m.rent(offer_id, huge, 366);
    assert_eq!(lease.price_per_epoch, 10i128.pow(33));
    assert_eq!(m.token.balance(&m.market.address), escrow);
    m.attest(&lease.delivery_pool, lease.first_epoch, huge / 10 * 7);
    m.attest(&lease.delivery_pool, lease.first_epoch + 1, huge + 1);
    let (paid, refunded) = m.market.settle(&id);
    assert_eq!(paid, 7 * 10i128.pow(32) + 10i128.pow(33));
    assert_eq!(refunded, 3 * 10i128.pow(32));
    assert_eq!(
        m.market.get_lease(&id).expect("lease").fees,
        paid / 20,
        "5% exactly"
    );
    assert_eq!(m.token.balance(&m.provider), paid - paid / 20);
    m.assert_books(&[&m.provider, &m.renter]);
}

/// Only the oracle admin can take a `reg_<n>` name out of turn (a stranger cannot register at
/// all, an allowed registrar only gets the next number); the market's rent skips names taken.
#[test]
fn review_safe_registrar_numbering_skips_names_only_the_admin_can_take() {
    let m = market();
    let env = &m.env;
    let offer_id = m.post(200 * TH);
    for n in 0..5 {
        m.oracle
            .register_pool(&Symbol::new(env, &format!("reg_{n}")), &m.config);
    }
    let stranger = Address::generate(env);
    assert_error(
        m.oracle.try_register_pool_by(&stranger, &m.config),
        OracleError::NotRegistrar,
    );
    let (_, lease) = m.rent(offer_id, TH, 1);
    assert_eq!(lease.delivery_pool, Symbol::new(env, "reg_5"));
    m.oracle.set_registrar(&stranger, &true);
    assert_eq!(
        m.oracle.register_pool_by(&stranger, &m.config),
        Symbol::new(env, "reg_6")
    );
    let (_, lease) = m.rent(offer_id, TH, 1);
    assert_eq!(lease.delivery_pool, Symbol::new(env, "reg_7"));
    // The stranger's pool belongs to the stranger: it cannot be offered on the market.
    let mut offer = m.offer(TH);
    offer.pool = Symbol::new(env, "reg_6");
    assert_error(
        m.market.try_post_offer(&m.provider, &offer),
        LeaseError::PoolBound,
    );
}
