//! The twelve findings of the attacker's review of the payout design, each reproduced on the
//! compiled WASM and named after the attack. Each test asserts what must hold once the hole
//! is closed, and prints what the attacker gains. All twelve failed on the code before the
//! fix (commit 8a12830 records what each printed then).
//!
//! A deposit here pays an epoch in full: `due(epoch)`, the debt plus the top-up for shares
//! created during or after the epoch, which the operator (the minter) pays.

use hashshare_interfaces::{PoolConfig, SHARE_UNIT};
use hashshare_tests::fixture::{advance, authorize, Suite, TH_PER_SHARE};
use payout_distributor::DistributorError;
use soroban_sdk::{testutils::Address as _, vec, Address, IntoVal, Symbol};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const TERM: u64 = 365 * DAY;
const FUNDS: i128 = 1_000_000_000_000_000_000;

fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// A suite without fee whose epoch 0 attests 100 TH/s, so 100 whole shares may be minted.
fn offering() -> Suite {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(th(100), 0);
    s
}

/// Finding 1: a holder of all 50 sold shares through epoch 1 is owed the whole epoch's payout,
/// whatever the operator mints between `record` and the deposit.
#[test]
fn dilution_after_record_takes_nothing_from_the_holders_of_the_epoch() {
    let s = offering();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(50));
    let epoch = s.attest(th(100), 1_000_000); // alice held 50 of 100 TH/s all but the first hour
    let owed = s.record_through(epoch).owed;
    assert_eq!(owed, 1_000_000 * 50 / 100 * 23 / 24, "time-weighted");
    let buyer = Address::generate(&s.env);
    s.token.mint(&buyer, &shares(50)); // a primary sale after record
    s.pay_in_full(epoch);
    advance(&s.env, 3 * DAY);
    let lost = owed - s.token.accrued(&alice);
    println!("dilution after record: owed {owed}, the holder lost {lost}");
    assert!(lost <= 1, "the epoch's holder lost {lost} of {owed}");
}

/// Finding 2: the operator mints its unsold capacity to itself after `record`, deposits,
/// closes the stream with a 1-unit mint, claims and burns: it must recover nothing of what it
/// owed.
#[test]
fn operator_claws_back_its_own_payment_through_mints_after_record() {
    let s = offering();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(50));
    let epoch = s.attest(th(100), 1_000_000);
    let owed = s.record_through(epoch).owed;
    let before = s.reward.balance(&s.operator);
    s.token.mint(&s.operator, &(shares(50) - 1));
    s.pay_in_full(epoch);
    advance(&s.env, 1);
    s.token.mint(&alice, &1);
    let back = s.distributor.claim(&s.operator);
    s.sep41.burn(&s.operator, &(shares(50) - 1));
    let spent = before - s.reward.balance(&s.operator) + back;
    // What the operator recovers may not exceed what it paid beyond its debt.
    let recovered = back - (spent - owed);
    println!("claw-back: owed {owed}, the operator recovered {recovered}");
    assert!(
        recovered <= 0,
        "the operator recovered {recovered} of {owed}"
    );
}

/// Finding 3: holding half the supply for two seconds across a mint may earn at most those two
/// seconds' share of the stream.
#[test]
fn sniping_across_a_mint_earns_only_the_seconds_held() {
    let s = offering();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(50));
    let epoch = s.attest(th(100), 86_400_000);
    let paid = s.pay_in_full(epoch);
    advance(&s.env, HOUR);
    let sniper = Address::generate(&s.env);
    s.sep41.transfer(&alice, &sniper, &shares(25)); // half of the supply
    advance(&s.env, 1);
    s.token.mint(&alice, &1);
    advance(&s.env, 1);
    s.sep41.transfer(&sniper, &alice, &shares(25));
    let gain = s.token.accrued(&sniper);
    // Any stream lasts at least an epoch: two seconds of half of it are worth at most this.
    let fair = paid * 2 / 2 / DAY as i128;
    println!("snipe across a mint: gained {gain}, two seconds were worth {fair}");
    assert!(
        gain <= fair + 1,
        "gained {gain} where two seconds were worth {fair}"
    );
}

/// Finding 4: the last epoch is paid after maturity; a one-second holder of half the supply
/// may earn at most one second's share of its payout.
#[test]
fn sniping_the_final_epoch_earns_only_the_seconds_held() {
    let s = Suite::new(2 * DAY, 0, FUNDS);
    s.attest(th(100), 0);
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(50));
    let last = s.attest(th(100), 86_400_000); // epoch 1 ends at maturity
    assert!(s.env.ledger().timestamp() >= s.token.maturity());
    s.record_through(last);
    let sniper = Address::generate(&s.env);
    s.sep41.transfer(&alice, &sniper, &shares(25));
    let paid = s.pay_in_full(last);
    advance(&s.env, 1);
    s.sep41.transfer(&sniper, &alice, &shares(25));
    let gain = s.token.accrued(&sniper);
    let fair = paid / 2 / DAY as i128;
    println!("final-epoch snipe: gained {gain}, one second was worth {fair}");
    assert!(
        gain <= fair + 1,
        "gained {gain} where one second was worth {fair}"
    );
}

/// Finding 5: renting hashrate for one epoch (100 -> 300 TH/s) must not raise the mint cap.
#[test]
fn overselling_with_one_rented_epoch_is_refused() {
    let s = Suite::configured(TERM, 0, FUNDS, TH_PER_SHARE, |c| c.capacity_epochs = 7);
    for _ in 0..7 {
        s.attest(th(100), 0);
    }
    s.attest(th(300), 0);
    let capacity = s.oracle.capacity(&s.pool);
    println!("one rented epoch: capacity {capacity} H/s for 100 TH/s sustained");
    assert_eq!(capacity, th(100));
    assert!(s
        .token
        .try_mint(&Address::generate(&s.env), &shares(101))
        .is_err());
}

/// Finding 6: a quorum that is no strict majority, or below 3 of 3 or more reporters, lets one
/// reporter decide an epoch: it must be refused.
#[test]
fn one_reporter_deciding_is_refused_at_registration() {
    let s = Suite::new(TERM, 0, FUNDS);
    for (reporters, quorum) in [(3, 2), (5, 2), (4, 2), (2, 1)] {
        let mut config: PoolConfig = s.pool_config.clone();
        config.reporters = vec![&s.env];
        for _ in 0..reporters {
            config.reporters.push_back(Address::generate(&s.env));
        }
        config.quorum = quorum;
        let pool = Symbol::new(&s.env, &format!("p{reporters}_{quorum}"));
        let accepted = s.oracle.try_register_pool(&pool, &config).is_ok();
        println!("quorum {quorum} of {reporters}: accepted {accepted}");
        assert!(!accepted, "quorum {quorum} of {reporters} was accepted");
    }
}

/// Finding 7: a stranger's hourly 1-unit deposits must not slow what earlier deposits stream,
/// nor make the operator's exact full payment fail.
#[test]
fn stream_griefing_by_tiny_deposits_delays_nothing() {
    let honest = offering();
    let griefed = offering();
    let mut payouts = Vec::new();
    for s in [&honest, &griefed] {
        let alice = Address::generate(&s.env);
        s.token.mint(&alice, &shares(100));
        let epoch = s.attest(th(100), 86_400_000);
        s.record_through(epoch);
        let due = s.distributor.due(&epoch);
        s.distributor.deposit(&s.operator, &epoch, &(due / 2));
        payouts.push((alice, epoch));
    }
    let stranger = Address::generate(&griefed.env);
    griefed.reward_issuer.mint(&stranger, &1_000);
    let mut worst = 0i128;
    for _ in 0..24 {
        griefed.distributor.deposit(&stranger, &payouts[1].1, &1);
        advance(&honest.env, HOUR);
        advance(&griefed.env, HOUR);
        let lag = honest.token.accrued(&payouts[0].0) - griefed.token.accrued(&payouts[1].0);
        worst = worst.max(lag);
    }
    println!("stream griefing: the griefed holder lagged by up to {worst}");
    assert!(worst <= 1, "the griefed stream lagged by {worst}");

    // The operator pays what it computed it still owes, just after a stranger paid 1 of it:
    // the deposit pays what is left and sends the unit back.
    let (_, epoch) = payouts[1];
    let due = griefed.distributor.due(&epoch);
    griefed.distributor.deposit(&stranger, &epoch, &1);
    let before = griefed.reward.balance(&griefed.operator);
    let result = griefed
        .distributor
        .try_deposit(&griefed.operator, &epoch, &due);
    println!("the operator's exact payment after a stranger's: {result:?}");
    assert!(result.is_ok());
    assert!(before - griefed.reward.balance(&griefed.operator) <= due);
    assert_eq!(griefed.distributor.arrears(), 0);
    assert_eq!(
        griefed.distributor.try_deposit(&stranger, &epoch, &1),
        Err(Ok(DistributorError::NothingOwed.into()))
    );
}

/// Finding 8: 1 MH/s shares of a 1 EH/s pool must stream at least 99.9% of a deposit.
#[test]
fn fine_grained_shares_get_their_whole_stream() {
    let s = Suite::offering(TERM, 0, FUNDS, 1_000_000);
    let eh = 1_000_000_000_000_000_000i128;
    s.attest(eh, 0);
    let alice = Address::generate(&s.env);
    let supply = eh / 1_000_000 * SHARE_UNIT; // 10^19 base units: the whole exahash
    s.token.mint(&alice, &supply);
    let epoch = s.attest(eh, 2_000_000); // 0.2 BTC (7 decimals) a day
    let paid = s.pay_in_full(epoch);
    advance(&s.env, 3 * DAY);
    let streamed = s.token.accrued(&alice);
    println!("1 MH/s shares: {streamed} of {paid} streamed");
    assert!(streamed * 1_000 >= paid * 999, "{streamed} of {paid}");
}

/// Finding 9: a fee recipient that cannot receive (its balance deauthorized by the issuer)
/// must not block deposits.
#[test]
fn a_fee_recipient_that_cannot_receive_blocks_no_deposit() {
    let s = Suite::new(TERM, 500, FUNDS);
    s.attest(th(100), 0);
    s.token.mint(&Address::generate(&s.env), &shares(100));
    let epoch = s.attest(th(100), 1_000_000);
    s.record_through(epoch);
    let due = s.distributor.due(&epoch);
    s.reward_asset
        .issuer()
        .set_flag(soroban_sdk::testutils::IssuerFlags::RevocableFlag);
    s.reward_issuer.set_authorized(&s.fee_recipient, &false);
    let result = s.distributor.try_deposit(&s.operator, &epoch, &due);
    println!("deposit with a deauthorized fee recipient: {result:?}");
    assert!(result.is_ok());
    // The fees wait; a new recipient the admin names withdraws them all.
    let fees = due * 500 / 10_000;
    assert_eq!(s.distributor.totals().fees, fees);
    assert!(s.distributor.try_withdraw_fees().is_err());
    let replacement = Address::generate(&s.env);
    s.distributor.set_fee_recipient(&replacement);
    assert_eq!(s.distributor.withdraw_fees(), fees);
    assert_eq!(s.reward.balance(&replacement), fees);
}

/// Finding 10: rotating the pool's operator on the oracle rotates the minter.
#[test]
fn rotating_the_operator_on_the_oracle_rotates_the_minter() {
    let s = offering();
    let new_operator = Address::generate(&s.env);
    let mut config = s.pool_config.clone();
    config.operator = new_operator.clone();
    s.oracle.update_pool(&s.pool, &config);
    let to = Address::generate(&s.env);
    let args = (to.clone(), 1i128).into_val(&s.env);
    authorize(&s.env, &s.operator, &s.token.address, "mint", args);
    let old = s.token.try_mint(&to, &1);
    let args = (to.clone(), 1i128).into_val(&s.env);
    authorize(&s.env, &new_operator, &s.token.address, "mint", args);
    let new = s.token.try_mint(&to, &1);
    s.env.mock_all_auths();
    println!("after rotation: old operator {old:?}, new operator {new:?}");
    assert!(old.is_err() && new.is_ok());
}

/// Finding 11: a schedule whose reports can only be effective after they are stale is refused.
#[test]
fn a_schedule_stale_on_arrival_is_refused() {
    let s = Suite::new(TERM, 0, FUNDS);
    let mut config = s.pool_config.clone();
    config.epoch_seconds = 100;
    config.dispute_seconds = 150; // effective 150 s after finalizing; stale 200 s after the end
    config.max_age_epochs = 2;
    let accepted = s
        .oracle
        .try_register_pool(&Symbol::new(&s.env, "tight"), &config)
        .is_ok();
    println!("dispute 150 s, staleness 2 x 100 s: accepted {accepted}");
    assert!(!accepted);
}

/// Finding 12: zero-amount and self transfers succeed, as the Stellar Asset Contract's do.
#[test]
fn zero_and_self_transfers_succeed_as_the_sacs_do() {
    let s = offering();
    let alice = Address::generate(&s.env);
    let bob = Address::generate(&s.env);
    s.token.mint(&alice, &shares(10));
    let zero = s.sep41.try_transfer(&alice, &bob, &0);
    let to_self = s.sep41.try_transfer(&alice, &alice, &shares(1));
    println!("zero transfer {zero:?}, self transfer {to_self:?}");
    assert!(zero.is_ok() && to_self.is_ok());
    assert_eq!(s.sep41.balance(&alice), shares(10));
}
