//! Fourth attacker review, of 6e9b80e's `payout::entitled` — `min(SS, floor(N·E·SS / (SS +
//! (N − K)·E)))`, `K = min(S_end, N)` — which floored the price of a unit of debt.
//!
//! Every test asserts the SAFE (or documented) behaviour. R1, R2 and R4 failed on 6e9b80e and
//! pass since the price is kept as an exact fraction, `max(N·E, SS + (N − K)·E) / SS`
//! (`payout::price`):
//!
//! - R1 `a_one_unit_second_epoch_closing_empty_stays_payable_once_shares_are_held`: SS = 1
//!   and K = 0 floored `entitled` to 0: `due` said 0 and `deposit` `NothingOwed` while the
//!   epoch still owed and shares were held.
//! - R2 `a_tiny_epoch_closing_empty_costs_no_more_than_the_stated_bound`: SS = 2, K = 0:
//!   `entitled` floored 1.99… to 1 and `due` was twice `owed × (1 + N / S_avg)`.
//! - R4 `huge_supplies_do_not_overflow_a_payable_debt`: `SS + (N − K)·E` overflowed i128
//!   where `N·E` did not (~10^26 H/s; informational).
//! - R3 `known_limit_a_burn_after_the_end_forfeits_to_the_shares_that_replace_it`: a holder
//!   who burns after the epoch's end (before it is paid) forfeits its part to the shares then
//!   held, including shares the operator mints to replace it at face value — pinned with its
//!   numbers (holders never fall below their parity; it is who gets the forfeit).
//! - The rest pass: interleaved partial deposits with mints and burns (every holder gets at
//!   least owed/S_avg per share, every deposit satisfies the model's "7 no claw-back"
//!   inequality, the operator's net cost is at least the third parties' parity), the
//!   operator's largest self-mint after a last-second burn, an epoch whose supply grew, and a
//!   missed epoch fixed late on the branch `K·E < SS`.

use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{advance, Suite, TH_PER_SHARE};
use soroban_sdk::{testutils::Address as _, Address};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const E: i128 = DAY as i128;
const TERM: u64 = 365 * DAY;
const FUNDS: i128 = 1_000_000_000_000_000_000;

fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// Fee-less, epochs 0 and 1 attested at 200 TH/s with nothing sold, clock at the START of
/// epoch 2.
fn at_epoch_two() -> Suite {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(th(200), 0);
    assert_eq!(s.to_next_epoch(), 2);
    s.report_now(1, th(200), 0);
    s
}

/// The contract's rule, re-derived: `due` for `outstanding`, `ceil(outstanding × max(N·E,
/// SS + (N − K)·E) / SS)` (never less than `outstanding`).
fn rule_due(outstanding: i128, ss: i128, s_end: i128, n: i128) -> i128 {
    use num_bigint::BigInt;
    let kept = s_end.clamp(0, n);
    let big = |x: i128| BigInt::from(x);
    let cost = (big(n) * big(E)).max(big(ss) + big(n - kept) * big(E));
    if cost <= big(ss) {
        return outstanding;
    }
    let due = (big(outstanding) * cost + big(ss) - 1) / big(ss);
    i128::try_from(due).expect("due fits")
}

// ---------------------------------------------------------------------------------------------
// R1. SS = 1, closing supply 0: entitled = floor(NE / (1 + NE)) = 0
// ---------------------------------------------------------------------------------------------

/// One base unit held for one second (minted 2 s before epoch 2 ends, burned 1 s before):
/// SS = 1, S_end = 0. At 1 TH/s per share and 200 TH/s, sold = floor(10^12 / (10^7 × 86,400))
/// = 1 H/s, so a reward of 2 × 10^17 makes owed 1,000. Bob then holds 100 shares: a share is
/// held, so the debt must be payable (`NoHolders` only when N = 0). It is not.
#[test]
fn a_one_unit_second_epoch_closing_empty_stays_payable_once_shares_are_held() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.to_moment(s.end_of(2) - 2);
    s.token.mint(&alice, &1);
    advance(&s.env, 1);
    s.sep41.burn(&alice, &1);
    let epoch = s.attest(th(200), 200_000_000_000_000_000);
    s.token.mint(&bob, &shares(100));
    let p = s.record_through(epoch);
    assert_eq!(p.supply_seconds, 1);
    assert_eq!(p.owed, 1_000);
    let due = d.due(&epoch);
    let deposit = d.try_deposit(&s.operator, &epoch, &FUNDS);
    println!(
        "R1: owed {}, due {due}, deposit {deposit:?}, arrears {}",
        p.owed,
        d.arrears()
    );
    assert!(
        due > 0,
        "due is 0 while {} is owed and 100 shares are held",
        p.owed
    );
    assert!(
        matches!(deposit, Ok(Ok(()))),
        "the debt cannot be paid: {deposit:?}"
    );
    assert_eq!(d.arrears(), 0);
}

// ---------------------------------------------------------------------------------------------
// R2. SS = 2, closing supply 0: entitled floors 1.99… to 1, doubling the cost
// ---------------------------------------------------------------------------------------------

/// As R1 with the unit held two seconds: SS = 2, owed 2,000 (sold 2 H/s). N = 10^9 units.
/// The stated bound is `owed × (1 + N / S_avg) = owed × (SS + N·E) / SS` = 86,400,000,002,000;
/// `entitled = floor(2NE / (2 + NE)) = 1` makes `due = owed × N × E` = 172,800,000,000,000,000,
/// twice that, all streamed to Bob's shares, which never held the epoch.
#[test]
fn a_tiny_epoch_closing_empty_costs_no_more_than_the_stated_bound() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.to_moment(s.end_of(2) - 3);
    s.token.mint(&alice, &1);
    advance(&s.env, 2);
    s.sep41.burn(&alice, &1);
    let epoch = s.attest(th(200), 200_000_000_000_000_000);
    let n = shares(100);
    s.token.mint(&bob, &n);
    let p = s.record_through(epoch);
    assert_eq!((p.supply_seconds, p.owed), (2, 2_000));
    let ss = p.supply_seconds;
    let bound = (p.owed * (ss + n * E) + ss - 1) / ss;
    let due = d.due(&epoch);
    println!(
        "R2: owed {}, due {due}, bound owed × (1 + N/S_avg) = {bound} ({:.3}×)",
        p.owed,
        due as f64 / bound as f64
    );
    assert!(
        due <= bound + bound / 1_000_000 + 2,
        "due {due} exceeds owed × (1 + N / S_avg) = {bound}"
    );
}

// ---------------------------------------------------------------------------------------------
// R3. A burn one second after the end goes wholly to the operator's new shares
// ---------------------------------------------------------------------------------------------

/// Alice and Bob hold 50 shares each all of epoch 2. Bob burns his 50 either one second
/// before the end or one second after it; in epoch 3 the operator mints 50 shares to itself
/// and pays `due`. Before the end: due ≈ 1.5 × owed, Alice collects ≈ 750,000, the operator's
/// new shares 750,000 back (net ≈ 750,000). After the end: K = min(100, 100) = 100, face value:
/// Alice collects exactly her 500,000 and the operator's new shares take Bob's whole 500,000
/// (net 500,000). The operator's mint, free at face value, takes all of Bob's forfeited part
/// (a known limit: telling it apart needs the lowest supply since the epoch's end).
#[test]
fn known_limit_a_burn_after_the_end_forfeits_to_the_shares_that_replace_it() {
    let mut alice_got = Vec::new();
    for after_end in [false, true] {
        let s = at_epoch_two();
        let d = &s.distributor;
        let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
        s.token.mint(&alice, &shares(50));
        s.token.mint(&bob, &shares(50));
        if after_end {
            s.to_moment(s.end_of(2) + 1);
        } else {
            s.to_moment(s.end_of(2) - 1);
        }
        s.sep41.burn(&bob, &shares(50));
        s.to_moment(s.end_of(2) + 1);
        s.report_now(2, th(200), 2_000_000);
        advance(&s.env, HOUR);
        let epoch = 2;
        let op = s.operator.clone();
        let before = s.reward.balance(&op);
        s.token.mint(&op, &shares(50));
        let p = s.record_through(epoch);
        let due = d.due(&epoch);
        d.deposit(&op, &epoch, &due);
        advance(&s.env, 3 * DAY);
        let a = d.claim(&alice);
        let o = d.claim(&op);
        let net = before - s.reward.balance(&op);
        println!(
            "R3 after_end={after_end}: owed {}, due {due}; Alice {a}, operator's new shares {o}, \
             operator's net {net}",
            p.owed
        );
        alice_got.push(a);
    }
    // Before the end, Alice gets half of 1.5 × owed; after it, exactly her own half.
    assert!(
        (749_990..=750_000).contains(&alice_got[0]),
        "{}",
        alice_got[0]
    );
    assert!(
        (999_999 / 2..=500_000).contains(&alice_got[1]),
        "{}",
        alice_got[1]
    );
}

// ---------------------------------------------------------------------------------------------
// R4. The new sum SS + (N − K)·E overflows where N·E fits
// ---------------------------------------------------------------------------------------------

/// 1 H/s per whole share, 1.5 × 10^26 H/s attested: 1.5 × 10^33 units held all of epoch 2
/// (SS ≈ 1.3 × 10^38 fits), all but one unit burned in its last second, as many minted again
/// after: N·E ≈ 1.3 × 10^38 fits, but SS + (N − K)·E ≈ 2.6 × 10^38 does not, and `due`
/// (exactly ≈ 2 × owed) fails with Overflow. Informational: no real pool is 10^26 H/s.
#[test]
fn huge_supplies_do_not_overflow_a_payable_debt() {
    let hashrate: i128 = 150_000_000_000_000_000_000_000_000; // 1.5e26 H/s
    let s = Suite::offering(TERM, 0, FUNDS, 1);
    let d = &s.distributor;
    s.attest(hashrate, 0);
    assert_eq!(s.to_next_epoch(), 2);
    s.report_now(1, hashrate, 0);
    let supply = hashrate * SHARE_UNIT; // the cap at 1 H/s per share
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&alice, &supply);
    s.to_moment(s.end_of(2) - 1);
    s.sep41.burn(&alice, &(supply - 1));
    let epoch = s.attest(hashrate, 1_000_000);
    s.token.mint(&bob, &(supply - 1));
    let p = s.record_through(epoch);
    let due = d.try_due(&epoch);
    println!("R4: owed {}, SS {}, due {due:?}", p.owed, p.supply_seconds);
    assert!(matches!(due, Ok(Ok(_))), "due failed: {due:?}");
}

// ---------------------------------------------------------------------------------------------
// Probes that found the rule sound (these pass)
// ---------------------------------------------------------------------------------------------

/// Alice 60 and Carol 40 shares all of epoch 2; Carol burns 20 in its last second. In epoch
/// 3 the operator mints 30 to itself, pays a third of `due`, mints 20 more, pays half of the
/// new `due`, burns 10 of its own, then pays the rest. `due` matches the rule at every step;
/// every deposit takes at least `debt × N / S_avg` (each share then held gets at least
/// debt / S_avg of it); every deposit's
/// top-up covers an average share's part for each share beyond the closing supply (the
/// model's "7 no claw-back"); Alice and Carol get at least their parity; the operator's net
/// cost is at least theirs.
#[test]
fn interleaved_partial_deposits_mints_and_burns_pay_every_holder_parity() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let (alice, carol) = (Address::generate(&s.env), Address::generate(&s.env));
    let op = s.operator.clone();
    s.token.mint(&alice, &shares(60));
    s.token.mint(&carol, &shares(40));
    s.to_moment(s.end_of(2) - 1);
    s.sep41.burn(&carol, &shares(20));
    let epoch = s.attest(th(200), 2_000_000);
    let before = s.reward.balance(&op);
    s.token.mint(&op, &shares(30));
    let p = s.record_through(epoch);
    let (ss, owed) = (p.supply_seconds, p.owed);
    let s_end = shares(80);
    let mut total_used = 0;
    for step in 0..5 {
        let n = s.token.total_supply();
        let due = d.due(&epoch);
        let outstanding = owed - d.epoch(&epoch).unwrap().paid;
        assert_eq!(due, rule_due(outstanding, ss, s_end, n), "step {step}");
        let amount = match step {
            0 => due / 3,
            2 => due / 2,
            4 => due,
            1 => {
                s.token.mint(&op, &shares(20));
                continue;
            }
            _ => {
                s.sep41.burn(&op, &shares(10));
                continue;
            }
        };
        let was = d.epoch(&epoch).unwrap();
        let bal = s.reward.balance(&op);
        d.deposit(&op, &epoch, &amount);
        let used = bal - s.reward.balance(&op);
        total_used += used;
        let now_p = d.epoch(&epoch).unwrap();
        let (debt, topup) = (now_p.paid - was.paid, now_p.topup - was.topup);
        assert_eq!(debt + topup, used);
        let newer = n - s_end.min(n);
        // Model's 7 no claw-back: topup × SS >= debt × newer × E.
        assert!(topup * ss >= debt * newer * E, "step {step}: claw-back");
        // Each share now gets at least debt / S_avg: used × SS >= debt × N × E.
        assert!(used * ss >= debt * n * E, "step {step}: below parity");
        println!("step {step}: N {n}, used {used}, debt {debt}, topup {topup}");
    }
    assert_eq!(d.arrears(), 0);
    advance(&s.env, 3 * DAY);
    let (a, c, o) = (d.claim(&alice), d.claim(&carol), d.claim(&op));
    let parity = |held: i128| owed * held * E / ss;
    let net = before - s.reward.balance(&op);
    println!(
        "owed {owed}, used {total_used}; Alice {a} (parity {}), Carol {c} (parity {}), \
         operator collected {o}, net {net}",
        parity(shares(60)),
        parity(shares(20))
    );
    assert!(a + 2 >= parity(shares(60)));
    assert!(c + 2 >= parity(shares(20)));
    assert!(net + 4 >= parity(shares(80)));
}

/// Bob burns his 50 of 100 in epoch 2's last second; the operator mints the whole capacity
/// left (150) to itself and pays. Alice still gets at least her parity; the operator's shares
/// gain `rate × M × B / N` = 75% of Bob's forfeited part (375,000 of 500,000), and its
/// net still covers Alice's parity.
#[test]
fn the_operators_largest_self_mint_after_a_last_second_burn_claws_back_nothing_of_alices() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    let op = s.operator.clone();
    s.token.mint(&alice, &shares(50));
    s.token.mint(&bob, &shares(50));
    s.to_moment(s.end_of(2) - 1);
    s.sep41.burn(&bob, &shares(50));
    let epoch = s.attest(th(200), 2_000_000);
    let before = s.reward.balance(&op);
    s.token.mint(&op, &shares(150));
    let p = s.record_through(epoch);
    let due = d.due(&epoch);
    assert_eq!(
        due,
        rule_due(p.owed, p.supply_seconds, shares(50), shares(200))
    );
    d.deposit(&op, &epoch, &due);
    advance(&s.env, 3 * DAY);
    let (a, o) = (d.claim(&alice), d.claim(&op));
    let net = before - s.reward.balance(&op);
    let parity = p.owed * shares(50) * E / p.supply_seconds;
    println!(
        "owed {}, due {due}; Alice {a} (parity {parity}), operator {o}, net {net}",
        p.owed
    );
    assert!(a + 2 >= parity);
    assert!(net + 2 >= a);
}

/// Supply grew during the epoch (Alice 100 from its start, Bob 100 from its middle: S_avg
/// 150, S_end 200). Bob burns his 100 after the end: N = 100 <= S_avg, face value, Alice gets
/// all. Then the operator mints 100: N = 200 = K, `due = owed × 200 / 150`, and each share
/// gets owed / 150.
#[test]
fn an_epoch_whose_supply_grew_then_burned_after_its_end() {
    for remint in [false, true] {
        let s = at_epoch_two();
        let d = &s.distributor;
        let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
        s.token.mint(&alice, &shares(100));
        advance(&s.env, DAY / 2);
        s.token.mint(&bob, &shares(100));
        let epoch = s.attest(th(200), 2_000_000);
        s.sep41.burn(&bob, &shares(100));
        if remint {
            s.token.mint(&s.operator, &shares(100));
        }
        let p = s.record_through(epoch);
        assert_eq!(p.supply_seconds, shares(150) * E);
        let due = d.due(&epoch);
        let want = if remint {
            (p.owed * 200 + 149) / 150
        } else {
            p.owed
        };
        assert_eq!(due, want);
        d.deposit(&s.operator, &epoch, &due);
        advance(&s.env, 3 * DAY);
        let a = d.claim(&alice);
        println!("remint={remint}: owed {}, due {due}, Alice {a}", p.owed);
        assert!(a + 2 >= p.owed * 100 / 150);
    }
}

/// A missed epoch (Carol burned 40 of 100 in its last second) fixed by a late report after
/// the operator minted 40 to Bob: `due` before and `deposit` take the `K·E < SS` branch's
/// amount exactly.
#[test]
fn a_missed_epoch_fixed_late_on_the_newer_share_branch() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let c = s.pool_config.clone();
    let (carol, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&carol, &shares(100));
    s.to_moment(s.end_of(2) - 1);
    s.sep41.burn(&carol, &shares(40));
    for e in 3..=4u64 {
        s.to_moment(s.end_of(e));
        for r in c.reporters.iter() {
            s.oracle.submit(&r, &s.pool, &e, &th(200), &0);
        }
    }
    advance(&s.env, HOUR);
    let missed = s.record_through(2);
    assert!(!missed.reported && missed.owed == 0);
    s.token.mint(&bob, &shares(40));
    for r in c.reporters.iter() {
        s.oracle.submit(&r, &s.pool, &2, &th(200), &2_000_000);
    }
    advance(&s.env, HOUR);
    let due = d.due(&2);
    let ss = missed.supply_seconds;
    // owed is floor(reward × sold / hashrate) with sold in H/s; recompute it exactly.
    let sold = ss * TH_PER_SHARE / (SHARE_UNIT * E);
    let owed_exact = 2_000_000 * sold / th(200);
    assert_eq!(due, rule_due(owed_exact, ss, shares(60), shares(100)));
    let before = s.reward.balance(&s.operator);
    d.deposit(&s.operator, &2, &FUNDS);
    assert_eq!(before - s.reward.balance(&s.operator), due);
    assert_eq!(d.arrears(), 0);
    println!("missed then fixed: owed {owed_exact}, due {due}");
}
