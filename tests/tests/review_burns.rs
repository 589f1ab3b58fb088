//! An independent attacker's review of how a deposit shares an epoch's payout when shares
//! were burned and minted around it.
//!
//! It found (B1–B3) that the rule of a5c37cb — the payout sized for `min(supply_seconds,
//! min(supply_at_end, supply_now) × E)` — let any holder who burns in an epoch's last second
//! inflate its debt without bound once the operator had minted since (a closing supply of one
//! base unit made `due` ~5 × 10^8 times the owed; the burner, buying the new shares, collected
//! it). Every test asserts the SAFE behaviour, so B1–B3 failed then and pass with the fix: each
//! share beyond the closing supply pays an average share's part, `due = owed × max(N, S_avg +
//! N - K) / S_avg` (`payout::price`).
//!
//! - B1 `a_last_second_burn_to_one_unit_makes_the_debt_unpayable`: the debt after a burn to
//!   one unit is no dearer than without the burn.
//! - B2 `a_holder_who_burns_and_buys_new_shares_collects_the_epoch_many_times_over`: burning
//!   and buying the new shares gains nothing.
//! - B3 `a_burn_before_the_end_makes_the_debt_dearer_than_no_burn`: half of the supply burned
//!   in the last second: no dearer.
//! - The rest: boundaries, late records, missed epochs fixed late, due/deposit agreement,
//!   strangers' dust deposits, a closing supply of 0 (payable once shares are held),
//!   maturity.

use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{advance, assert_error, assert_unchanged, Suite, TH_PER_SHARE};
use payout_distributor::DistributorError;
use soroban_sdk::{testutils::Address as _, Address};

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

/// A fee-less suite whose epochs 0 and 1 attest 200 TH/s (nothing sold in them), with the
/// clock at the START of epoch 2 (the capacity from epoch 0 is still fresh, epoch 1's is
/// effective an hour later): shares minted now hold all of epoch 2.
fn at_epoch_two() -> Suite {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(th(200), 0);
    assert_eq!(s.to_next_epoch(), 2);
    s.report_now(1, th(200), 0);
    s
}

// ---------------------------------------------------------------------------------------------
// B1. A burn in an epoch's last second to one base unit: the debt becomes unpayable
// ---------------------------------------------------------------------------------------------

/// Alice holds 100 shares all of epoch 2 and, one second before it ends, burns all but ONE
/// base unit: the epoch's supply-seconds are still ~100 shares x 1 day (owed ~999,988 of a
/// 2,000,000 reward at 200 TH/s), but its closing supply is 1 unit. In epoch 3 the operator
/// sells 100 shares to Bob (before the epoch's report is effective it cannot pay it anyway).
/// Under a5c37cb's rule (`entitled = min(SS, min(1, N) × E) = E`, `present = N × E`) every
/// unit of debt cost `N = 1,000,000,001` units: ~5 x 10^8 times the control's ~2 x owed, and
/// a payment of the face value paid off nothing. A sound rule does not let a burn make the
/// debt dearer than no burn at all.
#[test]
fn a_last_second_burn_to_one_unit_makes_the_debt_unpayable() {
    let mut dues = Vec::new();
    let mut oweds = Vec::new();
    for burn in [false, true] {
        let s = at_epoch_two();
        let d = &s.distributor;
        let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
        s.token.mint(&alice, &shares(100));
        s.to_moment(s.end_of(2) - 1);
        if burn {
            s.sep41.burn(&alice, &(shares(100) - 1));
        }
        let epoch = s.attest(th(200), 2_000_000); // epoch 2; now 1 h into epoch 3
        assert_eq!(epoch, 2);
        s.token.mint(&bob, &shares(100));
        let payout = s.record_through(epoch);
        let due = d.due(&epoch);
        println!(
            "burn={burn}: owed {} (supply-seconds {}), supply now {}, due {due}",
            payout.owed,
            payout.supply_seconds,
            s.token.total_supply()
        );
        if burn {
            // Paying the face value pays off nothing: debt = floor(owed × E / (N × E)) = 0.
            let before = s.reward.balance(&s.operator);
            d.deposit(&s.operator, &epoch, &payout.owed);
            let after = d.epoch(&epoch).unwrap();
            println!(
                "  face-value deposit of {}: paid off {}, arrears still {} (took {})",
                payout.owed,
                after.paid,
                d.arrears(),
                before - s.reward.balance(&s.operator)
            );
        }
        dues.push(due);
        oweds.push(payout.owed);
    }
    println!(
        "a 1-unit closing supply multiplies the debt by {} (vs no burn)",
        dues[1] / dues[0].max(1)
    );
    assert!(
        dues[1] <= dues[0] + 1,
        "a burn made the operator's debt dearer: due {} with the burn, {} without (owed {})",
        dues[1],
        dues[0],
        oweds[1]
    );
}

// ---------------------------------------------------------------------------------------------
// B2. The burner buys the new shares: it collects the epoch's payout once per base unit
// ---------------------------------------------------------------------------------------------

/// Alice is the only holder (100 shares) of epoch 2; she burns all but one base unit in its
/// last second and buys 100 new shares in epoch 3. An operator (or its bot, or a stranger
/// settling its debt) paying `due` streams ~10^15 units to Alice, against ~2,000,000 had she
/// not burned. Her cost: the future payouts of 100 burned shares (~1,000,000 an epoch).
#[test]
fn a_holder_who_burns_and_buys_new_shares_collects_the_epoch_many_times_over() {
    let mut got = Vec::new();
    let mut paid = Vec::new();
    for burn in [false, true] {
        let s = at_epoch_two();
        let d = &s.distributor;
        let alice = Address::generate(&s.env);
        s.token.mint(&alice, &shares(100));
        s.to_moment(s.end_of(2) - 1);
        if burn {
            s.sep41.burn(&alice, &(shares(100) - 1));
        }
        let epoch = s.attest(th(200), 2_000_000);
        s.token.mint(&alice, &shares(100)); // Alice buys the operator's new shares
        let before = s.reward.balance(&s.operator);
        s.pay_in_full(epoch);
        let cost = before - s.reward.balance(&s.operator);
        advance(&s.env, 3 * DAY);
        let alice_got = d.claim(&alice);
        println!("burn={burn}: the operator paid {cost}, Alice claimed {alice_got}");
        got.push(alice_got);
        paid.push(cost);
    }
    println!(
        "Alice's gain from burning: {} units, paid by the operator ({} vs {})",
        got[1] - got[0],
        paid[1],
        paid[0]
    );
    assert!(
        got[1] <= got[0],
        "burning to 1 unit and buying new shares gained Alice {}",
        got[1] - got[0]
    );
}

// ---------------------------------------------------------------------------------------------
// B3. The same with ordinary numbers: half the supply burned in the last second
// ---------------------------------------------------------------------------------------------

/// Alice and Carol hold 50 shares each all of epoch 2; Alice burns her 50 one second before
/// it ends; the operator sells 50 to Bob in epoch 3. Without the burn the debt costs 1.5 x
/// owed (150 shares for an average of 100); with it 2 x (100 shares for a closing supply of
/// 50), though fewer shares exist: a burn, which only removes claimants, made the operator pay
/// ~owed/2 more (Carol gets the whole payout, twice what her shares earned; Bob a whole one).
#[test]
fn a_burn_before_the_end_makes_the_debt_dearer_than_no_burn() {
    let mut dues = Vec::new();
    for burn in [false, true] {
        let s = at_epoch_two();
        let d = &s.distributor;
        let (alice, carol, bob) = (
            Address::generate(&s.env),
            Address::generate(&s.env),
            Address::generate(&s.env),
        );
        s.token.mint(&alice, &shares(50));
        s.token.mint(&carol, &shares(50));
        s.to_moment(s.end_of(2) - 1);
        if burn {
            s.sep41.burn(&alice, &shares(50));
        }
        let epoch = s.attest(th(200), 2_000_000);
        s.token.mint(&bob, &shares(50));
        let owed = s.record_through(epoch).owed;
        let due = d.due(&epoch);
        d.deposit(&s.operator, &epoch, &due);
        advance(&s.env, 3 * DAY);
        println!(
            "burn={burn}: owed {owed}, due {due}; Carol {}, Bob {}",
            s.token.accrued(&carol),
            s.token.accrued(&bob)
        );
        dues.push(due);
    }
    assert!(
        dues[1] <= dues[0] + 1,
        "the burn made the debt dearer: {} vs {}",
        dues[1],
        dues[0]
    );
}

// ---------------------------------------------------------------------------------------------
// Probes that found the rule sound (these pass)
// ---------------------------------------------------------------------------------------------

/// Everyone burns one second before the end: the closing supply is 0. While no share is held
/// the debt cannot be paid (`NoHolders`, nothing taken); once shares are minted it can, and
/// they receive it, each paying an average share's part on top (`due = owed × (S_avg + N) /
/// S_avg`). Burning on the boundary second instead counts for the next epoch: the closing
/// supply is whole and the shares minted since receive the payout at face value.
#[test]
fn a_closing_supply_of_zero_leaves_the_debt_payable_to_the_shares_then_held() {
    for on_boundary in [false, true] {
        let s = at_epoch_two();
        let d = &s.distributor;
        let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
        s.token.mint(&alice, &shares(100));
        s.to_moment(s.end_of(2) - u64::from(!on_boundary));
        s.sep41.burn(&alice, &shares(100));
        s.to_moment(s.end_of(2));
        s.report_now(2, th(200), 2_000_000);
        advance(&s.env, HOUR);
        let epoch = 2;
        let payout = s.record_through(epoch);
        assert!(payout.owed > 0);
        assert_unchanged(&s.env, || {
            assert_error(d.try_due(&epoch), DistributorError::NoHolders);
            assert_error(
                d.try_deposit(&s.operator, &epoch, &FUNDS),
                DistributorError::NoHolders,
            );
        });
        s.token.mint(&bob, &shares(100));
        let due = d.due(&epoch);
        if on_boundary {
            assert_eq!(due, payout.owed, "face value");
        } else {
            // S_avg = 100 × (E - 1) / E; 100 newer shares pay an average share each.
            let ss = payout.supply_seconds;
            let exact = payout.owed * (ss + shares(100) * DAY as i128) / ss;
            println!(
                "closing supply 0: owed {}, due {due} (exact {exact})",
                payout.owed
            );
            assert!(
                (exact..=exact + 2).contains(&due),
                "due {due}, exact {exact}"
            );
        }
        s.pay_in_full(epoch);
        assert_eq!(d.arrears(), 0);
        advance(&s.env, 3 * DAY);
        let to_bob = s.token.accrued(&bob);
        assert!(to_bob + 1 >= due, "Bob gets all of {due}: {to_bob}");
    }
}

/// A mint on the boundary second belongs to the next epoch only: the ended epoch's
/// supply-seconds and closing supply exclude it (so `due` counts it as newer, exactly), and the
/// next epoch counts it whole. `due` and `deposit` take the same amount.
#[test]
fn a_mint_on_the_boundary_second_counts_for_the_next_epoch_only() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&alice, &shares(100));
    s.to_moment(s.end_of(2));
    // Epoch 2's report and Bob's mint on the boundary second itself.
    s.report_now(2, th(200), 2_000_000);
    s.token.mint(&bob, &shares(100));
    advance(&s.env, HOUR);
    let p = s.record_through(2);
    assert_eq!(p.supply_seconds, shares(100) * DAY as i128);
    assert_eq!(p.owed, 1_000_000);
    // 200 shares now, 100 at the end and on average: 2 x.
    assert_eq!(d.due(&2), 2_000_000);
    let before = s.reward.balance(&s.operator);
    d.deposit(&s.operator, &2, &FUNDS);
    assert_eq!(before - s.reward.balance(&s.operator), 2_000_000);
    assert_eq!(d.arrears(), 0);
    advance(&s.env, 3 * DAY);
    assert!((999_999..=1_000_000).contains(&s.token.accrued(&alice)));
    // Epoch 3 (closed unreported, past its deadline) counts Bob's shares whole.
    let p3 = s.record_through(3);
    assert_eq!(p3.supply_seconds, shares(200) * DAY as i128);
}

/// Epochs recorded late, after quiet epochs and later changes, carry the real closing supply:
/// Alice's 100 shares from the start of epoch 2, 40 burned in its middle; epochs 3 and 4 are
/// quiet; 40 minted to Bob in epoch 5; everything recorded in epoch 6. Epochs 3 and 4 closed
/// with 60 shares (due 100/60 of owed with Bob's shares), epoch 2 with 60 too (an average of
/// 80: Bob's 40 newer shares pay 40/80 on top, due 1.5 × owed), and `deposit` takes exactly
/// `due` each time.
#[test]
fn late_records_carry_the_real_closing_supply_across_quiet_epochs() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&alice, &shares(100));
    advance(&s.env, DAY / 2);
    s.sep41.burn(&alice, &shares(40));
    for e in 2..=4u64 {
        s.to_moment(s.end_of(e));
        s.report_now(e, th(200), 2_000_000);
    }
    advance(&s.env, HOUR);
    s.token.mint(&bob, &shares(40));
    s.to_moment(s.end_of(5));
    s.report_now(5, th(200), 2_000_000);
    advance(&s.env, 2 * HOUR);
    for e in 2..=5u64 {
        let p = s.record_through(e);
        let due = d.due(&e);
        let expected_ss = match e {
            2 => shares(100) * (DAY / 2) as i128 + shares(60) * (DAY / 2) as i128,
            3 | 4 => shares(60) * DAY as i128,
            _ => shares(60) * DAY as i128 + shares(40) * (DAY - HOUR) as i128,
        };
        assert_eq!(p.supply_seconds, expected_ss, "epoch {e}");
        // Closing supply 60 for 2..4, 100 for 5; supply now 100.
        let closing = if e == 5 { shares(100) } else { shares(60) };
        // Each of the newer shares (beyond the closing supply) pays an average share's part:
        // a unit of debt costs max(N·E, SS + (N − K)·E) / SS.
        let n = shares(100);
        let cost = (n * DAY as i128).max(expected_ss + (n - closing) * DAY as i128);
        let want = if cost <= expected_ss {
            p.owed
        } else {
            (p.owed * cost + expected_ss - 1) / expected_ss
        };
        assert_eq!(due, want, "epoch {e}: owed {}", p.owed);
        let before = s.reward.balance(&s.operator);
        d.deposit(&s.operator, &e, &(due + 1_000));
        assert_eq!(before - s.reward.balance(&s.operator), due, "epoch {e}");
        assert_eq!(d.epoch(&e).unwrap().paid, p.owed);
    }
    assert_eq!(d.arrears(), 0);
}

/// An epoch closed as missed, then fixed by a late report after mints and burns: its stored
/// closing supply is the one it really ended with, `due` before the fix already says what
/// the deposit will take, and the deposit takes exactly that.
#[test]
fn a_missed_epoch_fixed_late_keeps_its_closing_supply() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let c = s.pool_config.clone();
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&alice, &shares(100));
    // Epoch 2: nobody reports. Epochs 3 and 4 are reported (capacity stays fresh).
    for e in 3..=4u64 {
        s.to_moment(s.end_of(e));
        for r in c.reporters.iter() {
            s.oracle.submit(&r, &s.pool, &e, &th(200), &0);
        }
    }
    advance(&s.env, HOUR); // now 1 h into epoch 5: epoch 2 is past its deadline
    let missed = s.record_through(2);
    assert!(!missed.reported && missed.owed == 0);
    assert_eq!(d.due(&2), 0);
    s.token.mint(&bob, &shares(60));
    s.sep41.burn(&alice, &shares(30));
    // The late report for epoch 2.
    for r in c.reporters.iter() {
        s.oracle.submit(&r, &s.pool, &2, &th(200), &2_000_000);
    }
    assert_eq!(d.due(&2), 0, "not effective yet");
    advance(&s.env, HOUR);
    let due = d.due(&2);
    // owed 1,000,000 for 100 shares all epoch; closing 100; now 130: 1.3 x.
    assert_eq!(due, 1_300_000);
    let before = s.reward.balance(&s.operator);
    d.deposit(&s.operator, &2, &FUNDS);
    assert_eq!(before - s.reward.balance(&s.operator), due);
    let fixed = d.epoch(&2).unwrap();
    assert_eq!(
        (fixed.owed, fixed.paid, fixed.reported),
        (1_000_000, 1_000_000, true)
    );
    assert_eq!(d.arrears(), 0);
}

/// `due` and `deposit` agree through partial payments, mints, burns and strangers' dust: a
/// deposit of `due` always takes exactly `due` and clears the epoch; a partial payment never
/// makes the rest dearer per unit of debt; a stranger's 1-unit deposits never raise `due`.
#[test]
fn due_and_deposit_agree_through_partial_payments_and_supply_changes() {
    let s = at_epoch_two();
    let d = &s.distributor;
    let (alice, bob, stranger) = (
        Address::generate(&s.env),
        Address::generate(&s.env),
        Address::generate(&s.env),
    );
    s.reward_issuer.mint(&stranger, &1_000);
    s.token.mint(&alice, &shares(70));
    advance(&s.env, 6 * HOUR);
    s.token.mint(&alice, &shares(30)); // average 92.5, closing 100
    let epoch = s.attest(th(200), 2_000_000);
    s.token.mint(&bob, &shares(80)); // 180 now
    let owed = s.record_through(epoch).owed;
    for step in 0..6 {
        let due = d.due(&epoch);
        let outstanding = owed - d.epoch(&epoch).unwrap().paid;
        let rate = (due as f64) / (outstanding as f64);
        println!("step {step}: outstanding {outstanding}, due {due} ({rate:.6} per unit)");
        match step {
            0 => d.deposit(&stranger, &epoch, &1), // dust: pays 0 debt
            1 => d.deposit(&s.operator, &epoch, &(due / 3)),
            2 => s.sep41.burn(&bob, &shares(50)), // 130 now
            3 => s.token.mint(&bob, &shares(20)), // 150 now
            4 => d.deposit(&s.operator, &epoch, &(due / 2)),
            _ => {
                let before = s.reward.balance(&s.operator);
                d.deposit(&s.operator, &epoch, &(due + 5));
                assert_eq!(before - s.reward.balance(&s.operator), due);
            }
        }
        let after = d.due(&epoch);
        if step == 0 {
            assert!(
                after <= due,
                "a stranger's dust raised due: {due} -> {after}"
            );
        }
    }
    assert_eq!(d.epoch(&epoch).unwrap().paid, owed);
    assert_eq!(d.due(&epoch), 0);
    assert_eq!(d.arrears(), 0);
    assert_error(
        d.try_deposit(&s.operator, &epoch, &1),
        DistributorError::NothingOwed,
    );
}

/// Across maturity nothing can be minted, so the last epoch's payout is never grossed up, and
/// a burn after it leaves the rest at face value; epochs after maturity cannot be recorded.
#[test]
fn after_maturity_no_mint_can_gross_up_the_last_epoch() {
    let s = Suite::new(4 * DAY, 0, FUNDS);
    let d = &s.distributor;
    s.attest(th(200), 0);
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100)); // 1 h into epoch 1
    for _ in 1..3 {
        s.attest(th(200), 2_000_000);
    }
    let last = s.attest(th(200), 2_000_000); // epoch 3, ends at maturity
    assert_eq!(last, 3);
    let bob = Address::generate(&s.env);
    assert!(s.token.try_mint(&bob, &1).is_err(), "minted after maturity");
    s.sep41.burn(&alice, &shares(40));
    for e in 1..=last {
        s.record_through(e);
        assert_eq!(
            d.due(&e),
            d.epoch(&e).unwrap().owed,
            "face value, epoch {e}"
        );
    }
    assert_error(
        d.try_record(&(last + 1)),
        DistributorError::EpochAfterMaturity,
    );
}
