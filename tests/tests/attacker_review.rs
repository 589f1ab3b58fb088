//! An independent attacker's review of the redesign ("Payouts no one can game"), on the
//! compiled WASM. Every test asserts the SAFE behaviour: a failing test is a real hole, and it
//! prints what the attacker gains. Tests that pass document probes that found the design sound.
//!
//! After the fixes that followed the review (a round finalizes only when every listed reporter
//! is in, or by `finalize` after its window; nothing streamed with no shares is collectable;
//! mint top-ups pay the fee; the wiring is checked), the PoCs of A (the first quorum's median),
//! C (supply 0), D (wiring) and F (the fee on mint top-ups) pass, with exact numbers. Two
//! findings are limits of the rules the issue sets, documented in the README's design notes
//! and pinned here by `known_limit_*` tests with their exact numbers: a 2-reporter pool trusts
//! both reporters, and under-delivery is shared by every share, the operator's own included.

use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{
    advance, assert_auth_error, assert_error, assert_unchanged, authorize, panic_message, wasm,
    Suite, TokenSuite, TH_PER_SHARE,
};
use payout_distributor::DistributorError;
use pool_oracle::{Finalized, OracleError};
use share_token::ShareTokenError;
use soroban_sdk::{
    testutils::{Address as _, Events as _, Logs as _},
    xdr::{ScErrorCode, ScErrorType},
    Address, Error, Event, IntoVal,
};

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

/// A suite without fee whose epoch 0 attests 100 TH/s; the clock is 1 h into epoch 1.
fn offering() -> Suite {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(th(100), 0);
    s
}

/// Every listed reporter submits `epoch`'s values now: the round is complete and finalizes.
fn attest_now(s: &TokenSuite, epoch: u64, hashrate: i128, reward: i128) {
    for reporter in s.pool_config.reporters.iter() {
        s.oracle
            .submit(&reporter, &s.pool, &epoch, &hashrate, &reward);
    }
}

// ---------------------------------------------------------------------------------------------
// A. Oracle: the median of the FIRST `quorum` submissions
// ---------------------------------------------------------------------------------------------

/// 3 of 5 is accepted as an "honest majority", and an epoch finalized on the first 3
/// submissions: two colluders (the operator and, say, the pool's API relayer: 2 of 5, a
/// minority) who submitted first decided both medians with a single honest submission, and the
/// two other honest reporters were refused (`EpochFinalized`).
///
/// Fixed: a quorum no longer finalizes at once. The three submissions leave the round open,
/// the other honest reporters are accepted, and the fifth completes the round with the honest
/// medians: 100 TH/s and 1,000,000, so 300 shares cannot be minted against 100 TH/s.
#[test]
fn two_colluding_reporters_of_five_decide_the_report() {
    let s = Suite::new(TERM, 0, FUNDS);
    let c = s.pool_config.clone();
    let epoch = s.oracle.current_epoch(&s.pool);
    advance(&s.env, DAY);
    let r = |i: u32| c.reporters.get(i).unwrap();
    // The colluders submit in the first ledger after the epoch ends: 3x the real hashrate, no
    // reward.
    s.oracle.submit(&r(0), &s.pool, &epoch, &th(300), &0);
    s.oracle.submit(&r(1), &s.pool, &epoch, &th(300), &0);
    // The first honest reporter (100 TH/s, 1,000,000 earned) no longer finalizes the epoch.
    s.oracle
        .submit(&r(2), &s.pool, &epoch, &th(100), &1_000_000);
    assert_eq!(
        s.oracle.try_finalize(&s.pool, &epoch),
        Err(Ok(OracleError::SubmissionsOpen.into()))
    );
    let late = s
        .oracle
        .try_submit(&r(3), &s.pool, &epoch, &th(100), &1_000_000);
    assert_eq!(late, Ok(Ok(())), "the other honest reporters are heard");
    s.oracle
        .submit(&r(4), &s.pool, &epoch, &th(100), &1_000_000);
    advance(&s.env, HOUR);
    let report = s.oracle.report(&s.pool, &epoch).unwrap();
    let capacity = s.oracle.capacity(&s.pool);
    let oversold = s
        .token
        .try_mint(&Address::generate(&s.env), &shares(300))
        .is_ok();
    println!(
        "2 of 5 colluders: report hashrate {} TH/s, reward {} (truth 100 TH/s, 1000000); \
         capacity {} TH/s, 300 shares mintable against 100 TH/s: {oversold}",
        report.hashrate / TH_PER_SHARE,
        report.reward,
        capacity / TH_PER_SHARE
    );
    assert_eq!(
        (report.hashrate, report.reward, report.submissions),
        (th(100), 1_000_000, 5),
        "a minority of the reporters decided the epoch"
    );
    assert_eq!(capacity, th(100));
    assert!(!oversold);
}

/// With an even quorum the lower median is decided on the low side by half of it: 4 of 5
/// (accepted) let 2 colluders zero the reward with the first four submissions, so nothing was
/// owed.
///
/// Fixed: the four submissions leave the round open; the fifth (honest) completes it, and the
/// lower median of five, [0, 0, 2.4M, 2.4M, 2.4M], is honest. Alice's 100 shares held 23 of
/// epoch 1's 24 hours: 95.833... TH/s sold, rounded down to the H/s, so 2,299,999 is owed.
#[test]
fn two_of_five_zero_the_reward_under_quorum_four() {
    let s = Suite::configured(TERM, 0, FUNDS, TH_PER_SHARE, |c| c.quorum = 4);
    s.attest(th(100), 0);
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100));
    let c = s.pool_config.clone();
    let epoch = s.oracle.current_epoch(&s.pool);
    s.to_next_epoch();
    let r = |i: u32| c.reporters.get(i).unwrap();
    s.oracle.submit(&r(0), &s.pool, &epoch, &th(100), &0);
    s.oracle.submit(&r(1), &s.pool, &epoch, &th(100), &0);
    s.oracle
        .submit(&r(2), &s.pool, &epoch, &th(100), &2_400_000);
    s.oracle
        .submit(&r(3), &s.pool, &epoch, &th(100), &2_400_000);
    assert_eq!(s.oracle.report(&s.pool, &epoch), None);
    s.oracle
        .submit(&r(4), &s.pool, &epoch, &th(100), &2_400_000);
    advance(&s.env, HOUR);
    let owed = s.record_through(epoch).owed;
    println!("2 of 5 colluders, quorum 4: epoch owes {owed} (truth 2299999)");
    assert_eq!(
        owed, 2_299_999,
        "two of five reporters zeroed the holders' reward"
    );
}

/// What is left of A: the round's window counts on honest reporters submitting within it. With
/// one honest reporter silent for the hour, the colluders `finalize` the four submissions in
/// and their lower median is 0. The report is then disputable for an hour (the same window):
/// the admin disputes it, and the new round, with every reporter, is honest.
#[test]
fn a_silent_honest_reporter_leaves_the_colluders_a_report_the_admin_disputes() {
    let s = Suite::configured(TERM, 0, FUNDS, TH_PER_SHARE, |c| c.quorum = 4);
    s.attest(th(100), 0);
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100));
    let c = s.pool_config.clone();
    let epoch = s.oracle.current_epoch(&s.pool);
    s.to_next_epoch();
    let r = |i: u32| c.reporters.get(i).unwrap();
    for (i, reward) in [(0, 0), (1, 0), (2, 2_400_000), (3, 2_400_000)] {
        s.oracle.submit(&r(i), &s.pool, &epoch, &th(100), &reward);
    }
    advance(&s.env, HOUR); // reporter 4 is silent
    s.oracle.finalize(&s.pool, &epoch);
    // The colluders' report: the lower median of [0, 0, 2.4M, 2.4M] is 0.
    assert_eq!(
        s.env.events().all().filter_by_contract(&s.oracle.address),
        [Finalized {
            pool: s.pool.clone(),
            epoch,
            hashrate: th(100),
            reward: 0,
            submissions: 4,
        }
        .to_xdr(&s.env, &s.oracle.address)]
    );
    let latest = s.oracle.latest(&s.pool).map(|r| r.epoch);
    assert_eq!(latest, Some(0), "epoch 1 finalized, not yet effective");
    advance(&s.env, HOUR - 1);
    assert_eq!(s.oracle.report(&s.pool, &epoch), None);
    // Disputed inside its window, it never becomes effective.
    s.oracle.dispute(&s.pool, &epoch);
    for i in 0..5 {
        let reward = if i < 2 { 0 } else { 2_400_000 };
        s.oracle.submit(&r(i), &s.pool, &epoch, &th(100), &reward);
    }
    advance(&s.env, HOUR);
    let owed = s.record_through(epoch).owed;
    println!("a silent honest reporter, the colluders' report disputed: epoch owes {owed}");
    assert_eq!(owed, 2_299_999);
}

/// 2 of 2 is accepted, and its lower median lets ONE reporter (e.g. the operator) set the
/// reward to 0.
///
/// A known limit, as the rule defines an honest majority: of two reporters both must
/// be honest (2 of 2 is the only quorum accepted), so either one can lower the median to its
/// own value. Pools of fewer than three reporters trust every reporter; every default is 3 of
/// 5, which tolerates two colluders while the honest three submit. (Alice's 100 shares for 23
/// of 24 hours would be owed 2,299,999; the reporter who says 0 makes it 0.)
#[test]
fn known_limit_either_of_two_reporters_lowers_the_reward() {
    let s = Suite::configured(TERM, 0, FUNDS, TH_PER_SHARE, |c| {
        c.reporters.pop_back();
        c.reporters.pop_back();
        c.reporters.pop_back();
        c.quorum = 2;
    });
    s.attest(th(100), 0);
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100));
    let c = s.pool_config.clone();
    let epoch = s.oracle.current_epoch(&s.pool);
    s.to_next_epoch();
    s.oracle
        .submit(&c.reporters.get(0).unwrap(), &s.pool, &epoch, &th(100), &0);
    s.oracle.submit(
        &c.reporters.get(1).unwrap(),
        &s.pool,
        &epoch,
        &th(100),
        &2_400_000,
    );
    advance(&s.env, HOUR);
    let owed = s.record_through(epoch).owed;
    println!("1 of 2 reporters: epoch owes {owed} (truth 2299999)");
    assert_eq!(
        owed, 0,
        "the lower of two reports: the documented limit of 2-reporter pools"
    );
    assert!(s
        .oracle
        .try_register_pool(&soroban_sdk::Symbol::new(&s.env, "two_of_two_one"), &{
            let mut one = c.clone();
            one.quorum = 1;
            one
        })
        .is_err());
}

// ---------------------------------------------------------------------------------------------
// B. The operator as a holder: under-delivery turned into dilution
// ---------------------------------------------------------------------------------------------

/// Capacity 100 TH/s, Alice bought 50 shares. For one epoch the operator points its unsold
/// 50 TH/s at another pool (it is its own hashrate), so the pool delivers 50 TH/s. Honestly
/// that costs Alice nothing: she gets all 50 TH/s' reward. But if the operator first mints its
/// unsold 50 shares to itself (within the cap, no top-up: no stream runs), `sold` exceeds the
/// delivered hashrate, `owed` is capped at the reward, and the operator's own shares take half
/// of it, on top of what its diverted hashrate earns elsewhere.
///
/// A known limit of the issue's `owed = reward × min(sold, hashrate) / hashrate`: when the pool
/// delivers less than was sold, every share — the operator's own included — shares what it
/// earned, so an operator holding shares shifts part of its shortfall onto investors: Alice
/// gets 1,252,174 instead of 2,399,999, and the operator's net cost falls by 1,147,825. The
/// oracle shows it (`recorded` carries `sold` and `hashrate`) and the sustained capacity falls,
/// so no new share can be sold. Charging under-delivery as debt at the epoch's hashprice would
/// close it; the README's design notes leave that to a product decision.
#[test]
fn known_limit_under_delivery_is_shared_by_the_operators_own_shares() {
    let mut got = Vec::new();
    for attack in [false, true] {
        let s = offering();
        let alice = Address::generate(&s.env);
        s.token.mint(&alice, &shares(50));
        if attack {
            s.token.mint(&s.operator, &shares(50));
        }
        let epoch = s.attest(th(50), 2_400_000); // 50 TH/s delivered: 2,400,000 earned
        let before = s.reward.balance(&s.operator);
        s.pay_in_full(epoch);
        advance(&s.env, 3 * DAY);
        if attack {
            s.distributor.claim(&s.operator);
            s.sep41.burn(&s.operator, &shares(50));
        }
        let cost = before - s.reward.balance(&s.operator);
        got.push((s.token.accrued(&alice), cost));
    }
    let ((honest, honest_cost), (diluted, attack_cost)) = (got[0], got[1]);
    println!(
        "diversion + self-mint: Alice gets {diluted} instead of {honest}; the operator's net \
         cost {attack_cost} instead of {honest_cost} (gain {})",
        honest_cost - attack_cost
    );
    assert_eq!(
        (honest, diluted),
        (2_399_999, 1_252_174),
        "the documented limit"
    );
    assert_eq!(honest_cost - attack_cost, 1_147_825);
}

// ---------------------------------------------------------------------------------------------
// C. Supply 0: carried rests captured by the next minter
// ---------------------------------------------------------------------------------------------

/// Alice, the only holder, burns her shares 1 h into the stream of epoch 1's payout: the rest
/// was carried. The operator mints at supply 0 (no top-up), and its next deposit (its own
/// shares' debt for epoch 2) streamed the carried rest to itself: it recovered most of what it
/// paid for epoch 1.
///
/// Fixed: what streams while no share exists is dropped, owed to no one. The operator paid
/// 2,399,999 for epoch 1 (2,299,999 owed, for 24 hours of shares now against 23 on average);
/// Alice earned 51,063.8 of it in her hour of its 47; the other 2,348,935.2 stay in the
/// distributor. The operator's 2,400,000 for epoch 2 come back to its shares, and nothing more.
#[test]
fn a_mint_at_supply_zero_recovers_the_carried_payment() {
    let s = offering();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100));
    let epoch = s.attest(th(100), 2_400_000);
    let paid_1 = s.pay_in_full(epoch);
    assert_eq!(paid_1, 2_399_999);
    advance(&s.env, HOUR);
    s.sep41.burn(&alice, &shares(100));
    let before = s.reward.balance(&s.operator);
    s.token.mint(&s.operator, &shares(100));
    assert_eq!(
        s.reward.balance(&s.operator),
        before,
        "no stream left to top up"
    );
    let e2 = s.attest(th(100), 2_400_000);
    assert_eq!(s.pay_in_full(e2), 2_400_000);
    advance(&s.env, 3 * DAY);
    assert_eq!(s.distributor.claim(&s.operator), 2_400_000);
    s.sep41.burn(&s.operator, &shares(100));
    let recovered = s.reward.balance(&s.operator) - before;
    println!(
        "supply-0 mint: the operator paid {paid_1} for epoch 1 and recovered {recovered} of it \
         (Alice accrued {})",
        s.token.accrued(&alice)
    );
    assert_eq!(
        recovered, 0,
        "the operator recovered {recovered} of its payment for epoch 1"
    );
    assert_eq!(s.distributor.claim(&alice), 51_063);
    assert_eq!(
        s.reward.balance(&s.distributor.address),
        2_348_936,
        "owed to no one"
    );
}

// ---------------------------------------------------------------------------------------------
// D. Wiring: shares minted before the distributor exists
// ---------------------------------------------------------------------------------------------

/// `set_distributor` accepted any address, and minting only needed one set (no top-up calls
/// while no stream runs). The token admin wired the deterministic address of a distributor it
/// deployed later, the operator sold shares, and the distributor deployed 3 epochs after owed
/// them nothing for the epochs before it, and sized its first epoch from a supply of 0.
///
/// Fixed: `set_distributor` asks the address which token it pays, so an address with nothing
/// deployed is refused, and nothing can be minted until a distributor of this token is wired;
/// a distributor's constructor refuses a token that already has shares. Deployed in epoch 3 and
/// wired, it owes the shares sold an hour into epoch 3 their 23 hours: 99 shares, 94.875 TH/s
/// of 100, 2,277,000 of 2,400,000.
#[test]
fn shares_sold_before_the_distributor_is_deployed_are_owed_nothing() {
    let base = TokenSuite::unwired(TERM);
    let env = base.env.clone();
    let reward_asset = env.register_stellar_asset_contract_v2(Address::generate(&env));
    // The address it will be deployed at: nothing is deployed there yet to say which token it
    // pays, so the call traps.
    let distributor_id = Address::generate(&env);
    let trapped = Error::from_type_and_code(ScErrorType::Context, ScErrorCode::InvalidAction);
    assert_unchanged(&env, || {
        assert_error(base.token.try_set_distributor(&distributor_id), trapped)
    });
    let logs = env.logs().all();
    assert!(logs
        .last()
        .is_some_and(|l| l.contains("Error(Storage, MissingValue)")));
    base.attest(th(100), 0);
    let alice = Address::generate(&env);
    assert_unchanged(&env, || {
        assert_error(
            base.token.try_mint(&alice, &shares(99)),
            ShareTokenError::DistributorNotSet,
        )
    });
    base.attest(th(100), 2_400_000); // epoch 1 ends
    base.attest(th(100), 2_400_000); // epoch 2 ends
    let first = base.oracle.current_epoch(&base.pool); // 3
    let deploy = |at: &Address| {
        env.register_at(
            at,
            wasm("payout_distributor").as_slice(),
            (
                base.admin.clone(),
                base.token.address.clone(),
                reward_asset.address(),
                base.oracle.address.clone(),
                base.pool.clone(),
                0u32,
                Address::generate(&env),
            ),
        )
    };
    deploy(&distributor_id);
    base.token.set_distributor(&distributor_id);
    let distributor = hashshare_interfaces::PayoutDistributorClient::new(&env, &distributor_id);
    assert_eq!(distributor.next_epoch(), first);
    base.token.mint(&alice, &shares(99)); // an hour into epoch 3

    // A distributor deployed now, with shares sold, would owe them nothing: refused.
    let message = panic_message(|| deploy(&Address::generate(&env)));
    assert!(message.contains("Error(Contract, #308)"), "{message}");
    base.attest(th(100), 2_400_000); // epoch 3 (the distributor's first) ends
    let before = distributor.try_record(&1);
    let p3 = distributor.record(&first);
    println!(
        "wired after its deployment: epoch 1 -> {before:?}; its first epoch {first} owes {} for \
         supply-seconds {} (99 shares held 23 hours)",
        p3.owed, p3.supply_seconds
    );
    assert_eq!(
        before,
        Err(Ok(DistributorError::EpochBeforeOffering.into()))
    );
    assert_eq!(p3.supply_seconds, shares(99) * (DAY - HOUR) as i128);
    assert_eq!(p3.owed, 2_277_000);
}

// ---------------------------------------------------------------------------------------------
// E. Probes that found the design sound (these pass)
// ---------------------------------------------------------------------------------------------

/// Only the share token can make the distributor pull from the operator's top-up allowance.
#[test]
fn a_stranger_cannot_pull_the_operators_topup_allowance() {
    let s = offering();
    let stranger = Address::generate(&s.env);
    let args = (s.operator.clone(), 1_000i128).into_val(&s.env);
    authorize(
        &s.env,
        &stranger,
        &s.distributor.address,
        "collect_topup",
        args,
    );
    let result = s.distributor.try_collect_topup(&s.operator, &1_000);
    assert_auth_error(&s.env, result);
    s.env.mock_all_auths();
    assert_eq!(s.reward.balance(&s.operator), FUNDS);
}

/// The operator holding M of the supply cannot cheapen a mint's top-up by burning and
/// re-minting around it, nor gain by minting before rather than after a deposit.
#[test]
fn burn_and_remint_around_a_stream_gains_the_operator_nothing() {
    let mut nets = Vec::new();
    for dodge in [false, true] {
        let s = offering();
        let alice = Address::generate(&s.env);
        s.token.mint(&alice, &shares(50));
        s.token.mint(&s.operator, &shares(50));
        let epoch = s.attest(th(100), 2_400_000);
        let before = s.reward.balance(&s.operator);
        s.pay_in_full(epoch);
        advance(&s.env, 6 * HOUR);
        if dodge {
            s.sep41.burn(&s.operator, &shares(50));
            s.token.mint(&s.operator, &shares(50));
        }
        advance(&s.env, 3 * DAY);
        s.distributor.claim(&s.operator);
        nets.push((
            before - s.reward.balance(&s.operator),
            s.token.accrued(&alice),
        ));
    }
    println!("burn/re-mint: (operator net cost, Alice) {nets:?}");
    assert!(nets[1].0 >= nets[0].0, "the dodge saved the operator money");
    assert!(nets[1].1 + 1 >= nets[0].1, "the dodge cost Alice");
}

/// A deposit made exactly on an epoch boundary streams over two whole epochs, beside the
/// previous epoch's lane, and every later boundary's deposit finds a free lane; a 1-unit mint
/// on each boundary pays both lanes' top-ups. Everything paid in streams out.
#[test]
fn deposits_on_boundaries_keep_two_lanes_and_pay_everything() {
    let s = offering();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(99));
    let mut paid = 0;
    let e0 = s.attest(th(100), 2_400_000); // epoch 1, now 1 h into epoch 2
    for e in e0..e0 + 4 {
        s.record_through(e);
        s.to_next_epoch(); // the end of e + 1: exactly on the boundary
        attest_now(&s, e + 1, th(100), 2_400_000);
        let due = s.distributor.due(&e);
        paid += due;
        s.distributor.deposit(&s.operator, &e, &due);
        s.token.mint(&s.operator, &1);
        advance(&s.env, HOUR);
    }
    advance(&s.env, 3 * DAY);
    let got = s.token.accrued(&alice) + s.token.accrued(&s.operator);
    let topups = s.distributor.totals().topups;
    println!("boundary deposits: paid {paid} (mint top-ups included: {topups}), streamed {got}");
    let received = s.distributor.totals().deposited;
    assert!(
        got <= received && got + 8 >= received,
        "{got} of {received}"
    );
}

/// An epoch with supply and no report is closed owing 0 at its deadline, and a late report
/// recorded afterwards restores the debt; the cursor is not blocked meanwhile.
#[test]
fn a_missed_epoch_is_restored_by_its_late_report() {
    let s = offering();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100));
    let c = s.pool_config.clone();
    let epoch = s.oracle.current_epoch(&s.pool); // 1: nobody reports it in time
    advance(&s.env, 3 * DAY);
    s.distributor.record(&0);
    let missed = s.distributor.record(&epoch);
    assert!(!missed.reported && missed.owed == 0);
    // A quorum reports late; `finalize` closes the round an hour later, effective an hour
    // after that.
    for i in 0..c.quorum {
        s.oracle.submit(
            &c.reporters.get(i).unwrap(),
            &s.pool,
            &epoch,
            &th(100),
            &2_400_000,
        );
    }
    advance(&s.env, HOUR);
    s.oracle.finalize(&s.pool, &epoch);
    assert_eq!(s.distributor.record(&epoch), missed);
    advance(&s.env, HOUR);
    let fixed = s.distributor.record(&epoch);
    println!("late report: owed {} -> {}", missed.owed, fixed.owed);
    // 100 shares for 23 of 24 hours: 95.833... TH/s sold, rounded down to the H/s.
    assert_eq!((fixed.owed, fixed.reported), (2_299_999, true));
    assert_eq!(s.distributor.arrears(), fixed.owed);
}

/// Many supply changes inside one epoch, and epochs with none, integrate exactly.
#[test]
fn supply_seconds_are_exact_across_many_changes_and_quiet_epochs() {
    let s = offering();
    s.to_next_epoch(); // start of epoch 2 (capacity from epoch 0 still fresh)
    let alice = Address::generate(&s.env);
    let mut expected: i128 = 0;
    let mut supply: i128 = 0;
    for i in 0..24 {
        s.token.mint(&alice, &shares(2));
        supply += shares(2);
        advance(&s.env, HOUR / 2);
        s.sep41.burn(&alice, &shares(1));
        expected += supply * (HOUR / 2) as i128;
        supply -= shares(1);
        advance(&s.env, HOUR / 2);
        expected += supply * (HOUR / 2) as i128;
        let _ = i;
    }
    // epochs 2 (changes) and 3, 4 (quiet), recorded after a change in epoch 5 (a burn on
    // its very first second)
    advance(&s.env, 3 * DAY);
    s.sep41.burn(&alice, &1);
    for e in 1..5u64 {
        attest_now(&s, e, th(100), 0);
    }
    advance(&s.env, HOUR);
    let p2 = s.record_through(2);
    let p3 = s.record_through(3);
    let p4 = s.record_through(4);
    assert_eq!(p2.supply_seconds, expected);
    assert_eq!(p3.supply_seconds, supply * DAY as i128);
    assert_eq!(p4.supply_seconds, supply * DAY as i128);
}

// ---------------------------------------------------------------------------------------------
// F. Fees: the mint top-up bore none, the deposit top-up did
// ---------------------------------------------------------------------------------------------

/// 10% fee. Alice held 50 shares through epoch 2; the operator sells 50 more to Bob after it.
/// Minting Bob's shares before paying epoch 2 makes the deposit carry Bob's top-up (fee on
/// it); paying first and minting after moved the same top-up into the mint, which bore no
/// fee. Same outcome for Alice and Bob, the fee recipient lost the fee on the top-up.
///
/// Fixed: the mint's top-up is grossed up by the fee. Alice and Bob accrue 1,080,000 each in
/// either order; the operator pays 2,400,000 and 240,000 of fees accrue, give or take the unit
/// that two separate roundings of the fee (a deposit's and a mint's) can differ by.
#[test]
fn minting_after_the_deposit_dodges_the_fee_on_the_topup() {
    let mut runs = Vec::new();
    for mint_first in [true, false] {
        let s = Suite::new(TERM, 1_000, FUNDS);
        s.attest(th(100), 0);
        s.to_next_epoch();
        let alice = Address::generate(&s.env);
        let bob = Address::generate(&s.env);
        s.token.mint(&alice, &shares(50)); // start of epoch 2: a whole epoch
        let epoch = s.attest(th(100), 2_400_000);
        s.record_through(epoch);
        let before = s.reward.balance(&s.operator);
        if mint_first {
            s.token.mint(&bob, &shares(50));
        }
        let due = s.distributor.due(&epoch);
        s.distributor.deposit(&s.operator, &epoch, &due);
        if !mint_first {
            s.token.mint(&bob, &shares(50));
        }
        advance(&s.env, 3 * DAY);
        runs.push((
            before - s.reward.balance(&s.operator),
            s.distributor.totals().fees,
            s.token.accrued(&alice),
            s.token.accrued(&bob),
        ));
    }
    println!(
        "(operator cost, fees, alice, bob): mint first {:?}, deposit first {:?}",
        runs[0], runs[1]
    );
    assert_eq!(runs[0], (2_400_000, 240_000, 1_080_000, 1_080_000));
    assert_eq!(
        (runs[1].2, runs[1].3),
        (1_080_000, 1_080_000),
        "the holders' shares"
    );
    assert!(
        (runs[0].0 - runs[1].0).abs() <= 1 && (runs[0].1 - runs[1].1).abs() <= 1,
        "reordering saved the operator {} of fees",
        runs[0].1 - runs[1].1
    );
}

/// In commit d365618 `transfer` skipped `check_amount`: it moved shares while the token was
/// paused and accepted a negative amount as a silent no-op (fixed in 4525fb7).
#[test]
fn transfers_are_refused_while_paused_and_for_negative_amounts() {
    let s = offering();
    let alice = Address::generate(&s.env);
    let bob = Address::generate(&s.env);
    s.token.mint(&alice, &shares(10));
    let negative = s.sep41.try_transfer(&alice, &bob, &-1);
    s.token.pause();
    let paused = s.sep41.try_transfer(&alice, &bob, &shares(1));
    println!("negative transfer {negative:?}; transfer while paused {paused:?}");
    assert!(negative.is_err() && paused.is_err());
}
