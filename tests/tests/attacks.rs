//! Attacks on hashshare, end to end on the compiled WASM of all three contracts. Each test is
//! named for what an attacker tries and shows, with exact numbers, that it fails or gains
//! nothing, and prints what the attacker gains.
//!
//! The fixture sells 1 TH/s per whole share (10^7 base units); epochs are daily (86,400 s),
//! reports become effective one hour after they finalize, and a deposit streams to holders
//! until the end of the epoch after the one it is made in. The offerings here mint at the
//! start of epoch 2 (so it is sold for all its seconds), attest it at its end and deposit at
//! the start of epoch 4: each such deposit streams for exactly two days.

use hashshare_interfaces::{PoolOracleClient, SHARE_UNIT};
use hashshare_tests::fixture::{
    advance, assert_auth_error, assert_error, assert_unchanged, authorize, panic_message, wasm,
    Suite, TokenSuite, TH_PER_SHARE,
};
use payout_distributor::DistributorError;
use share_token::ShareTokenError;
use soroban_sdk::{
    testutils::Address as _,
    vec,
    xdr::{ScErrorCode, ScErrorType},
    Address, Error, IntoVal, String, Symbol, Val,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// The term of every offering here: long enough never to matter.
const TERM: u64 = 365 * DAY;
/// What the operator is funded with: far more than any test deposits.
const FUNDS: i128 = 1_000_000_000_000;
/// The epoch the offerings sell: shares minted at its start, attested at its end.
const SOLD: u64 = 2;
/// A deposit made at the start of an epoch streams until the end of the next one.
const STREAM: u64 = 2 * DAY;

/// Whole shares in base units.
fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

/// Whole TH/s in H/s.
fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// When `epoch` starts.
fn start_of(s: &TokenSuite, epoch: u64) -> u64 {
    s.pool_config.genesis + epoch * s.pool_config.epoch_seconds
}

/// Moves the clock forward to `moment`.
fn advance_to(s: &TokenSuite, moment: u64) {
    let now = s.env.ledger().timestamp();
    assert!(moment >= now, "the clock only moves forward");
    advance(&s.env, moment - now);
}

/// Every reporter attests the ended `epoch` now (which finalizes it: the round is complete),
/// and its dispute window passes.
fn report(s: &TokenSuite, epoch: u64, hashrate: i128, reward: i128) {
    submit_all(s, epoch, hashrate, reward);
    advance(&s.env, s.pool_config.dispute_seconds);
}

/// Every listed reporter submits `epoch`'s values now: the last submission finalizes it.
fn submit_all(s: &TokenSuite, epoch: u64, hashrate: i128, reward: i128) {
    for reporter in s.pool_config.reporters.iter() {
        s.oracle
            .submit(&reporter, &s.pool, &epoch, &hashrate, &reward);
    }
}

/// A suite with `fee_bps` whose epoch 0 attests 1,000 TH/s (so up to 1,000 whole shares may
/// be minted), `mints` minted at the start of epoch 2, each to a new account, and epoch 2
/// attested at 1,000 TH/s earning `reward` (so a fully sold epoch owes the whole reward) and
/// recorded. The clock is at the start of epoch 4: a deposit now streams for [`STREAM`].
fn offering(fee_bps: u32, reward: i128, mints: &[i128]) -> (Suite, Vec<Address>) {
    let s = Suite::new(TERM, fee_bps, FUNDS);
    s.attest(th(1_000), 0);
    advance_to(&s, start_of(&s, SOLD)); // epoch 0 two behind: still fresh
    let holders = mints
        .iter()
        .map(|amount| {
            let holder = Address::generate(&s.env);
            s.token.mint(&holder, amount);
            holder
        })
        .collect();
    assert_eq!(s.attest(th(1_000), reward), SOLD);
    let supply: i128 = mints.iter().sum();
    let payout = s.record_through(SOLD);
    assert_eq!(payout.supply_seconds, supply * i128::from(DAY));
    assert_eq!(payout.owed, reward * supply / shares(1_000));
    advance_to(&s, start_of(&s, SOLD + 2));
    (s, holders)
}

fn accrued(s: &Suite, holders: &[&Address]) -> i128 {
    holders.iter().map(|h| s.token.accrued(h)).sum()
}

/// Whether `reward * numerator / denominator` (exact, rational) is at least `actual`.
fn within_pro_rata(actual: i128, reward: i128, numerator: i128, denominator: i128) -> bool {
    actual.checked_mul(denominator).expect("fits") <= reward.checked_mul(numerator).expect("fits")
}

/// The distributor's books close: everything received was claimed, withdrawn as fees, or is
/// still held.
fn assert_books_close(s: &Suite, claimed: i128) {
    let books = s.distributor.totals();
    let held = s.reward.balance(&s.distributor.address);
    assert_eq!(claimed, books.deposited - books.fees_withdrawn - held);
}

/// The attacker buys 10% of the shares in the same ledger as the deposit, just before it, and
/// sells them back five seconds later. It earns exactly its 5 seconds of the stream (500),
/// not 10% of the deposit (17,280,000); the seller keeps everything else its shares earned.
#[test]
fn buy_just_before_a_deposit_and_sell_just_after_earns_only_the_seconds_held() {
    // 172,800,000 over 172,800 s to 1,000 shares: exactly 1 unit per whole share per second.
    let reward = 172_800_000;
    let (s, holders) = offering(0, reward, &[shares(900), shares(100)]);
    let (honest, seller) = (&holders[0], &holders[1]);
    let attacker = Address::generate(&s.env);

    s.sep41.transfer(seller, &attacker, &shares(100));
    s.distributor.deposit(&s.operator, &SOLD, &reward);
    assert_eq!(
        s.token.accrued(&attacker),
        0,
        "nothing for the deposit itself"
    );
    advance(&s.env, 5);
    s.sep41.transfer(&attacker, seller, &shares(100));
    assert_eq!(s.token.accrued(&attacker), 100 * 5);

    advance(&s.env, STREAM); // long after the stream ended
    let gain = s.token.accrued(&attacker);
    println!("buy before the deposit, sell after: the attacker gained {gain} (5 seconds held)");
    assert_eq!(gain, 500, "nothing after it sold");
    assert_eq!(s.distributor.claim(&attacker), 500);
    assert_eq!(s.reward.balance(&attacker), 500);
    assert_eq!(s.token.accrued(honest), 900 * 172_800);
    assert_eq!(s.token.accrued(seller), 100 * 172_800 - 500);
    assert_eq!(s.distributor.claim(seller), 17_279_500);
    assert_eq!(s.distributor.claim(honest), 155_520_000);
    assert_eq!(s.reward.balance(&s.distributor.address), 0, "all paid out");
    assert_books_close(&s, reward);
}

/// Hundreds of 1-base-unit transfers back and forth between an attacker and its accomplice,
/// each settling both sides. Accruals are exact in index units and only claims round, so
/// together they never earn more than their exact balance × seconds share, each of them on
/// its own neither, and at no moment do all holders together have more claimable than has
/// streamed.
#[test]
fn dust_through_many_tiny_transfers_gains_nothing() {
    let reward: i128 = 999_999_937; // prime-ish: nothing divides evenly
    let (a_start, b_start) = (shares(7) + 3, shares(3) - 3);
    let honest_balance = shares(990);
    let (s, holders) = offering(0, reward, &[a_start, b_start, honest_balance]);
    let (a, b, honest) = (&holders[0], &holders[1], &holders[2]);
    let supply = shares(1_000);
    assert_eq!(s.token.total_supply(), supply);
    s.distributor.deposit(&s.operator, &SOLD, &reward);

    // Balance × seconds of each side, counted exactly by the test.
    let (mut bal_a, mut bal_b) = (a_start, b_start);
    let (mut bs_a, mut bs_b): (i128, i128) = (0, 0);
    let mut elapsed: u64 = 0;
    let transfers = 400;
    for i in 0..transfers {
        let dt = (i % 7) + 1;
        advance(&s.env, dt);
        elapsed += dt;
        bs_a += bal_a * i128::from(dt);
        bs_b += bal_b * i128::from(dt);
        if i % 2 == 0 {
            s.sep41.transfer(a, b, &1);
            (bal_a, bal_b) = (bal_a - 1, bal_b + 1);
        } else {
            s.sep41.transfer(b, a, &1);
            (bal_a, bal_b) = (bal_a + 1, bal_b - 1);
        }
        if i % 50 == 49 {
            let streamed = reward * i128::from(elapsed) / i128::from(STREAM);
            let everyone = accrued(&s, &[a, b, honest]);
            assert!(everyone <= streamed, "{everyone} claimable of {streamed}");
            let attacker = accrued(&s, &[a, b]);
            assert!(within_pro_rata(
                attacker,
                reward,
                bs_a + bs_b,
                supply * i128::from(STREAM)
            ));
        }
    }
    assert_eq!((s.sep41.balance(a), s.sep41.balance(b)), (a_start, b_start));
    let rest = i128::from(STREAM - elapsed);
    bs_a += bal_a * rest;
    bs_b += bal_b * rest;
    advance(&s.env, STREAM); // the stream has ended

    let (got_a, got_b) = (s.token.accrued(a), s.token.accrued(b));
    let whole = supply * i128::from(STREAM);
    for (got, balance_seconds) in [(got_a, bs_a), (got_b, bs_b)] {
        assert!(
            within_pro_rata(got, reward, balance_seconds, whole),
            "{got}"
        );
        // Exact accruals: each side gets its share rounded down once, at most a unit short.
        assert!(reward * balance_seconds / whole - got <= 1, "{got}");
    }
    // Together they held exactly 1% throughout: at most floor(999,999,937 / 100).
    assert_eq!(bs_a + bs_b, shares(10) * i128::from(STREAM));
    let gain = got_a + got_b;
    println!("400 dust transfers: the pair got {gain} for a 1% share of 999,999,937");
    assert!((9_999_998..=9_999_999).contains(&gain), "{gain}");
    let everyone = got_a + got_b + s.token.accrued(honest);
    assert!(everyone <= reward, "{everyone} claimable of {reward}");
    let mut claimed = 0;
    for holder in [a, b, honest] {
        claimed += s.distributor.claim(holder);
    }
    assert_eq!(claimed, everyone);
    let left = s.reward.balance(&s.distributor.address);
    assert_eq!(
        left,
        reward - everyone,
        "the dust stays in the distributor, owed to no one"
    );
    assert!(left <= 3, "a unit of rounding per holder at most: {left}");
    assert_books_close(&s, claimed);
}

/// The same holding split over 20 accounts earns at most what it earns in one account, and
/// at most 20 base units less (one unit of rounding per account).
#[test]
fn splitting_shares_across_many_accounts_gains_nothing() {
    const N: usize = 20;
    let part = 12_345_679; // 1.2345679 shares, odd on purpose
    let single = part * N as i128;
    let whale = shares(1_000) - 2 * single;
    let reward: i128 = 999_999_937;
    let mut mints = vec_of(part, N);
    mints.push(single);
    mints.push(whale);
    let (s, holders) = offering(0, reward, &mints);
    let (parts, one) = (&holders[..N], &holders[N]);
    s.distributor.deposit(&s.operator, &SOLD, &reward);

    let split_total = |s: &Suite| parts.iter().map(|p| s.token.accrued(p)).sum::<i128>();
    for step in [1, 12_345, 30_000, STREAM] {
        advance(&s.env, step);
        let (split, whole) = (split_total(&s), s.token.accrued(one));
        assert!(split <= whole, "split {split} > one account {whole}");
        assert!(whole - split <= N as i128, "split {split}, one {whole}");
    }
    // Claimed, too: the split side never receives more.
    let split: i128 = parts.iter().map(|p| s.distributor.claim(p)).sum();
    let whole = s.distributor.claim(one);
    println!("split over {N} accounts: {split}; in one account: {whole}");
    assert!(split <= whole && whole - split <= N as i128);
    // Exactly its share rounded down: 999,999,937 × 2.4691358% = 24,691,356.44, and each
    // part's 1,234,567.82 rounded down.
    assert!(within_pro_rata(whole, reward, single, shares(1_000)));
    assert_eq!(whole, 24_691_356);
    assert_eq!(split, 20 * 1_234_567);
}

fn vec_of(amount: i128, n: usize) -> Vec<i128> {
    std::iter::repeat_n(amount, n).collect()
}

/// One holder claims every few seconds, 600 times across two deposits, then once more after
/// the streams; an identical holder claims once at the end. Accruals are exact and a claim
/// takes whole units only, leaving the fraction for the next one, so the frequent claimer
/// gets exactly as much, every claim is paid, and the books close.
#[test]
fn rounding_drain_by_repeated_claims_gains_nothing() {
    let reward: i128 = 123_456_789;
    let fee = 1_234_567; // 1% of it, rounded down
    let (s, holders) = offering(100, reward, &[shares(250), shares(250), shares(500)]);
    let (often, once, whale) = (&holders[0], &holders[1], &holders[2]);
    s.distributor.deposit(&s.operator, &SOLD, &reward);
    assert_eq!(s.distributor.totals().fees, fee);
    assert_eq!(s.reward.balance(&s.fee_recipient), 0, "fees accrue");

    let mut claimed_often = 0;
    let claims = 300;
    for i in 0..claims {
        advance(&s.env, 3 + (i % 9));
        claimed_often += s.distributor.claim(often);
        assert_eq!(s.distributor.claim(often), 0, "a second claim pays 0");
    }
    // Epoch 3, reported late, is paid mid-way: its deposit joins the running stream (both
    // end with epoch 5), which is re-fixed; claims go on.
    let second = 7_777_777;
    report(&s, SOLD + 1, th(1_000), second);
    assert_eq!(s.record_through(SOLD + 1).owed, second);
    s.distributor.deposit(&s.operator, &(SOLD + 1), &second);
    let fee = fee + 77_777;
    for _ in 0..claims {
        advance(&s.env, 5);
        claimed_often += s.distributor.claim(often);
    }
    advance(&s.env, 2 * STREAM);
    claimed_often += s.distributor.claim(often);
    let claimed_once = s.distributor.claim(once);
    println!(
        "601 claims: {claimed_often}; one claim: {claimed_once}; the frequent claimer gained {}",
        claimed_often - claimed_once
    );
    assert_eq!(claimed_often, claimed_once, "claiming often pays the same");
    assert_eq!(s.reward.balance(often), claimed_often);
    assert_eq!(s.reward.balance(once), claimed_once);

    // A quarter of the 129,922,222 streamed is 32,480,555.5: each gets it rounded down once.
    let streamed = reward + second - fee;
    assert_eq!(streamed, 129_922_222);
    assert_eq!(claimed_once, 32_480_555);
    // The whale's half is exact; what is left is the two half units, owed to no one.
    let claimed_whale = s.distributor.claim(whale);
    assert_eq!(claimed_whale, 64_961_111);
    let claimed = claimed_often + claimed_once + claimed_whale;
    assert_eq!(s.reward.balance(&s.distributor.address), fee + 1);
    assert_books_close(&s, claimed);
    // The fee recipient withdraws the fees, and only dust is left.
    assert_eq!(s.distributor.withdraw_fees(), fee);
    assert_eq!(s.reward.balance(&s.fee_recipient), fee);
    assert_eq!(s.reward.balance(&s.distributor.address), 1);
    assert_books_close(&s, claimed);
    assert_eq!(accrued(&s, &[often, once, whale]), 0);
}

/// A report inside its dispute window may still be removed: no deposit (or record) may use
/// it, and the refused call changes nothing.
#[test]
fn deposit_against_a_report_not_yet_effective_is_refused() {
    let s = Suite::new(TERM, 0, FUNDS);
    s.attest(th(100), 0);
    advance_to(&s, start_of(&s, SOLD));
    s.token.mint(&Address::generate(&s.env), &shares(100));
    s.record_through(SOLD - 1); // nothing was sold in epochs 0 and 1: no report needed

    // Epoch 2 ends and every reporter attests it, which finalizes it: effective only an hour
    // later.
    advance_to(&s, start_of(&s, SOLD + 1));
    let c = &s.pool_config;
    submit_all(&s, SOLD, th(100), 1_000_000);
    advance(&s.env, c.dispute_seconds - 1);
    assert_eq!(s.oracle.report(&s.pool, &SOLD), None);
    assert_unchanged(&s.env, || {
        assert_error(
            s.distributor.try_deposit(&s.operator, &SOLD, &1_000_000),
            DistributorError::ReportNotEffective,
        );
        assert_error(
            s.distributor.try_record(&SOLD),
            DistributorError::ReportNotEffective,
        );
    });
    assert_eq!(s.distributor.epoch(&SOLD), None);
    assert_eq!(s.distributor.arrears(), 0);
    let used = s.reward.balance(&s.distributor.address);
    println!("deposit against a disputable report: refused, {used} deposited");
    assert_eq!(used, 0);

    // One second later it is effective, and the same deposit goes through: 100 TH/s sold of
    // 100 TH/s all epoch long owes the whole reward.
    advance(&s.env, 1);
    s.distributor.deposit(&s.operator, &SOLD, &1_000_000);
    let payout = s.distributor.epoch(&SOLD).expect("recorded");
    assert_eq!((payout.owed, payout.paid), (1_000_000, 1_000_000));
}

/// A report more than `max_age_epochs` (2) behind the current epoch backs no mint.
#[test]
fn minting_against_stale_capacity_is_refused() {
    let s = TokenSuite::new(TERM);
    let holder = Address::generate(&s.env);
    let epoch = s.attest(th(100), 0);
    assert_eq!(epoch, 0);
    s.token.mint(&holder, &shares(10));

    // Still fresh two epochs later...
    let c = &s.pool_config;
    let at = |e: u64| c.genesis + e * c.epoch_seconds;
    advance(&s.env, at(2) - s.env.ledger().timestamp());
    assert_eq!(s.oracle.capacity(&s.pool), th(100));
    s.token.mint(&holder, &shares(10));
    // ...stale at epoch 3: capacity is 0 and nothing may be minted, not even one base unit.
    advance(&s.env, at(3) - s.env.ledger().timestamp());
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    let oversold = s.token.total_supply() - shares(20);
    println!("mint against stale capacity: {oversold} base units minted");
    assert_eq!(oversold, 0);

    // A fresh report re-opens the mint, up to its capacity.
    s.attest(th(30), 0);
    s.token.mint(&holder, &shares(10));
    assert_error(
        s.token.try_mint(&holder, &1),
        ShareTokenError::CapacityExceeded,
    );
}

/// A finalized report backs nothing while it can still be disputed, and nothing once
/// disputed: neither a first report nor a higher one replacing a lower.
#[test]
fn minting_against_disputed_capacity_is_refused() {
    let s = TokenSuite::new(TERM);
    let holder = Address::generate(&s.env);
    let c = &s.pool_config;
    let submit_all = |epoch: u64, hashrate: i128| submit_all(&s, epoch, hashrate, 0);
    advance(&s.env, c.epoch_seconds);
    submit_all(0, th(1_000));
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    s.oracle.dispute(&s.pool, &0);
    advance(&s.env, c.dispute_seconds);
    assert_eq!(s.oracle.capacity(&s.pool), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });

    // Honest epoch 0 (re-attested): 100 TH/s. Then an inflated epoch 1 of 1,000 TH/s is
    // finalized, but backs no mint while disputable, and none after its dispute.
    submit_all(0, th(100));
    advance(&s.env, c.dispute_seconds);
    s.token.mint(&holder, &shares(100));
    advance(&s.env, c.epoch_seconds);
    submit_all(1, th(1_000));
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&holder, &1),
            ShareTokenError::CapacityExceeded,
        )
    });
    s.oracle.dispute(&s.pool, &1);
    advance(&s.env, c.dispute_seconds);
    assert_eq!(s.oracle.capacity(&s.pool), th(100));
    assert_error(
        s.token.try_mint(&holder, &1),
        ShareTokenError::CapacityExceeded,
    );
    let oversold = s.token.total_supply() - shares(100);
    println!("mint against disputed capacity: {oversold} base units beyond 100 TH/s");
    assert_eq!(oversold, 0);
}

/// Only the distributor streams rewards: an attacker (or the operator, or the token's admin)
/// signing `notify_reward` itself is refused, and no holder accrues a phantom reward.
#[test]
fn calling_notify_reward_directly_is_refused() {
    let (s, holders) = offering(0, 0, &[shares(100)]);
    let attacker = Address::generate(&s.env);
    let args = || (1_000_000_000i128,).into_val(&s.env);
    for signer in [&attacker, &s.operator, &s.admin, &holders[0]] {
        authorize(&s.env, signer, &s.token.address, "notify_reward", args());
        assert_unchanged(&s.env, || {
            assert_auth_error(&s.env, s.token.try_notify_reward(&1_000_000_000))
        });
    }
    s.env.mock_all_auths();
    advance(&s.env, STREAM);
    let gain = s.token.accrued(&holders[0]);
    println!("notify_reward signed by others: a holder gained {gain}");
    assert_eq!(gain, 0);
    assert_eq!(s.distributor.claimable(&holders[0]), 0);
}

/// Only the distributor takes a holder's accrued rewards (to pay them): an attacker signing
/// `take_accrued(victim)`, or the victim itself bypassing the distributor, is refused; the
/// rewards stay and the victim's claim pays them in full.
#[test]
fn calling_take_accrued_directly_is_refused() {
    let reward = 172_800_000; // 1 unit per whole share per second
    let (s, holders) = offering(0, reward, &[shares(1_000)]);
    let victim = &holders[0];
    s.distributor.deposit(&s.operator, &SOLD, &reward);
    advance(&s.env, 1_000);
    assert_eq!(s.token.accrued(victim), 1_000_000);
    let attacker = Address::generate(&s.env);
    for signer in [&attacker, victim, &s.operator, &s.admin] {
        let args = (victim.clone(),).into_val(&s.env);
        authorize(&s.env, signer, &s.token.address, "take_accrued", args);
        assert_unchanged(&s.env, || {
            assert_auth_error(&s.env, s.token.try_take_accrued(victim))
        });
    }
    assert_eq!(s.token.accrued(victim), 1_000_000);
    println!("take_accrued signed by others: the attacker gained 0, the victim kept 1,000,000");
    s.env.mock_all_auths();
    assert_eq!(s.distributor.claim(victim), 1_000_000);
    assert_eq!(s.reward.balance(victim), 1_000_000);
}

/// Only the share token pulls a mint's top-up, on the operator's allowance to the
/// distributor: an attacker (or the operator, or the admin) calling `collect_topup` to move
/// the operator's funds, or to inflate the books, is refused and nothing moves.
#[test]
fn calling_collect_topup_directly_is_refused() {
    let (s, _) = offering(0, 0, &[shares(100)]);
    let attacker = Address::generate(&s.env);
    let before = s.reward.balance(&s.operator);
    let amount = 1_000_000i128;
    for signer in [&attacker, &s.operator, &s.admin] {
        let args = (s.operator.clone(), amount).into_val(&s.env);
        authorize(
            &s.env,
            signer,
            &s.distributor.address,
            "collect_topup",
            args,
        );
        assert_unchanged(&s.env, || {
            assert_auth_error(
                &s.env,
                s.distributor.try_collect_topup(&s.operator, &amount),
            )
        });
    }
    s.env.mock_all_auths();
    let taken = before - s.reward.balance(&s.operator);
    println!("collect_topup signed by others: {taken} taken from the operator");
    assert_eq!(taken, 0);
    assert_eq!(s.reward.balance(&s.distributor.address), 0);
    assert_eq!(s.distributor.totals().deposited, 0);
}

/// There is no `init`: each contract is configured by its constructor, which the host runs
/// once, at deployment. Calling `__constructor` on a deployed contract is refused by the host
/// itself ("can't invoke a reserved function directly": `Error(Context, InvalidAction)`),
/// even with every authorization mocked and an attacker's arguments; nothing changes.
#[test]
fn reinitialising_is_impossible() {
    let (s, _) = offering(0, 0, &[shares(1)]);
    let env = &s.env;
    env.mock_all_auths();
    let attacker = Address::generate(env);
    let constructor = Symbol::new(env, "__constructor");
    let reserved = Error::from_type_and_code(ScErrorType::Context, ScErrorCode::InvalidAction);
    let attempts: [(&Address, soroban_sdk::Vec<Val>); 3] = [
        (&s.oracle.address, vec![env, attacker.to_val()]),
        (
            &s.token.address,
            (
                attacker.clone(),
                attacker.clone(),
                s.oracle.address.clone(),
                s.pool.clone(),
                String::from_str(env, "Evil"),
                String::from_str(env, "EVIL"),
                1i128,
                u64::MAX,
            )
                .into_val(env),
        ),
        (
            &s.distributor.address,
            (
                attacker.clone(),
                s.token.address.clone(),
                s.reward.address.clone(),
                s.oracle.address.clone(),
                s.pool.clone(),
                2_000u32,
                attacker.clone(),
            )
                .into_val(env),
        ),
    ];
    for (contract, args) in attempts {
        assert_unchanged(env, || {
            let result = env.try_invoke_contract::<Val, Error>(contract, &constructor, args);
            assert_eq!(result.err(), Some(Ok(reserved)), "{contract:?}");
            let diagnostics = env.host().get_diagnostic_events().expect("events").0;
            assert!(
                diagnostics.iter().any(|e| e
                    .to_string()
                    .contains("can't invoke a reserved function directly")),
                "refused by the host's reserved-name rule"
            );
        });
    }
    assert_eq!(s.oracle.admin(), s.admin);
    assert_eq!(s.token.admin(), s.admin);
    assert_eq!(s.token.operator(), s.operator);
    assert_eq!(s.token.hashrate_per_share(), TH_PER_SHARE);
    assert_eq!(
        s.sep41.name(),
        String::from_str(env, "Antpool S19 hashrate 2026")
    );
    assert_eq!(s.distributor.admin(), s.admin);
    assert_eq!(s.distributor.fee_bps(), 0);
    assert_eq!(s.oracle.token(&s.pool), Some(s.token.address.clone()));
    println!("re-initialising: refused by the host for all three contracts, nothing changed");
}

/// `upgrade` of each contract signed by anyone but its admin is refused and leaves the code
/// as it was; the admin's upgrade to the next version goes through.
#[test]
fn upgrade_by_a_non_admin_is_refused() {
    let (s, _) = offering(0, 0, &[shares(1)]);
    let env = &s.env;
    let attacker = Address::generate(env);
    let version = Symbol::new(env, "version");
    let contracts = [
        (s.oracle.address.clone(), "pool_oracle_next"),
        (s.token.address.clone(), "share_token_next"),
        (s.distributor.address.clone(), "payout_distributor_next"),
    ];
    for (id, next) in contracts {
        let hash = env.deployer().upload_contract_wasm(wasm(next).as_slice());
        let upgrade = Symbol::new(env, "upgrade");
        for signer in [&attacker, &s.operator] {
            authorize(env, signer, &id, "upgrade", (hash.clone(),).into_val(env));
            assert_unchanged(env, || {
                assert_auth_error(
                    env,
                    env.try_invoke_contract::<(), Error>(&id, &upgrade, vec![env, hash.to_val()]),
                )
            });
        }
        assert!(
            env.try_invoke_contract::<u32, Error>(&id, &version, vec![env])
                .is_err(),
            "still the old code: no `version`"
        );
        println!("foreign upgrade of {next}: refused, the old code runs");
        authorize(env, &s.admin, &id, "upgrade", (hash.clone(),).into_val(env));
        env.invoke_contract::<()>(&id, &upgrade, vec![env, hash.to_val()]);
        assert_eq!(env.invoke_contract::<u32>(&id, &version, vec![env]), 2);
    }
}

/// One pool's hashrate backs one offering: deploying a second share token (the same WASM, or
/// another one) on a pool already sold is refused by the oracle (`PoolAlreadyBound`, #113),
/// even by the pool's own operator with every authorization mocked; and a token minted by
/// anyone but the pool's operator is refused (`OperatorMismatch`, #115).
#[test]
fn a_second_token_on_the_same_pool_cannot_be_deployed() {
    let (s, _) = offering(0, 0, &[shares(1)]);
    let env = &s.env;
    env.mock_all_auths_allowing_non_root_auth();
    let attacker = Address::generate(env);
    for code in ["share_token", "share_token_next"] {
        let code = wasm(code);
        for (minter, refusal) in [(&s.operator, "#113"), (&attacker, "#115")] {
            let message = panic_message(|| {
                env.register(
                    code.as_slice(),
                    (
                        attacker.clone(),
                        minter.clone(),
                        s.oracle.address.clone(),
                        s.pool.clone(),
                        String::from_str(env, "Antpool S19 hashrate 2026 (copy)"),
                        String::from_str(env, "HASH26X"),
                        TH_PER_SHARE / 2,
                        s.token.maturity(),
                    ),
                )
            });
            assert!(
                message.contains(&format!("Error(Contract, {refusal})")),
                "unexpected failure: {message}"
            );
        }
    }
    let oracle = PoolOracleClient::new(env, &s.oracle.address);
    assert_eq!(oracle.token(&s.pool), Some(s.token.address.clone()));
    println!("a second token on the pool: refused (#113, #115), the pool backs one token");
    // The offering works as before.
    s.token.mint(&attacker, &1);
    assert_eq!(s.token.total_supply(), shares(1) + 1);
}

/// A 1-unit mint while a stream runs credits nothing at once (it once closed the stream and
/// credited its whole rest to the holders of that moment): every holder's accrued is the same
/// just after the mint, the stream goes on at the same per-share rate, and the minter pays
/// the unit's part of it as a top-up. A sniper holding half the supply across the mint earns
/// exactly the seconds it held.
#[test]
fn a_one_unit_mint_mid_stream_credits_nothing_at_once() {
    // 500 of 1,000 TH/s sold: epoch 2 owes half of 345,600,000, streamed at 1,000 a second.
    let (s, holders) = offering(0, 345_600_000, &[shares(250), shares(250)]);
    let (alice, sniper) = (&holders[0], &holders[1]);
    assert_eq!(s.distributor.due(&SOLD), 172_800_000);
    s.distributor.deposit(&s.operator, &SOLD, &172_800_000);
    // Epoch 3 attested (it earned nothing) keeps the capacity fresh for the mint.
    report(&s, SOLD + 1, th(1_000), 0);
    advance(&s.env, DAY - HOUR);
    assert_eq!(s.token.accrued(alice), 43_200_000);
    assert_eq!(s.token.accrued(sniper), 43_200_000);

    let operator_before = s.reward.balance(&s.operator);
    let dust_holder = Address::generate(&s.env);
    s.token.mint(&dust_holder, &1);
    // The stream's rest, 86,400,000, times 1 / 5 × 10^9 shares, rounded up.
    let topup = operator_before - s.reward.balance(&s.operator);
    assert_eq!(topup, 1);
    assert_eq!(s.distributor.totals().topups, 1);
    let at_once = s.token.accrued(alice) + s.token.accrued(sniper) - 2 * 43_200_000;
    assert_eq!(at_once, 0, "nothing credited at once");
    s.sep41.transfer(sniper, alice, &shares(250));
    advance(&s.env, DAY); // the stream ends

    let gain = s.token.accrued(sniper);
    println!(
        "1-unit mint mid-stream: {at_once} credited at once; the sniper got {gain} for a day \
         of half the supply (43,200,000 fair); the mint's top-up was {topup}"
    );
    assert_eq!(gain, 43_200_000, "exactly its seconds held");
    // Alice's 500 shares of 500.0000001 take the rest, 86,400,001, less 0.0173: she gets
    // 86,400,000.98 on top, rounded down; the new unit 0.0173, rounded down to nothing.
    assert_eq!(s.token.accrued(alice), 43_200_000 + 86_400_000);
    assert_eq!(s.token.accrued(&dust_holder), 0);
    let claimed = s.distributor.claim(alice) + s.distributor.claim(sniper);
    assert_eq!(s.reward.balance(&s.distributor.address), 1, "dust");
    assert_books_close(&s, claimed);
}

/// What the operator pays and gets back, and what alice (500 shares) is paid, over epochs 2-4
/// of a 1,000 TH/s pool, when the operator does or does not mint itself 500 shares in the last
/// second of epoch 4, while the payout of epochs 2 and 3 streams.
fn last_second_mint(attack: bool) -> (i128, i128) {
    let reward = 338_400_000; // epochs 2 and 3 owe half of it each
    let (s, holders) = offering(0, reward, &[shares(500)]);
    let alice = &holders[0];
    report(&s, SOLD + 1, th(1_000), reward); // epoch 3
    s.record_through(SOLD + 1);
    let mut paid = 0;
    for epoch in [SOLD, SOLD + 1] {
        let due = s.distributor.due(&epoch);
        assert_eq!(due, reward / 2);
        s.distributor.deposit(&s.operator, &epoch, &due);
        paid += due;
    }
    // 338,400,000 stream from an hour into epoch 4 to the end of epoch 5: 2,000 a second.
    advance_to(&s, start_of(&s, SOLD + 3) - 1);
    if attack {
        let before = s.reward.balance(&s.operator);
        s.token.mint(&s.operator, &shares(500));
        // 165,598,000 streamed in 82,799 s: the new shares pay the other half of the rest.
        let topup = before - s.reward.balance(&s.operator);
        assert_eq!(topup, 338_400_000 - 165_598_000);
        paid += topup;
    }
    assert_eq!(s.attest(th(1_000), 864_000_000), SOLD + 2);
    let payout = s.record_through(SOLD + 2);
    let due = s.distributor.due(&(SOLD + 2));
    if attack {
        // 500 shares all epoch and 500 more for one second: 500.0058 TH/s sold, so
        // 432,004,999 owed; shared now by 1,000 shares, each unit costs 172,800 / 86,401.
        assert_eq!(payout.supply_seconds, shares(500) * 86_401);
        assert_eq!(payout.owed, 432_004_999);
        assert_eq!(due, 863_999_999);
    } else {
        assert_eq!((payout.owed, due), (432_000_000, 432_000_000));
    }
    s.distributor.deposit(&s.operator, &(SOLD + 2), &due);
    paid += due;
    advance_to(&s, start_of(&s, SOLD + 6)); // every stream has ended
    let back = s.distributor.claim(&s.operator);
    let alice_paid = s.distributor.claim(alice);
    assert!(s.reward.balance(&s.distributor.address) <= 1, "dust only");
    assert_books_close(&s, back + alice_paid);
    (paid - back, alice_paid)
}

/// The operator mints itself half the supply in the last second of an epoch, so that its
/// shares barely count in the epoch's debt but share its payout, and those streaming: its
/// mint pays the running streams' top-up, and its deposit the top-up that pays its shares'
/// part of the epoch's payout. It ends up paying what it pays without the mint, and alice
/// loses at most the unit the debt rounds down.
#[test]
fn a_last_second_mint_by_the_operator_to_itself_gains_nothing() {
    let (honest_cost, honest_alice) = last_second_mint(false);
    let (attack_cost, attack_alice) = last_second_mint(true);
    assert_eq!(honest_cost, 338_400_000 + 432_000_000);
    assert_eq!(honest_alice, honest_cost);
    let gain = honest_cost - attack_cost;
    println!(
        "last-second mint to itself: the operator gained {gain} (net cost {attack_cost} \
         against {honest_cost}); alice got {attack_alice} against {honest_alice}"
    );
    assert_eq!(gain, 0);
    // Alice is owed 431,999,999.5 of epoch 4: the debt rounds down by less than a unit.
    assert_eq!(attack_alice, honest_alice - 1);
}

/// Burning shares mid-stream leaves the stream's rest to the remaining holders, pro rata: an
/// attacker burning one of its accounts' shares to push rewards to its other account gets
/// back only that account's part of them, so the pair loses. What the burnt shares earned
/// before the burn stays claimable.
#[test]
fn burning_to_redistribute_gains_the_burner_nothing() {
    let reward = 172_800_000; // 1 unit per whole share per second, for two days
    let (s, holders) = offering(0, reward, &[shares(500), shares(250), shares(250)]);
    let (alice, burner, accomplice) = (&holders[0], &holders[1], &holders[2]);
    s.distributor.deposit(&s.operator, &SOLD, &reward);
    advance(&s.env, DAY);
    s.sep41.burn(burner, &shares(250));
    assert_eq!(s.token.accrued(burner), 250 * 86_400, "kept");
    advance(&s.env, DAY);
    // The rest, 86,400,000, goes to the 750 shares left: a third to the accomplice.
    let pair = s.token.accrued(burner) + s.token.accrued(accomplice);
    let without_burn = 500 * 172_800;
    let gain = pair - without_burn;
    println!("burning to redistribute: the pair got {pair}, {without_burn} without the burn: gained {gain}");
    assert_eq!(s.token.accrued(accomplice), 250 * 86_400 + 28_800_000);
    assert_eq!(gain, -14_400_000);
    assert_eq!(s.token.accrued(alice), 500 * 86_400 + 57_600_000);
    let claimed: i128 = holders.iter().map(|h| s.distributor.claim(h)).sum();
    assert_eq!(claimed, reward);
    assert_books_close(&s, claimed);
}

/// A stranger deposits 1 unit every hour for a day and a half towards an epoch the operator
/// paid half of: each deposit joins the stream ending with its own epoch's next (the running
/// one, or the next lane), which it never slows or restarts. The holder of the griefed
/// offering is never behind the holder of an identical, untouched one, and both end with
/// the whole payout once the operator pays the rest.
#[test]
fn a_strangers_many_tiny_deposits_never_slow_a_stream() {
    let reward = 172_800_000;
    let (honest, honest_holders) = offering(0, reward, &[shares(1_000)]);
    let (griefed, griefed_holders) = offering(0, reward, &[shares(1_000)]);
    for s in [&honest, &griefed] {
        s.distributor.deposit(&s.operator, &SOLD, &(reward / 2));
    }
    let stranger = Address::generate(&griefed.env);
    griefed.reward_issuer.mint(&stranger, &1_000);
    let mut worst = i128::MIN;
    for _ in 0..36 {
        advance(&honest.env, HOUR);
        advance(&griefed.env, HOUR);
        griefed.distributor.deposit(&stranger, &SOLD, &1);
        let lag =
            honest.token.accrued(&honest_holders[0]) - griefed.token.accrued(&griefed_holders[0]);
        worst = worst.max(lag);
    }
    assert_eq!(griefed.reward.balance(&stranger), 1_000 - 36);
    // The operator pays what is left: 36 less in the griefed offering.
    for (s, left) in [(&honest, reward / 2), (&griefed, reward / 2 - 36)] {
        assert_eq!(s.distributor.due(&SOLD), left);
        s.distributor.deposit(&s.operator, &SOLD, &left);
        assert_eq!(s.distributor.arrears(), 0);
    }
    for _ in 0..4 {
        advance(&honest.env, DAY);
        advance(&griefed.env, DAY);
        let lag =
            honest.token.accrued(&honest_holders[0]) - griefed.token.accrued(&griefed_holders[0]);
        worst = worst.max(lag);
    }
    println!(
        "36 tiny deposits: the griefed holder lagged by at most {worst}; the stranger gained 0"
    );
    assert!(worst <= 0, "the griefed stream lagged by {worst}");
    assert_eq!(honest.token.accrued(&honest_holders[0]), reward);
    assert_eq!(griefed.token.accrued(&griefed_holders[0]), reward);
}

/// The exact numbers above assume the fixture's schedule: daily epochs (a deposit made at an
/// epoch's start streams for two of them), an hour of dispute window, capacity fresh for two
/// epochs, a one-epoch capacity window, 5 reporters with a quorum of 3 (the attestations here
/// submit all five, which finalizes each epoch at once).
#[test]
fn the_numbers_above_assume_daily_epochs_and_an_hour_of_dispute() {
    let s = TokenSuite::new(TERM);
    let c = &s.pool_config;
    assert_eq!(c.epoch_seconds, DAY);
    assert_eq!(STREAM, 2 * c.epoch_seconds);
    assert_eq!(c.dispute_seconds, HOUR);
    assert_eq!(c.max_age_epochs, 2);
    assert_eq!(c.capacity_epochs, 1);
    assert_eq!((c.quorum, c.reporters.len()), (3, 5));
}
