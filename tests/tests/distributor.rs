//! payout-distributor end to end, on the compiled WASM of all three contracts: a real oracle
//! attests the pool, a real share token sells it, and the distributor pays holders in a real
//! Stellar Asset Contract, with exact expected numbers.
//!
//! The fixture sells 1 TH/s per whole share (10^7 base units); epochs are daily, reports become
//! effective one hour after they finalize and are stale two epochs later. Unless a test says
//! otherwise, epoch 0 attests 100 TH/s earning nothing (it opens the mint cap), the holders are
//! minted at the very start of epoch 2 (so they hold whole epochs from there on: epochs 0 and 1
//! sold nothing and need no report), and the fee is 5%.
//!
//! How the numbers follow (the brief of issue 9):
//! - `owed = reward * min(sold, hashrate) / hashrate`, `sold` the time-weighted hashrate of the
//!   supply over the epoch (`supply_seconds * hashrate_per_share / (10^7 * epoch_seconds)`).
//! - `due` is what paying the rest of the debt costs now: at face value while the supply has
//!   not grown past the epoch's average `S_avg`, else `ceil(outstanding * S_now / S_avg)`, the
//!   excess (the top-up) paying the part of the shares created since. A deposit takes at most
//!   `due` and sends the rest back; a smaller one pays `floor(amount * S_avg / S_now)` of debt.
//! - The fee, `floor(taken * fee_bps / 10_000)`, accrues in the distributor until the fee
//!   recipient withdraws it; the rest streams linearly from the deposit to the end of the
//!   epoch after it (a deposit one hour into an epoch streams for 47 hours).
//! - A mint while a stream runs pays each live stream `ceil(rest * minted / supply)`, pulled by
//!   the distributor on the operator's allowance (`collect_topup`), grossed up by the fee as a
//!   deposit's top-up is: `ceil(top-up * 10_000 / (10_000 - fee_bps))` is taken, the difference
//!   accrues as fee, so the order of a mint and a deposit changes no one's share.
//! - The books close: `claimed == deposited - fees_withdrawn - balance` after every call.
//!
//! Which test triggers which `DistributorError`:
//!
//! - 300 InvalidAmount: deposit_refuses_zero_and_negative_amounts
//! - 301 NothingOwed: partial_deposits_leave_exact_arrears_and_more_than_is_due_goes_back,
//!   owed_is_the_time_weighted_sold_share_of_the_reward_fixed_at_first_record,
//!   an_epoch_with_shares_and_no_report_is_closed_at_its_deadline_and_fixed_by_a_late_report
//! - 302 ReportNotEffective: an_epoch_with_shares_and_no_report_is_closed_at_its_deadline_and_fixed_by_a_late_report,
//!   deposit_refuses_a_report_inside_its_dispute_window_and_a_disputed_one,
//!   epochs_are_recorded_in_order_from_the_one_the_distributor_was_deployed_in
//! - 303 EpochAfterMaturity: deposit_refuses_an_epoch_starting_at_or_after_maturity
//! - 304 InvalidFee: the_wrong_signer_is_refused_for_every_admin_call,
//!   constructor_refuses_a_fee_above_twenty_percent
//! - 305 Paused: pause_blocks_deposits_claims_fee_withdrawals_and_top_ups_until_unpause
//! - 306 NoPendingAdmin: the_wrong_signer_is_refused_for_every_admin_call
//! - 307 Overflow: debts_beyond_i128_are_a_typed_overflow
//! - 308 InvalidConfig: epochs_before_the_offering_are_not_its_debt,
//!   the_distributor_names_its_token_and_asset_and_refuses_a_token_with_shares
//! - 309 InvalidRecipient: the_distributor_itself_is_refused_as_a_recipient
//! - 310 EpochBeforeOffering: epochs_before_the_offering_are_not_its_debt
//! - 311 EarlierEpochOpen: epochs_are_recorded_in_order_from_the_one_the_distributor_was_deployed_in
//!   (deposit_refuses_an_epoch_starting_at_or_after_maturity shows 303 is checked before it)
//! - 312 TopUpNotApproved: a_mints_top_up_is_collected_by_the_share_token_alone
//! - 313 NoHolders: a_payout_with_no_share_held_has_no_holders
//!
//! Holders that must sign under `authorize` are contract addresses (`Address::generate`):
//! the SDK's `mock_auths` cannot sign for a Stellar account.

use hashshare_interfaces::{Books, EpochPayout, PayoutDistributorClient, SHARE_UNIT};
use hashshare_tests::{
    fixture::{
        advance, assert_auth_error, assert_error, assert_unchanged, authorize, panic_message, wasm,
        Suite, START, TH_PER_SHARE,
    },
    measure::{measure, port, Cost},
};
use payout_distributor::{
    Claimed, Deposited, DistributorError, FeeRecipientSet, FeeSet, FeesWithdrawn, Missed, Recorded,
    TopUpCollected, MAX_FEE_BPS,
};
use soroban_sdk::{
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation, Events as _, IssuerFlags},
    Address, Env, Error, Event, IntoVal, Symbol,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
/// The term of every offering here, long enough never to matter unless a test says so.
const TERM: u64 = 365 * DAY;
/// The distributor's fee in the tests: 5%.
const FEE_BPS: u32 = 500;
/// What the operator is funded with: far more than any test deposits.
const FUNDS: i128 = 1_000_000_000_000_000;
/// How long a deposit made one hour into an epoch streams: to the end of the next epoch.
const SPAN: u64 = 2 * DAY - HOUR;

/// Whole shares in base units.
fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

/// Whole TH/s in H/s.
fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// The supply-seconds of `n` whole shares held for `seconds`.
fn held(n: i128, seconds: u64) -> i128 {
    shares(n) * i128::from(seconds)
}

/// A recorded epoch with an effective report.
fn payout(owed: i128, paid: i128, topup: i128, fee: i128, supply_seconds: i128) -> EpochPayout {
    EpochPayout {
        owed,
        paid,
        topup,
        fee,
        supply_seconds,
        reported: true,
    }
}

/// A recorded epoch nothing was sold in: it owes nothing and needed no report.
fn unsold() -> EpochPayout {
    EpochPayout {
        owed: 0,
        paid: 0,
        topup: 0,
        fee: 0,
        supply_seconds: 0,
        reported: false,
    }
}

fn books(deposited: i128, topups: i128, fees: i128, fees_withdrawn: i128) -> Books {
    Books {
        deposited,
        topups,
        fees,
        fees_withdrawn,
    }
}

/// A suite maturing in `term` seconds with a 5% fee, epoch 0 attesting 100 TH/s (and no
/// reward), and one new holder per entry of `mints`, minted that many whole shares at the start
/// of epoch 2.
fn offering(term: u64, mints: &[i128]) -> (Suite, Vec<Address>) {
    let s = Suite::new(term, FEE_BPS, FUNDS);
    assert_eq!(s.attest(th(100), 0), 0);
    assert_eq!(s.to_next_epoch(), 2);
    let holders = mint_holders(&s, mints);
    (s, holders)
}

/// As [`offering`] with the holders minted one hour into epoch 1, as soon as epoch 0's report
/// is effective: they hold 23 of epoch 1's 24 hours.
fn early_offering(term: u64, mints: &[i128]) -> (Suite, Vec<Address>) {
    let s = Suite::new(term, FEE_BPS, FUNDS);
    assert_eq!(s.attest(th(100), 0), 0);
    assert_eq!(s.env.ledger().timestamp(), START + DAY + HOUR);
    let holders = mint_holders(&s, mints);
    (s, holders)
}

fn mint_holders(s: &Suite, mints: &[i128]) -> Vec<Address> {
    mints
        .iter()
        .map(|&n| {
            let holder = Address::generate(&s.env);
            s.token.mint(&holder, &shares(n));
            holder
        })
        .collect()
}

/// The distributor's books close and every claim can be paid: everything received was claimed,
/// withdrawn as fees or is still held (`claimed == deposited - fees_withdrawn - balance`), and
/// what it holds covers the fees not yet withdrawn plus what every holder may claim now.
fn assert_books_close(s: &Suite, claimed: i128, holders: &[Address]) {
    let books = s.distributor.totals();
    let held = s.reward.balance(&s.distributor.address);
    assert_eq!(
        claimed,
        books.deposited - books.fees_withdrawn - held,
        "claimed {claimed} != deposited {} - fees withdrawn {} - held {held}",
        books.deposited,
        books.fees_withdrawn
    );
    let fees_due = books.fees - books.fees_withdrawn;
    let claimable: i128 = holders.iter().map(|h| s.distributor.claimable(h)).sum();
    assert!(
        held >= fees_due + claimable,
        "the distributor holds {held} but owes {fees_due} of fees and {claimable} of claims"
    );
}

fn distributor_events(s: &Suite) -> soroban_sdk::testutils::ContractEvents {
    s.env
        .events()
        .all()
        .filter_by_contract(&s.distributor.address)
}

#[test]
fn two_investors_at_60_40_are_paid_their_exact_share_net_of_a_five_percent_fee() {
    let (s, holders) = offering(TERM, &[60, 40]);
    let (a, b) = (&holders[0], &holders[1]);
    let d = &s.distributor;
    let op = &s.operator;
    // Epoch 2: exactly the 100 TH/s sold all day, earning 0.1 BTC (in satoshis).
    let epoch = s.attest(th(100), 10_000_000);
    assert_eq!(epoch, 2);
    let whole = held(100, DAY);
    assert_eq!(s.record_through(epoch), payout(10_000_000, 0, 0, 0, whole));
    assert_eq!(d.epoch(&0), Some(unsold()), "nothing sold in epoch 0");
    assert_eq!(d.epoch(&1), Some(unsold()), "nor in epoch 1");
    assert_eq!(
        d.due(&epoch),
        10_000_000,
        "no share created since: face value"
    );
    d.deposit(op, &epoch, &10_000_000);
    assert_eq!(
        d.epoch(&epoch),
        Some(payout(10_000_000, 10_000_000, 0, 500_000, whole))
    );
    assert_eq!(d.due(&epoch), 0);
    assert_eq!(d.arrears(), 0);
    assert_eq!(s.reward.balance(op), FUNDS - 10_000_000);
    assert_eq!(
        s.reward.balance(&d.address),
        10_000_000,
        "the fee waits here"
    );
    assert_eq!(s.reward.balance(&s.fee_recipient), 0);
    assert_eq!(d.totals(), books(10_000_000, 0, 500_000, 0));
    assert_eq!(
        (d.claimable(a), d.claimable(b)),
        (0, 0),
        "nothing is credited at once"
    );
    assert_books_close(&s, 0, &holders);

    // The 9,500,000 left after the fee stream from 1 h into epoch 3 to the end of epoch 4
    // (47 h): half of it by half-time, exactly (9.5 × 10^24 index units over 10^9 base units).
    advance(&s.env, SPAN / 2);
    assert_eq!((d.claimable(a), d.claimable(b)), (2_850_000, 1_900_000));
    assert_eq!(d.claim(a), 2_850_000);
    assert_eq!(d.claim(a), 0, "a second claim pays nothing");
    assert_eq!(s.reward.balance(a), 2_850_000);
    let mut claimed = 2_850_000;
    assert_books_close(&s, claimed, &holders);

    advance(&s.env, SPAN / 2);
    assert_eq!((d.claimable(a), d.claimable(b)), (2_850_000, 3_800_000));
    advance(&s.env, DAY);
    assert_eq!(
        (d.claimable(a), d.claimable(b)),
        (2_850_000, 3_800_000),
        "the stream has ended"
    );
    assert_eq!(d.claim(a), 2_850_000);
    assert_eq!(d.claim(b), 3_800_000);
    claimed += 2_850_000 + 3_800_000;
    assert_eq!(s.reward.balance(a), 5_700_000, "60% of 9,500,000");
    assert_eq!(s.reward.balance(b), 3_800_000, "40% of 9,500,000");
    assert_books_close(&s, claimed, &holders);

    // The fee recipient takes the 5%: nothing at all is left behind.
    assert_eq!(d.withdraw_fees(), 500_000);
    assert_eq!(s.reward.balance(&s.fee_recipient), 500_000);
    assert_eq!(s.reward.balance(&d.address), 0);
    assert_eq!(d.totals(), books(10_000_000, 0, 500_000, 500_000));
    assert_books_close(&s, claimed, &holders);
}

#[test]
fn partial_deposits_leave_exact_arrears_and_more_than_is_due_goes_back() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let op = &s.operator;
    let e2 = s.attest(th(100), 1_000);
    let e3 = s.attest(th(100), 2_000);
    let e4 = s.attest(th(100), 3_000);
    assert_eq!((e2, e3, e4), (2, 3, 4));
    let whole = held(100, DAY);
    assert_eq!(d.arrears(), 0, "nothing recorded yet");
    assert_eq!(s.record_through(1), unsold());

    // A deposit records the next epoch first.
    d.deposit(op, &e2, &400);
    assert_eq!(d.epoch(&e2), Some(payout(1_000, 400, 0, 20, whole)));
    assert_eq!((d.arrears(), d.due(&e2)), (600, 600));
    assert_eq!(d.record(&e3), payout(2_000, 0, 0, 0, whole));
    assert_eq!(d.arrears(), 2_600);
    d.deposit(op, &e3, &2_000);
    assert_eq!(d.epoch(&e3), Some(payout(2_000, 2_000, 0, 100, whole)));
    assert_eq!(d.arrears(), 600);
    // One unit records the epoch and pays no fee (5% of 1 rounds down to 0).
    d.deposit(op, &e4, &1);
    assert_eq!(d.epoch(&e4), Some(payout(3_000, 1, 0, 0, whole)));
    assert_eq!(d.arrears(), 600 + 2_999);
    // 5% of 333 is 16.65: 16.
    d.deposit(op, &e2, &333);
    assert_eq!(d.epoch(&e2), Some(payout(1_000, 733, 0, 36, whole)));
    assert_eq!(d.arrears(), 267 + 2_999);
    assert_eq!(d.totals(), books(2_734, 0, 136, 0));
    assert_eq!(s.reward.balance(op), FUNDS - 2_734);
    assert_books_close(&s, 0, &holders);

    // More than the epoch still owes: the 267 it owes are taken (fee 13.35: 13), the other
    // 733 go straight back.
    d.deposit(op, &e2, &1_000);
    assert_eq!(d.epoch(&e2), Some(payout(1_000, 1_000, 0, 49, whole)));
    assert_eq!(s.reward.balance(op), FUNDS - 2_734 - 267);
    assert_eq!(d.arrears(), 2_999);
    assert_eq!(d.due(&e2), 0);
    // An epoch paid in full owes nothing more, whatever the amount.
    for (epoch, amount) in [(e2, 1), (e3, 1), (e2, i128::MAX)] {
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(op, &epoch, &amount),
                DistributorError::NothingOwed,
            )
        });
    }

    // Anyone may pay the miner's debt, and keeps what it was not needed: 2,999 of its 5,000
    // (fee 149.95: 149).
    let payer = Address::generate(&s.env);
    s.reward_issuer.mint(&payer, &5_000);
    d.deposit(&payer, &e4, &5_000);
    assert_eq!(s.reward.balance(&payer), 5_000 - 2_999);
    assert_eq!(d.epoch(&e4), Some(payout(3_000, 3_000, 0, 149, whole)));
    assert_eq!(d.arrears(), 0);
    assert_eq!(d.totals(), books(6_000, 0, 298, 0));
    assert_eq!(s.reward.balance(op), FUNDS - 3_001);
    assert_eq!(s.reward.balance(&d.address), 6_000);
    assert_books_close(&s, 0, &holders);

    // Every deposit was made 1 h into epoch 5: one stream, ending with epoch 6, of all of it
    // but the fees, to the only holder (5,702 × 10^18 index units over 10^9 base units: exact).
    advance(&s.env, SPAN);
    assert_eq!(d.claimable(&holders[0]), 6_000 - 298);
    assert_eq!(d.claim(&holders[0]), 5_702);
    assert_eq!(s.reward.balance(&holders[0]), 5_702);
    assert_books_close(&s, 5_702, &holders);
    assert_eq!(s.reward.balance(&d.address), 298, "the fees, to withdraw");
}

#[test]
fn owed_is_the_time_weighted_sold_share_of_the_reward_fixed_at_first_record() {
    // 48 shares held 23 of epoch 1's 24 hours: 46 TH/s sold of the 100 delivered.
    let (s, mut holders) = early_offering(TERM, &[48]);
    let d = &s.distributor;
    let e1 = s.attest(th(100), 1_000_000);
    let sold_e1 = held(48, 23 * HOUR);
    assert_eq!(s.record_through(e1), payout(460_000, 0, 0, 0, sold_e1));
    assert_eq!(d.arrears(), 460_000);

    // 24 more shares an hour into epoch 2: epoch 1's debt does not change.
    let late_buyer = Address::generate(&s.env);
    s.token.mint(&late_buyer, &shares(24));
    holders.push(late_buyer);
    assert_eq!(d.record(&e1), payout(460_000, 0, 0, 0, sold_e1));
    assert_eq!(
        distributor_events(&s).events().len(),
        0,
        "recorded once only"
    );
    // Epoch 2: 48 TH/s all day and 24 for 23 hours, 71 TH/s.
    let e2 = s.attest(th(100), 1_000_000);
    let sold_e2 = held(48, DAY) + held(24, 23 * HOUR);
    assert_eq!(d.record(&e2), payout(710_000, 0, 0, 0, sold_e2));
    // From epoch 3 on, 72 TH/s sold all day. Of 300 delivered: 24%.
    let e3 = s.attest(th(300), 1_000_000);
    assert_eq!(d.record(&e3), payout(240_000, 0, 0, 0, held(72, DAY)));
    // Of 700: 102,857.14..., rounded down in the miner's favour.
    let e4 = s.attest(th(700), 1_000_000);
    assert_eq!(d.record(&e4).owed, 102_857);
    // A pool delivering less than was sold owes the whole reward, never more.
    let e5 = s.attest(th(70), 1_000_000);
    assert_eq!(d.record(&e5).owed, 1_000_000);
    // No hashrate delivered: nothing owed, and nothing can be deposited.
    let e6 = s.attest(0, 1_000_000);
    assert_eq!(d.record(&e6), payout(0, 0, 0, 0, held(72, DAY)));
    assert_eq!(d.due(&e6), 0);
    assert_unchanged(&s.env, || {
        assert_error(
            d.try_deposit(&s.operator, &e6, &1),
            DistributorError::NothingOwed,
        )
    });
    assert_eq!(
        d.arrears(),
        460_000 + 710_000 + 240_000 + 102_857 + 1_000_000
    );
    assert_books_close(&s, 0, &holders);
}

/// While the supply has not grown since the epoch, what is due is the debt itself.
#[test]
fn due_is_the_debt_at_face_value_while_no_share_was_created() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let epoch = s.attest(th(100), 1_000_000);
    assert_eq!(d.due(&epoch), 0, "not recorded yet");
    s.record_through(epoch);
    assert_eq!(d.due(&epoch), 1_000_000);
    d.deposit(&s.operator, &epoch, &250_000);
    assert_eq!(d.due(&epoch), 750_000);
    d.deposit(&s.operator, &epoch, &d.due(&epoch));
    assert_eq!(
        d.epoch(&epoch),
        Some(payout(1_000_000, 1_000_000, 0, 50_000, held(100, DAY)))
    );
    assert_eq!(d.totals(), books(1_000_000, 0, 50_000, 0));
    assert_eq!(s.reward.balance(&s.operator), FUNDS - 1_000_000);
    assert_eq!(d.due(&epoch), 0);
    assert_books_close(&s, 0, &holders);
}

/// Shares minted after the epoch take nothing of its holders' payout: each unit of the debt
/// costs `S_now / S_avg` = 80 / 50, the excess paying the new shares' part.
#[test]
fn due_adds_the_top_up_for_shares_minted_after_the_epoch() {
    let (s, mut holders) = offering(TERM, &[50]);
    let alice = holders[0].clone();
    let d = &s.distributor;
    let op = &s.operator;
    let epoch = s.attest(th(100), 1_000_000);
    let entitled = held(50, DAY);
    assert_eq!(s.record_through(epoch), payout(500_000, 0, 0, 0, entitled));
    assert_eq!(d.due(&epoch), 500_000);
    // No stream runs yet: the mint itself pays nothing.
    let bob = Address::generate(&s.env);
    s.token.mint(&bob, &shares(30));
    holders.push(bob.clone());
    assert_eq!(d.totals(), books(0, 0, 0, 0));
    assert_eq!(d.due(&epoch), 800_000, "500,000 × 80 / 50");

    // Part of it: 100,001 pays floor(100,001 × 50 / 80) = 62,500 of the debt.
    d.deposit(op, &epoch, &100_001);
    assert_eq!(
        d.epoch(&epoch),
        Some(payout(500_000, 62_500, 37_501, 5_000, entitled))
    );
    assert_eq!(d.arrears(), 437_500, "top-ups are not debt");
    assert_eq!(d.due(&epoch), 700_000, "437,500 × 80 / 50");
    // More than due: 700,000 is taken, 300,000 sent back.
    d.deposit(op, &epoch, &1_000_000);
    assert_eq!(
        d.epoch(&epoch),
        Some(payout(500_000, 500_000, 300_001, 40_000, entitled))
    );
    assert_eq!(s.reward.balance(op), FUNDS - 800_001);
    assert_eq!(d.totals(), books(800_001, 300_001, 40_000, 0));
    assert_eq!((d.arrears(), d.due(&epoch)), (0, 0));

    // 760,001 streams to 80 shares: alice gets exactly her 500,000 net of the 5% fee, bob
    // 3/8 of the stream, the fraction of a unit left in the distributor.
    advance(&s.env, SPAN);
    assert_eq!(d.claimable(&alice), 475_000);
    assert_eq!(d.claimable(&bob), 285_000);
    assert_books_close(&s, 0, &holders);
}

/// Shares minted during the epoch count for the time they existed (`S_avg` = 75 shares), but
/// receive, like every share existing now, `owed / S_avg` each: the top-up is 100 / 75.
#[test]
fn due_adds_the_top_up_for_shares_minted_during_the_epoch() {
    let (s, mut holders) = offering(TERM, &[50]);
    let alice = holders[0].clone();
    let d = &s.distributor;
    advance(&s.env, 12 * HOUR);
    let bob = Address::generate(&s.env);
    s.token.mint(&bob, &shares(50));
    holders.push(bob.clone());
    let epoch = s.attest(th(100), 1_000_000);
    let entitled = held(50, DAY) + held(50, 12 * HOUR);
    assert_eq!(s.record_through(epoch), payout(750_000, 0, 0, 0, entitled));
    assert_eq!(d.due(&epoch), 1_000_000, "750,000 × 100 / 75");
    d.deposit(&s.operator, &epoch, &1_000_000);
    assert_eq!(
        d.epoch(&epoch),
        Some(payout(750_000, 750_000, 250_000, 50_000, entitled))
    );
    assert_eq!(d.totals(), books(1_000_000, 250_000, 50_000, 0));
    advance(&s.env, SPAN);
    // Alice's 500,000 of the debt (50 shares all day), net of the fee; bob as much.
    assert_eq!(d.claimable(&alice), 475_000);
    assert_eq!(d.claimable(&bob), 475_000);
    assert_books_close(&s, 0, &holders);
}

/// Shares burned since the epoch: the debt costs its face value, and the burned shares' part
/// goes to the remaining holders.
#[test]
fn due_after_burns_is_the_debt_at_face_value() {
    let (s, holders) = offering(TERM, &[50, 50]);
    let (a, b) = (&holders[0], &holders[1]);
    let d = &s.distributor;
    let epoch = s.attest(th(100), 1_000_000);
    s.record_through(epoch);
    s.sep41.burn(b, &shares(50));
    assert_eq!(s.token.total_supply(), shares(50));
    assert_eq!(d.due(&epoch), 1_000_000, "fewer shares now: no top-up");
    d.deposit(&s.operator, &epoch, &500_000);
    assert_eq!(
        d.epoch(&epoch),
        Some(payout(1_000_000, 500_000, 0, 25_000, held(100, DAY)))
    );
    assert_eq!(d.due(&epoch), 500_000);
    d.deposit(&s.operator, &epoch, &500_000);
    assert_eq!(d.totals(), books(1_000_000, 0, 50_000, 0));
    advance(&s.env, SPAN);
    assert_eq!(d.claimable(a), 950_000, "all of it, net of the fee");
    assert_eq!(d.claimable(b), 0);
    assert_books_close(&s, 0, &holders);
}

#[test]
fn epochs_are_recorded_in_order_from_the_one_the_distributor_was_deployed_in() {
    let (s, holders) = early_offering(TERM, &[48]);
    let d = &s.distributor;
    let op = &s.operator;
    assert_eq!(d.next_epoch(), 0, "the epoch it was deployed in");
    let e1 = s.attest(th(100), 1_000_000);
    let e2 = s.attest(th(100), 1_000_000);
    // A later epoch while an earlier one is open: refused, by record and by deposit.
    for epoch in [e1, e2] {
        assert_unchanged(&s.env, || {
            assert_error(d.try_record(&epoch), DistributorError::EarlierEpochOpen);
            assert_error(
                d.try_deposit(op, &epoch, &1),
                DistributorError::EarlierEpochOpen,
            );
        });
        assert_eq!((d.epoch(&epoch), d.due(&epoch)), (None, 0));
    }
    assert_eq!(d.record(&0), unsold());
    assert_eq!(distributor_events(&s).events().len(), 0);
    assert_eq!(d.next_epoch(), 1);
    assert_eq!(d.record(&0), unsold(), "recording again changes nothing");
    assert_unchanged(&s.env, || {
        assert_error(d.try_record(&e2), DistributorError::EarlierEpochOpen)
    });
    assert_eq!(d.record(&e1).owed, 460_000);
    assert_eq!(d.next_epoch(), 2);
    // A deposit to the next epoch records it.
    d.deposit(op, &e2, &1);
    assert_eq!(d.epoch(&e2), Some(payout(480_000, 1, 0, 0, held(48, DAY))));
    assert_eq!(d.next_epoch(), 3);
    // Epoch 3 is running: not reportable yet. Epoch 4 comes after it.
    assert_unchanged(&s.env, || {
        assert_error(d.try_record(&3), DistributorError::ReportNotEffective);
        assert_error(d.try_record(&4), DistributorError::EarlierEpochOpen);
    });
    assert_eq!(d.next_epoch(), 3);
    assert_books_close(&s, 0, &holders);
}

/// An epoch the holders had no share of needs no report: it is recorded owing nothing.
#[test]
fn an_epoch_without_shares_needs_no_report() {
    let (s, holders) = offering(TERM, &[48]);
    let d = &s.distributor;
    // Epoch 1 was never attested, epoch 0 was (earning nothing); no share existed in either.
    assert_eq!(s.oracle.report(&s.pool, &1), None);
    assert_eq!(d.record(&0), unsold());
    assert_eq!(d.record(&1), unsold());
    assert_eq!(distributor_events(&s).events().len(), 0, "no `missed`");
    assert_eq!(d.next_epoch(), 2);
    assert_eq!(d.arrears(), 0);
    for epoch in [0, 1] {
        assert_eq!(d.due(&epoch), 0);
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(&s.operator, &epoch, &1),
                DistributorError::NothingOwed,
            )
        });
    }
    // Nor does an epoch in which every share was burned before it started: here epoch 4, the
    // 48 shares burned an hour into epoch 3.
    let e2 = s.attest(th(100), 1_000_000);
    s.sep41.burn(&holders[0], &shares(48));
    let e3 = s.attest(th(100), 2_400);
    assert_eq!(s.to_next_epoch(), 5); // epoch 4 ended, nobody reported it
    assert_eq!(s.oracle.report(&s.pool, &4), None);
    assert_eq!(d.record(&e2).owed, 480_000);
    // 48 TH/s for one hour: 2 TH/s sold all day, 2% of 2,400.
    assert_eq!(d.record(&e3), payout(48, 0, 0, 0, held(48, HOUR)));
    assert_eq!(d.record(&4), unsold());
    assert_eq!(distributor_events(&s).events().len(), 0, "no `missed`");
    assert_eq!(d.next_epoch(), 5);
    assert_eq!(d.arrears(), 480_048);
}

/// An epoch with shares and no effective report is refused until its report would be stale
/// (more than two epochs behind), then closed owing 0 with a `missed` event; a late effective
/// report recorded afterwards fixes what it owes.
#[test]
fn an_epoch_with_shares_and_no_report_is_closed_at_its_deadline_and_fixed_by_a_late_report() {
    let (s, holders) = early_offering(TERM, &[48]);
    let d = &s.distributor;
    let op = &s.operator;
    let sold_e1 = held(48, 23 * HOUR);
    assert_eq!(s.to_next_epoch(), 2); // epoch 1 ended, nobody reported it
    assert_eq!(d.record(&0), unsold());
    let refused = || {
        assert_unchanged(&s.env, || {
            assert_error(d.try_record(&1), DistributorError::ReportNotEffective);
            assert_error(
                d.try_deposit(op, &1, &1),
                DistributorError::ReportNotEffective,
            );
        })
    };
    refused();
    assert_eq!(s.to_next_epoch(), 3);
    refused();
    advance(&s.env, DAY - 1);
    refused(); // the last second of epoch 3: two epochs behind is not stale yet

    advance(&s.env, 1);
    let closed = EpochPayout {
        supply_seconds: sold_e1,
        ..unsold()
    };
    assert_eq!(d.record(&1), closed);
    assert_eq!(
        distributor_events(&s),
        [Missed {
            epoch: 1,
            supply_seconds: sold_e1
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!((d.next_epoch(), d.arrears(), d.due(&1)), (2, 0, 0));
    assert_unchanged(&s.env, || {
        assert_error(d.try_deposit(op, &1, &1), DistributorError::NothingOwed)
    });
    assert_eq!(d.record(&1), closed);
    assert_eq!(distributor_events(&s).events().len(), 0, "closed once");
    // Epoch 2 is only two epochs behind: still waiting for its report.
    assert_unchanged(&s.env, || {
        assert_error(d.try_record(&2), DistributorError::ReportNotEffective)
    });

    // The report arrives late, from a quorum only (two reporters are silent): its round is
    // finalized by `finalize` an hour after its first submission, and inside its dispute
    // window it changes nothing yet.
    let c = &s.pool_config;
    for i in 0..c.quorum {
        let reporter = c.reporters.get(i).unwrap();
        s.oracle
            .submit(&reporter, &s.pool, &1, &th(100), &1_000_000);
    }
    assert_eq!(d.record(&1), closed);
    assert_eq!(d.due(&1), 0);
    advance(&s.env, HOUR);
    assert_eq!(d.due(&1), 0, "submitted, not finalized");
    s.oracle.finalize(&s.pool, &1);
    assert_eq!(d.record(&1), closed);
    assert_eq!(d.due(&1), 0);
    advance(&s.env, HOUR);
    // Effective now: `due` already says what a deposit would take (48 shares for an average
    // of 46: 460,000 × 48 / 46), before anyone records it.
    assert_eq!(d.due(&1), 480_000);
    assert_eq!(d.record(&1), payout(460_000, 0, 0, 0, sold_e1));
    assert_eq!(
        distributor_events(&s),
        [Recorded {
            epoch: 1,
            owed: 460_000,
            reward: 1_000_000,
            hashrate: th(100),
            sold: th(46),
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!(d.arrears(), 460_000);
    assert_eq!(d.next_epoch(), 2, "the cursor does not move back");
    // 48 shares now for an average of 46: 460,000 × 48 / 46.
    assert_eq!(d.due(&1), 480_000);
    d.deposit(op, &1, &480_000);
    assert_eq!(
        d.epoch(&1),
        Some(payout(460_000, 460_000, 20_000, 24_000, sold_e1))
    );
    assert_eq!(d.arrears(), 0);
    assert_books_close(&s, 0, &holders);
}

#[test]
fn deposit_refuses_a_report_inside_its_dispute_window_and_a_disputed_one() {
    let (s, _) = early_offering(TERM, &[48]);
    let d = &s.distributor;
    let c = &s.pool_config;
    let submit = |reporters: u32, hashrate: i128, reward: i128| {
        for i in 0..reporters {
            let reporter = c.reporters.get(i).unwrap();
            s.oracle.submit(&reporter, &s.pool, &1, &hashrate, &reward);
        }
    };
    let refused = || {
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(&s.operator, &1, &1),
                DistributorError::ReportNotEffective,
            );
            assert_error(d.try_record(&1), DistributorError::ReportNotEffective);
        })
    };
    d.record(&0);
    // Epoch 1 ends and every reporter attests it, which finalizes it: its report is inside its
    // dispute window for an hour.
    s.to_next_epoch();
    submit(c.reporters.len(), th(100), 1_000);
    refused();
    advance(&s.env, HOUR - 1);
    refused();
    // The admin disputes it in the last second of the window: it never becomes effective.
    s.oracle.dispute(&s.pool, &1);
    refused();
    advance(&s.env, DAY);
    refused();
    assert_eq!(d.epoch(&1), None);

    // Attested again by a quorum only: not finalized until `finalize` an hour later, then
    // disputable for another hour, refused all along; then used, with the new values: 46 of
    // 100 TH/s sold.
    submit(c.quorum, th(100), 800);
    refused();
    advance(&s.env, HOUR);
    refused();
    s.oracle.finalize(&s.pool, &1);
    refused();
    advance(&s.env, HOUR - 1);
    refused();
    advance(&s.env, 1);
    assert_eq!(d.due(&1), 0, "not recorded yet");
    d.deposit(&s.operator, &1, &1_000);
    // 368 owed; 48 shares now for an average of 46: 384 taken, fee 19.2: 19.
    assert_eq!(
        d.epoch(&1),
        Some(payout(368, 368, 16, 19, held(48, 23 * HOUR)))
    );
    assert_eq!(s.reward.balance(&s.operator), FUNDS - 384);
}

#[test]
fn deposit_refuses_an_epoch_starting_at_or_after_maturity() {
    // A two-day term: epochs 0 and 1 are covered, epoch 2 starts at maturity.
    let (s, holders) = early_offering(2 * DAY, &[48]);
    let d = &s.distributor;
    assert_eq!(s.token.maturity(), START + 2 * DAY);
    let e1 = s.attest(th(100), 1_000_000);
    assert_eq!(e1, 1);
    assert!(s.env.ledger().timestamp() >= s.token.maturity());
    assert_eq!(s.record_through(e1).owed, 460_000);
    assert_eq!(s.to_next_epoch(), 3); // epoch 2 has ended
    assert_unchanged(&s.env, || {
        assert_error(d.try_record(&2), DistributorError::EpochAfterMaturity);
        assert_error(
            d.try_deposit(&s.operator, &2, &1),
            DistributorError::EpochAfterMaturity,
        );
        // Nor any later one: maturity is checked before the order of records.
        assert_error(d.try_record(&3), DistributorError::EpochAfterMaturity);
    });
    assert_eq!(d.epoch(&2), None);
    assert_eq!(d.next_epoch(), 2);

    // The last covered epoch is paid after maturity, and streams like any other: 480,000 due
    // (48 shares for an average of 46), 456,000 after the fee, none of it at once.
    assert_eq!(d.due(&e1), 480_000);
    d.deposit(&s.operator, &e1, &480_000);
    assert_eq!(d.claimable(&holders[0]), 0);
    advance(&s.env, 2 * DAY);
    assert_eq!(d.claimable(&holders[0]), 456_000);
    assert_eq!(d.claim(&holders[0]), 456_000);
    assert_books_close(&s, 456_000, &holders);
    assert_eq!(d.arrears(), 0);
}

#[test]
fn deposit_refuses_zero_and_negative_amounts() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let recorded = s.attest(th(100), 1_000);
    s.record_through(recorded);
    let unrecorded = s.attest(th(100), 1_000);
    for epoch in [recorded, unrecorded] {
        for amount in [0, -1, i128::MIN] {
            assert_unchanged(&s.env, || {
                assert_error(
                    d.try_deposit(&s.operator, &epoch, &amount),
                    DistributorError::InvalidAmount,
                )
            });
        }
    }
    assert_eq!(d.epoch(&unrecorded), None);
    assert_eq!(
        d.epoch(&recorded),
        Some(payout(1_000, 0, 0, 0, held(100, DAY)))
    );
    assert_books_close(&s, 0, &holders);
}

/// A deposit pulls the whole amount offered before sending back what was not needed: one the
/// depositor cannot fund is refused by the reward asset (its `BalanceError`, #10), even when
/// less is due, and rolls back the payout and books the distributor had already updated.
#[test]
fn a_deposit_the_depositor_cannot_fund_changes_nothing() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let e2 = s.attest(th(100), 1_000);
    s.record_through(1);
    let payer = Address::generate(&s.env);
    s.reward_issuer.mint(&payer, &99);
    for amount in [100, 1_001] {
        assert_unchanged(&s.env, || {
            assert_error(
                d.try_deposit(&payer, &e2, &amount),
                Error::from_contract_error(10),
            )
        });
    }
    assert_eq!(d.epoch(&e2), None);
    assert_eq!(d.totals(), books(0, 0, 0, 0));
    d.deposit(&payer, &e2, &99);
    assert_eq!(d.epoch(&e2), Some(payout(1_000, 99, 0, 4, held(100, DAY))));
    assert_eq!(s.reward.balance(&payer), 0);
    assert_books_close(&s, 0, &holders);
}

#[test]
fn pause_blocks_deposits_claims_fee_withdrawals_and_top_ups_until_unpause() {
    // 100 of the 200 TH/s delivered are sold: room to mint.
    let (s, mut holders) = offering(TERM, &[100]);
    let holder = holders[0].clone();
    let d = &s.distributor;
    let e2 = s.attest(th(200), 2_000);
    s.record_through(e2);
    d.deposit(&s.operator, &e2, &500);
    // 475 streams over 47 h: after 1 day, floor(475 × 86,400 / 169,200) = 242.
    advance(&s.env, DAY);
    assert_eq!(d.claimable(&holder), 242);

    d.pause();
    assert!(d.paused());
    let buyer = Address::generate(&s.env);
    assert_unchanged(&s.env, || {
        assert_error(
            d.try_deposit(&s.operator, &e2, &500),
            DistributorError::Paused,
        );
        assert_error(d.try_claim(&holder), DistributorError::Paused);
        assert_error(
            d.try_claim_to(&holder, &s.operator),
            DistributorError::Paused,
        );
        assert_error(d.try_withdraw_fees(), DistributorError::Paused);
        // A mint while the stream runs owes a top-up, which the paused distributor refuses.
        assert_error(s.token.try_mint(&buyer, &1), DistributorError::Paused);
    });
    // Reads and recording still work.
    assert_eq!(d.claimable(&holder), 242);
    assert_eq!(d.arrears(), 500);
    assert_eq!(d.due(&e2), 500);

    d.unpause();
    assert!(!d.paused());
    d.deposit(&s.operator, &e2, &500);
    assert_eq!(d.arrears(), 0);
    assert_eq!(d.claim(&holder), 242);
    assert_eq!(d.withdraw_fees(), 50);
    s.token.mint(&buyer, &1);
    holders.push(buyer);
    assert!(d.totals().topups > 0, "the mint paid its top-up");
    assert_books_close(&s, 242, &holders);
}

#[test]
fn claim_needs_the_holders_own_signature() {
    let (s, holders) = offering(TERM, &[100]);
    let holder = &holders[0];
    let d = &s.distributor;
    let id = d.address.clone();
    let e2 = s.attest(th(100), 1_000);
    s.record_through(e2);
    d.deposit(&s.operator, &e2, &1_000);
    advance(&s.env, SPAN);
    assert_eq!(d.claimable(holder), 950);

    let intruder = Address::generate(&s.env);
    for signer in [&intruder, &s.operator, &s.admin] {
        authorize(
            &s.env,
            signer,
            &id,
            "claim",
            (holder.clone(),).into_val(&s.env),
        );
        assert_unchanged(&s.env, || assert_auth_error(&s.env, d.try_claim(holder)));
        let args = (holder.clone(), signer.clone()).into_val(&s.env);
        authorize(&s.env, signer, &id, "claim_to", args);
        assert_unchanged(&s.env, || {
            assert_auth_error(&s.env, d.try_claim_to(holder, signer))
        });
    }
    assert_eq!(d.claimable(holder), 950);

    authorize(
        &s.env,
        holder,
        &id,
        "claim",
        (holder.clone(),).into_val(&s.env),
    );
    assert_eq!(d.claim(holder), 950);
    assert_eq!(s.reward.balance(holder), 950);
    s.env.mock_all_auths();
    assert_books_close(&s, 950, &holders);
}

/// The depositor signs the deposit and, inside it, the transfer of exactly the amount offered
/// to the distributor; the refund of what was not needed is the distributor's own transfer.
#[test]
fn deposit_and_claim_ask_exactly_the_expected_signatures() {
    let (s, holders) = offering(TERM, &[100]);
    let holder = &holders[0];
    let d = &s.distributor;
    let e2 = s.attest(th(100), 1_000);
    let e3 = s.attest(th(100), 1_000);
    s.record_through(e2);
    // The same tree whether the deposit records the epoch (e3) or not (e2), and whether all of
    // it is needed (600 of 1,000 due) or not (1,500 for 1,000 due).
    for (epoch, amount) in [(e2, 600i128), (e3, 1_500i128)] {
        d.deposit(&s.operator, &epoch, &amount);
        assert_eq!(
            s.env.auths(),
            std::vec![(
                s.operator.clone(),
                AuthorizedInvocation {
                    function: AuthorizedFunction::Contract((
                        d.address.clone(),
                        Symbol::new(&s.env, "deposit"),
                        (s.operator.clone(), epoch, amount).into_val(&s.env),
                    )),
                    sub_invocations: std::vec![AuthorizedInvocation {
                        function: AuthorizedFunction::Contract((
                            s.reward.address.clone(),
                            Symbol::new(&s.env, "transfer"),
                            (s.operator.clone(), d.address.clone(), amount).into_val(&s.env),
                        )),
                        sub_invocations: std::vec![],
                    }],
                }
            )]
        );
    }
    assert_eq!(s.reward.balance(&s.operator), FUNDS - 1_600);

    advance(&s.env, SPAN);
    let claimable = d.claimable(holder);
    assert_eq!(claimable, 1_520, "95% of 1,600");
    assert_eq!(d.claim(holder), claimable);
    assert_eq!(
        s.env.auths(),
        std::vec![(
            holder.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    d.address.clone(),
                    Symbol::new(&s.env, "claim"),
                    (holder.clone(),).into_val(&s.env),
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
    let to = Address::generate(&s.env);
    d.claim_to(holder, &to);
    assert_eq!(
        s.env.auths(),
        std::vec![(
            holder.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    d.address.clone(),
                    Symbol::new(&s.env, "claim_to"),
                    (holder.clone(), to.clone()).into_val(&s.env),
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
}

/// Every admin call, and the fee withdrawal, is refused when signed by anyone but the right
/// account, and the same call succeeds with the right signature (so the refusal is about the
/// signer).
#[test]
fn the_wrong_signer_is_refused_for_every_admin_call() {
    let (s, holders) = offering(TERM, &[100]);
    let env = &s.env;
    let d = &s.distributor;
    let id = d.address.clone();
    let intruder = Address::generate(env);
    let wrong = [&intruder, &s.operator, &s.fee_recipient];

    // set_fee: the admin, up to 20%.
    for signer in wrong {
        authorize(env, signer, &id, "set_fee", (1_000u32,).into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_set_fee(&1_000)));
    }
    assert_eq!(d.fee_bps(), FEE_BPS);
    authorize(env, &s.admin, &id, "set_fee", (1_000u32,).into_val(env));
    d.set_fee(&1_000);
    assert_eq!(
        distributor_events(&s),
        [FeeSet { fee_bps: 1_000 }.to_xdr(env, &id)]
    );
    assert_eq!(d.fee_bps(), 1_000);
    for fee in [MAX_FEE_BPS + 1, 10_000, u32::MAX] {
        authorize(env, &s.admin, &id, "set_fee", (fee,).into_val(env));
        assert_unchanged(env, || {
            assert_error(d.try_set_fee(&fee), DistributorError::InvalidFee)
        });
    }
    authorize(env, &s.admin, &id, "set_fee", (MAX_FEE_BPS,).into_val(env));
    d.set_fee(&MAX_FEE_BPS);
    assert_eq!(d.fee_bps(), 2_000);

    // set_fee_recipient: the admin.
    let recipient = Address::generate(env);
    for signer in wrong {
        authorize(
            env,
            signer,
            &id,
            "set_fee_recipient",
            (recipient.clone(),).into_val(env),
        );
        assert_unchanged(env, || {
            assert_auth_error(env, d.try_set_fee_recipient(&recipient))
        });
    }
    assert_eq!(d.fee_recipient(), s.fee_recipient);
    let args = (recipient.clone(),).into_val(env);
    authorize(env, &s.admin, &id, "set_fee_recipient", args);
    d.set_fee_recipient(&recipient);
    assert_eq!(d.fee_recipient(), recipient);

    // pause / unpause: the admin.
    for signer in wrong {
        authorize(env, signer, &id, "pause", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_pause()));
    }
    authorize(env, &s.admin, &id, "pause", ().into_val(env));
    d.pause();
    assert!(d.paused());
    for signer in wrong {
        authorize(env, signer, &id, "unpause", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_unpause()));
    }
    authorize(env, &s.admin, &id, "unpause", ().into_val(env));
    d.unpause();
    assert!(!d.paused());

    // withdraw_fees: the fee recipient (now `recipient`), not even the admin.
    s.env.mock_all_auths();
    let e2 = s.attest(th(100), 1_000);
    s.record_through(e2);
    d.deposit(&s.operator, &e2, &400); // fee 20% of 400
    for signer in [&intruder, &s.operator, &s.admin, &s.fee_recipient] {
        authorize(env, signer, &id, "withdraw_fees", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_withdraw_fees()));
    }
    authorize(env, &recipient, &id, "withdraw_fees", ().into_val(env));
    assert_eq!(d.withdraw_fees(), 80);
    assert_eq!(s.reward.balance(&recipient), 80);

    // upgrade: the admin; payouts, books and funds survive it.
    let hash = env
        .deployer()
        .upload_contract_wasm(wasm("payout_distributor").as_slice());
    for signer in wrong {
        authorize(env, signer, &id, "upgrade", (hash.clone(),).into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_upgrade(&hash)));
    }
    authorize(env, &s.admin, &id, "upgrade", (hash.clone(),).into_val(env));
    d.upgrade(&hash);
    assert_eq!(
        d.epoch(&e2),
        Some(payout(1_000, 400, 0, 80, held(100, DAY)))
    );
    assert_eq!(d.arrears(), 600);
    assert_eq!(d.fee_bps(), 2_000);
    assert_eq!(d.fee_recipient(), recipient);
    assert_eq!(d.next_epoch(), 3);
    assert_eq!(d.totals(), books(400, 0, 80, 80));
    assert_eq!(s.reward.balance(&id), 320);

    // Two-step admin transfer: only the admin proposes, only the proposed account accepts.
    let successor = Address::generate(env);
    authorize(env, &s.admin, &id, "accept_admin", ().into_val(env));
    assert_unchanged(env, || {
        assert_error(d.try_accept_admin(), DistributorError::NoPendingAdmin)
    });
    for signer in [&intruder, &successor, &s.operator] {
        let args = (successor.clone(),).into_val(env);
        authorize(env, signer, &id, "propose_admin", args);
        assert_unchanged(env, || {
            assert_auth_error(env, d.try_propose_admin(&successor))
        });
    }
    let args = (successor.clone(),).into_val(env);
    authorize(env, &s.admin, &id, "propose_admin", args);
    d.propose_admin(&successor);
    for signer in [&intruder, &s.admin] {
        authorize(env, signer, &id, "accept_admin", ().into_val(env));
        assert_unchanged(env, || assert_auth_error(env, d.try_accept_admin()));
    }
    assert_eq!(d.admin(), s.admin);
    authorize(env, &successor, &id, "accept_admin", ().into_val(env));
    d.accept_admin();
    assert_eq!(d.admin(), successor);
    // The proposal is used up; the old admin has lost its powers, the new one has them.
    authorize(env, &successor, &id, "accept_admin", ().into_val(env));
    assert_unchanged(env, || {
        assert_error(d.try_accept_admin(), DistributorError::NoPendingAdmin)
    });
    authorize(env, &s.admin, &id, "set_fee", (0u32,).into_val(env));
    assert_unchanged(env, || assert_auth_error(env, d.try_set_fee(&0)));
    authorize(env, &successor, &id, "set_fee", (0u32,).into_val(env));
    d.set_fee(&0);
    assert_eq!(d.fee_bps(), 0);

    s.env.mock_all_auths();
    assert_books_close(&s, 0, &holders);
}

#[test]
fn fees_accrue_until_the_fee_recipient_withdraws_them() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let env = &s.env;
    let old = s.fee_recipient.clone();
    let e2 = s.attest(th(100), 1_000_000);
    s.record_through(e2);
    d.deposit(&s.operator, &e2, &400_000);
    assert_eq!(d.totals(), books(400_000, 0, 20_000, 0));
    assert_eq!(s.reward.balance(&old), 0, "nothing is sent at deposit");

    assert_eq!(d.withdraw_fees(), 20_000);
    assert_eq!(s.reward.balance(&old), 20_000);
    assert_eq!(d.totals(), books(400_000, 0, 20_000, 20_000));
    assert_eq!(d.withdraw_fees(), 0, "a second withdrawal pays nothing");
    assert_eq!(distributor_events(&s).events().len(), 0);
    assert_eq!(s.reward.balance(&old), 20_000);

    // A new fee applies to the deposits after it: 10% of 600,000.
    d.set_fee(&1_000);
    d.deposit(&s.operator, &e2, &600_000);
    assert_eq!(
        d.epoch(&e2),
        Some(payout(1_000_000, 1_000_000, 0, 80_000, held(100, DAY)))
    );
    assert_eq!(d.totals(), books(1_000_000, 0, 80_000, 20_000));

    // A new recipient withdraws the 60,000 not yet withdrawn; the old one may no longer.
    let new = Address::generate(env);
    d.set_fee_recipient(&new);
    assert_eq!(d.fee_recipient(), new);
    authorize(env, &old, &d.address, "withdraw_fees", ().into_val(env));
    assert_unchanged(env, || assert_auth_error(env, d.try_withdraw_fees()));
    env.mock_all_auths();
    assert_eq!(d.withdraw_fees(), 60_000);
    assert_eq!(
        (s.reward.balance(&new), s.reward.balance(&old)),
        (60_000, 20_000)
    );
    assert_eq!(d.withdraw_fees(), 0);
    assert_eq!(d.totals(), books(1_000_000, 0, 80_000, 80_000));
    assert_eq!(s.reward.balance(&d.address), 920_000, "the holders' stream");
    assert_books_close(&s, 0, &holders);
}

/// A fee recipient whose balance the issuer deauthorized blocks no deposit (fees accrue, they
/// never move at deposit), nor any claim; only its own withdrawal fails, changing nothing,
/// until the admin names another recipient.
#[test]
fn a_deauthorized_fee_recipient_never_blocks_deposits() {
    let (s, holders) = offering(TERM, &[100]);
    let d = &s.distributor;
    let e2 = s.attest(th(100), 1_000_000);
    s.record_through(e2);
    s.reward_asset.issuer().set_flag(IssuerFlags::RevocableFlag);
    s.reward_issuer.set_authorized(&s.fee_recipient, &false);
    d.deposit(&s.operator, &e2, &400_000);
    d.deposit(&s.operator, &e2, &600_000);
    assert_eq!(d.arrears(), 0);
    assert_eq!(d.totals(), books(1_000_000, 0, 50_000, 0));
    assert_unchanged(&s.env, || {
        assert_error(d.try_withdraw_fees(), Error::from_contract_error(11))
    });
    advance(&s.env, SPAN);
    assert_eq!(d.claim(&holders[0]), 950_000);

    let replacement = Address::generate(&s.env);
    d.set_fee_recipient(&replacement);
    assert_eq!(d.withdraw_fees(), 50_000);
    assert_eq!(s.reward.balance(&replacement), 50_000);
    assert_eq!(s.reward.balance(&s.fee_recipient), 0);
    assert_eq!(s.reward.balance(&d.address), 0);
    assert_books_close(&s, 950_000, &holders);
}

/// A mint while a stream runs pays that stream the new shares' part of what it has still to
/// pay, grossed up by the fee as a deposit's top-up is, taken by the distributor on the
/// operator's allowance, and booked as a top-up (its fee as a fee). Only the share token may
/// make the distributor pull it.
#[test]
fn a_mints_top_up_is_collected_by_the_share_token_alone() {
    let (s, mut holders) = offering(TERM, &[100]);
    let alice = holders[0].clone();
    let d = &s.distributor;
    let env = &s.env;
    let op = &s.operator;
    let e2 = s.attest(th(200), 2_000_000); // 100 of 200 TH/s sold
    s.record_through(e2);
    d.deposit(op, &e2, &1_000_000);
    // A tenth of the stream later, 855,000 of the 950,000 are still to stream: 50 new shares
    // on 100 pay half of that, 427,500, grossed up by the 5% fee to the least amount that
    // leaves it after a deposit's fee: 449,999 (449,999 - floor(22,499.95) = 427,500).
    advance(env, SPAN / 10);
    let bob = Address::generate(env);
    let before = s.reward.balance(op);
    s.token.mint(&bob, &shares(50));
    holders.push(bob.clone());
    assert_eq!(
        distributor_events(&s),
        [TopUpCollected {
            from: op.clone(),
            amount: 449_999,
            fee: 22_499,
        }
        .to_xdr(env, &d.address)]
    );
    assert_eq!(s.reward.balance(op), before - 449_999);
    assert_eq!(d.totals(), books(1_449_999, 449_999, 72_499, 0));
    assert_eq!(d.arrears(), 0, "a mint's top-up is no debt");
    assert_books_close(&s, 0, &holders);

    // Nobody but the share token may have the distributor pull a top-up.
    let intruder = Address::generate(env);
    for signer in [op, &s.admin, &intruder, &bob] {
        let args = (op.clone(), 1i128).into_val(env);
        authorize(env, signer, &d.address, "collect_topup", args);
        assert_unchanged(env, || assert_auth_error(env, d.try_collect_topup(op, &1)));
    }
    env.mock_all_auths();

    // Without an allowance, or without the funds, a mint owing a top-up is refused.
    let sink = Address::generate(env);
    s.reward
        .approve(op, &d.address, &0, &env.ledger().sequence());
    assert_unchanged(env, || {
        assert_error(
            s.token.try_mint(&bob, &1),
            DistributorError::TopUpNotApproved,
        )
    });
    s.approve_topups(op);
    let funds = s.reward.balance(op);
    s.reward.transfer(op, &sink, &funds);
    assert_unchanged(env, || {
        assert_error(
            s.token.try_mint(&bob, &1),
            DistributorError::TopUpNotApproved,
        )
    });
    s.reward.transfer(&sink, op, &funds);
    assert_eq!(s.token.total_supply(), shares(150));

    // Alice gets her whole stream, as it was promised when she alone held; bob his top-up
    // net of its fee.
    s.attest(th(200), 0);
    s.attest(th(200), 0); // epoch 4 attested: the stream ended with epoch 4
    assert_eq!(d.claimable(&alice), 950_000);
    assert_eq!(d.claimable(&bob), 427_500);
    // With no stream running a mint pays nothing, and needs no allowance.
    s.reward
        .approve(op, &d.address, &0, &env.ledger().sequence());
    s.token.mint(&bob, &1);
    assert_eq!(d.totals(), books(1_449_999, 449_999, 72_499, 0));
    assert_books_close(&s, 0, &holders);
}

/// With a 10% fee, a mint's top-up is grossed up as a deposit's is: the stream gets the top-up
/// the share token computed, the operator pays `gross = ceil(top-up * 10,000 / 9,000)`, and
/// `gross - top-up` accrues as fee.
#[test]
fn a_mints_top_up_under_a_ten_percent_fee_pulls_the_top_up_grossed_up_by_it() {
    let s = Suite::new(TERM, 1_000, FUNDS);
    let d = &s.distributor;
    let op = &s.operator;
    s.attest(th(100), 0);
    s.to_next_epoch();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100));
    // Epoch 2: 100 of 200 TH/s sold, 1,000,001 owed; its 10% fee is 100,000 (rounded down),
    // and 900,001 streams over the 47 hours to the end of epoch 4.
    let e2 = s.attest(th(200), 2_000_002);
    assert_eq!(s.record_through(e2).owed, 1_000_001);
    d.deposit(op, &e2, &1_000_001);
    assert_eq!(d.totals(), books(1_000_001, 0, 100_000, 0));
    // A tenth of the way, 810,000.9 are left for alice's 100 shares: 50 more owe 405,000.45,
    // rounded up to 405,001; grossed up to the least amount that leaves it after the fee:
    // 450,001 (450,001 - floor(45,000.1) = 405,001; 450,000 would leave 405,000).
    advance(&s.env, SPAN / 10);
    let bob = Address::generate(&s.env);
    let before = s.reward.balance(op);
    s.token.mint(&bob, &shares(50));
    let (topup, gross) = (405_001, 450_001);
    assert_eq!(
        distributor_events(&s),
        [TopUpCollected {
            from: op.clone(),
            amount: gross,
            fee: gross - topup,
        }
        .to_xdr(&s.env, &d.address)]
    );
    assert_eq!(gross - topup, 45_000);
    assert_eq!(before - s.reward.balance(op), gross);
    assert_eq!(
        d.totals(),
        books(1_000_001 + gross, gross, 100_000 + 45_000, 0)
    );
    assert_eq!(d.arrears(), 0);
    // The streams get the top-up alone: alice her 900,001 (and two thirds of the 0.55 the
    // top-up rounded up), bob 405,000.63 rounded down.
    advance(&s.env, SPAN);
    assert_eq!((d.claimable(&alice), d.claimable(&bob)), (900_001, 405_000));
    let claimed = d.claim(&alice) + d.claim(&bob);
    assert_eq!(d.withdraw_fees(), 145_000);
    assert_eq!(s.reward.balance(&d.address), 1, "a unit of rounding");
    assert_books_close(&s, claimed, &[alice, bob]);
}

/// The attacker review's `minting_after_the_deposit_dodges_the_fee_on_the_topup`, with exact
/// numbers and a 10% fee: alice held 50 shares through epoch 2 (1,200,000 owed), and bob
/// buys 50 more in the ledger epoch 2 is paid in. Minted before the deposit, bob's shares make
/// the deposit's top-up (due 2,400,000, fee on all of it); minted after, the mint pays the
/// same top-up grossed up by the fee. Either way alice and bob get 1,080,000 each; the operator
/// pays 2,400,000 and the fee recipient gets 240,000, give or take the unit two separate
/// roundings of the fee can differ by.
#[test]
fn minting_before_or_after_a_deposit_costs_the_operator_and_pays_the_fee_the_same() {
    let mut runs = Vec::new();
    for mint_first in [true, false] {
        let s = Suite::new(TERM, 1_000, FUNDS);
        let d = &s.distributor;
        let op = &s.operator;
        s.attest(th(100), 0);
        s.to_next_epoch();
        let alice = Address::generate(&s.env);
        let bob = Address::generate(&s.env);
        s.token.mint(&alice, &shares(50));
        let epoch = s.attest(th(100), 2_400_000);
        assert_eq!(s.record_through(epoch).owed, 1_200_000);
        if mint_first {
            s.token.mint(&bob, &shares(50)); // no stream runs: no top-up
            assert_eq!(d.totals(), books(0, 0, 0, 0));
            // 100 shares now for 50 on average: each unit of debt costs two.
            assert_eq!(d.due(&epoch), 2_400_000);
            d.deposit(op, &epoch, &2_400_000);
            assert_eq!(
                d.epoch(&epoch),
                Some(payout(
                    1_200_000,
                    1_200_000,
                    1_200_000,
                    240_000,
                    held(50, DAY)
                ))
            );
        } else {
            assert_eq!(d.due(&epoch), 1_200_000);
            d.deposit(op, &epoch, &1_200_000);
            // 1,080,000 streams to alice's 50 shares; bob's 50 pay as much again, grossed up:
            // 1,199,999 (1,199,999 - floor(119,999.9) = 1,080,000), 119,999 of it fee.
            s.token.mint(&bob, &shares(50));
            assert_eq!(
                distributor_events(&s),
                [TopUpCollected {
                    from: op.clone(),
                    amount: 1_199_999,
                    fee: 119_999,
                }
                .to_xdr(&s.env, &d.address)]
            );
            assert_eq!(
                d.epoch(&epoch),
                Some(payout(1_200_000, 1_200_000, 0, 120_000, held(50, DAY)))
            );
        }
        let expected = if mint_first {
            books(2_400_000, 1_200_000, 240_000, 0)
        } else {
            books(2_399_999, 1_199_999, 239_999, 0)
        };
        assert_eq!(d.totals(), expected);
        advance(&s.env, 3 * DAY); // the stream has ended
        let paid = FUNDS - s.reward.balance(op);
        let (a, b) = (d.claim(&alice), d.claim(&bob));
        let fees = d.withdraw_fees();
        assert_eq!(s.reward.balance(&d.address), 0, "nothing left over");
        runs.push((paid, fees, a, b));
    }
    assert_eq!(runs[0], (2_400_000, 240_000, 1_080_000, 1_080_000));
    assert_eq!(
        runs[1],
        (2_399_999, 239_999, 1_080_000, 1_080_000),
        "the order of the mint and the deposit changes no holder's share, and the fee by a unit"
    );
}

#[test]
fn record_deposit_claim_fee_and_top_up_calls_emit_exactly_their_events() {
    let (s, holders) = offering(TERM, &[30]); // 30 of the 100 TH/s sold
    let holder = &holders[0];
    let d = &s.distributor;
    let id = d.address.clone();
    let env = &s.env;
    let op = &s.operator;
    let e2 = s.attest(th(100), 1_000_000);
    let e3 = s.attest(th(100), 2_000_000);
    s.record_through(1);

    d.record(&e2);
    assert_eq!(
        distributor_events(&s),
        [Recorded {
            epoch: e2,
            owed: 300_000,
            reward: 1_000_000,
            hashrate: th(100),
            sold: th(30),
        }
        .to_xdr(env, &id)]
    );

    d.deposit(op, &e2, &300_000);
    assert_eq!(
        distributor_events(&s),
        [Deposited {
            epoch: e2,
            from: op.clone(),
            amount: 300_000,
            paid: 300_000,
            topup: 0,
            fee: 15_000,
        }
        .to_xdr(env, &id)]
    );

    // A deposit that records first emits both, in that order; `amount` is what was taken.
    d.deposit(op, &e3, &1_000_000);
    assert_eq!(
        distributor_events(&s),
        [
            Recorded {
                epoch: e3,
                owed: 600_000,
                reward: 2_000_000,
                hashrate: th(100),
                sold: th(30),
            }
            .to_xdr(env, &id),
            Deposited {
                epoch: e3,
                from: op.clone(),
                amount: 600_000,
                paid: 600_000,
                topup: 0,
                fee: 30_000,
            }
            .to_xdr(env, &id),
        ]
    );
    // Recording again emits nothing.
    d.record(&e3);
    assert_eq!(distributor_events(&s).events().len(), 0);

    // Both deposits stream 855,000 from 1 h into epoch 4 to the end of epoch 5. A tenth of the
    // way, 15 new shares on 30 pay half of the 769,500 left, 384,750, grossed up by the 5%
    // fee to the least amount leaving it: 404,999 (404,999 - floor(20,249.95)), 20,249 fee.
    advance(env, SPAN / 10);
    let buyer = Address::generate(env);
    s.token.mint(&buyer, &shares(15));
    assert_eq!(
        distributor_events(&s),
        [TopUpCollected {
            from: op.clone(),
            amount: 404_999,
            fee: 20_249,
        }
        .to_xdr(env, &id)]
    );

    advance(env, SPAN);
    assert_eq!(d.claimable(holder), 855_000, "the whole stream");
    assert_eq!(d.claim(holder), 855_000);
    assert_eq!(
        distributor_events(&s),
        [Claimed {
            holder: holder.clone(),
            to: holder.clone(),
            amount: 855_000,
        }
        .to_xdr(env, &id)]
    );
    // Nothing to claim: no event.
    assert_eq!(d.claim(holder), 0);
    assert_eq!(distributor_events(&s).events().len(), 0);
    let to = Address::generate(env);
    assert_eq!(d.claim_to(&buyer, &to), 384_750, "the buyer's top-up");
    assert_eq!(
        distributor_events(&s),
        [Claimed {
            holder: buyer.clone(),
            to: to.clone(),
            amount: 384_750,
        }
        .to_xdr(env, &id)]
    );
    assert_eq!(s.reward.balance(&to), 384_750);

    assert_eq!(d.withdraw_fees(), 45_000 + 20_249);
    assert_eq!(
        distributor_events(&s),
        [FeesWithdrawn {
            recipient: s.fee_recipient.clone(),
            amount: 65_249,
        }
        .to_xdr(env, &id)]
    );
    assert_eq!(d.withdraw_fees(), 0);
    assert_eq!(distributor_events(&s).events().len(), 0);

    let recipient = Address::generate(env);
    d.set_fee_recipient(&recipient);
    assert_eq!(
        distributor_events(&s),
        [FeeRecipientSet {
            recipient: recipient.clone()
        }
        .to_xdr(env, &id)]
    );
    d.set_fee(&1_000);
    assert_eq!(
        distributor_events(&s),
        [FeeSet { fee_bps: 1_000 }.to_xdr(env, &id)]
    );
    assert_eq!(d.totals(), books(1_304_999, 404_999, 65_249, 65_249));
    assert_eq!(s.reward.balance(&id), 0, "exact to the unit");
    assert_books_close(&s, 855_000 + 384_750, &[holder.clone(), buyer]);
}

/// After every step of a scenario mixing partial and full deposits, top-ups of both kinds,
/// transfers, burns, claims, fee changes and withdrawals, the books close and what the
/// distributor holds covers every claim and the fees due.
#[test]
fn books_close_after_every_step_of_a_scenario() {
    let (s, mut holders) = offering(TERM, &[60, 40]);
    let d = &s.distributor;
    let op = &s.operator;
    let (a, b) = (holders[0].clone(), holders[1].clone());
    let mut claimed = 0;
    let check = |claimed: i128, holders: &[Address]| assert_books_close(&s, claimed, holders);

    let e2 = s.attest(th(200), 1_000_000); // 100 of 200 TH/s sold: 500,000 owed
    s.record_through(e2);
    check(claimed, &holders);
    d.deposit(op, &e2, &200_000);
    check(claimed, &holders);
    advance(&s.env, HOUR);
    let c = Address::generate(&s.env);
    s.token.mint(&c, &shares(50)); // a top-up into the running stream
    holders.push(c.clone());
    check(claimed, &holders);
    s.sep41.transfer(&a, &b, &shares(10));
    check(claimed, &holders);
    d.deposit(op, &e2, &d.due(&e2)); // with the top-up for c's shares
    assert_eq!(d.arrears(), 0);
    check(claimed, &holders);
    claimed += d.claim(&a);
    check(claimed, &holders);

    let e3 = s.attest(th(200), 3_000_000);
    s.record_through(e3);
    check(claimed, &holders);
    s.sep41.burn(&b, &shares(20));
    check(claimed, &holders);
    d.deposit(op, &e3, &(d.due(&e3) / 2));
    check(claimed, &holders);
    claimed += d.claim(&b);
    check(claimed, &holders);
    d.withdraw_fees();
    check(claimed, &holders);
    d.set_fee(&1_000);
    d.set_fee_recipient(&Address::generate(&s.env));
    let payer = Address::generate(&s.env);
    s.reward_issuer.mint(&payer, &10_000_000);
    d.deposit(&payer, &e3, &10_000_000);
    assert_eq!(d.arrears(), 0);
    check(claimed, &holders);
    advance(&s.env, DAY);
    claimed += d.claim_to(&c, &Address::generate(&s.env));
    check(claimed, &holders);
    d.withdraw_fees();
    check(claimed, &holders);

    // Once every stream has ended and everyone has claimed, only dust is left: under a unit
    // per holder and stream.
    advance(&s.env, 3 * DAY);
    for holder in &holders {
        claimed += d.claim(holder);
        check(claimed, &holders);
    }
    let totals = d.totals();
    assert_eq!(totals.fees, totals.fees_withdrawn);
    let left = s.reward.balance(&d.address);
    assert!((0..10).contains(&left), "{left} left behind");
    assert_eq!(claimed, totals.deposited - totals.fees_withdrawn - left);
}

#[test]
fn debts_beyond_i128_are_a_typed_overflow() {
    let (s, _) = offering(TERM, &[100]);
    let d = &s.distributor;
    let e2 = s.attest(th(100), i128::MAX);
    assert_eq!(s.record_through(e2).owed, i128::MAX);
    let e3 = s.attest(th(100), 1);
    assert_unchanged(&s.env, || {
        assert_error(d.try_record(&e3), DistributorError::Overflow)
    });
    assert_eq!(d.arrears(), i128::MAX);
    assert_eq!(d.next_epoch(), e3);
}

#[test]
fn constructor_refuses_a_fee_above_twenty_percent() {
    let s = Suite::new(TERM, MAX_FEE_BPS, 0);
    assert_eq!(s.distributor.fee_bps(), MAX_FEE_BPS);
    let args = (
        s.admin.clone(),
        s.token.address.clone(),
        s.reward.address.clone(),
        s.oracle.address.clone(),
        s.pool.clone(),
        MAX_FEE_BPS + 1,
        s.fee_recipient.clone(),
    );
    let message = panic_message(|| {
        s.env
            .register(wasm("payout_distributor").as_slice(), args.clone())
    });
    assert!(message.contains("Error(Contract, #304)"), "{message}");
}

/// Reward assets sent to the distributor itself would mix with the holders' funds and stay
/// there: neither a claim nor the fee may name it as recipient.
#[test]
fn the_distributor_itself_is_refused_as_a_recipient() {
    let (s, holders) = offering(TERM, &[100]);
    let holder = &holders[0];
    let d = &s.distributor;
    let epoch = s.attest(th(100), 1_000_000);
    s.record_through(epoch);
    d.deposit(&s.operator, &epoch, &1_000_000);
    advance(&s.env, SPAN);
    assert_unchanged(&s.env, || {
        assert_error(
            d.try_claim_to(holder, &d.address),
            DistributorError::InvalidRecipient,
        );
        assert_error(
            d.try_set_fee_recipient(&d.address),
            DistributorError::InvalidRecipient,
        );
    });
    assert_eq!(d.claimable(holder), 950_000);
    assert_eq!(d.fee_recipient(), s.fee_recipient);

    // A distributor deployed at a chosen address with itself as fee recipient.
    let at = Address::generate(&s.env);
    let args = (
        s.admin.clone(),
        s.token.address.clone(),
        s.reward.address.clone(),
        s.oracle.address.clone(),
        s.pool.clone(),
        100u32,
        at.clone(),
    );
    let message = panic_message(|| {
        s.env
            .register_at(&at, wasm("payout_distributor").as_slice(), args.clone())
    });
    assert!(message.contains("Error(Contract, #309)"), "{message}");
}

/// The pool's history before the offering is not its debt: an epoch that ended before the
/// distributor existed (so before any share could) cannot be recorded. And a distributor
/// wired to another pool than its share token's is refused at deployment.
#[test]
fn epochs_before_the_offering_are_not_its_debt() {
    // The pool runs for three days (epochs 0 to 2) before this distributor is deployed.
    let s = Suite::new(TERM, FEE_BPS, FUNDS);
    let env = &s.env;
    for _ in 0..3 {
        s.attest(th(100), 1_000_000);
    }
    let late = env.register(
        wasm("payout_distributor").as_slice(),
        (
            s.admin.clone(),
            s.token.address.clone(),
            s.reward.address.clone(),
            s.oracle.address.clone(),
            s.pool.clone(),
            100u32,
            s.fee_recipient.clone(),
        ),
    );
    let late = PayoutDistributorClient::new(env, &late);
    assert_eq!(late.next_epoch(), 3);
    s.token.mint(&Address::generate(env), &shares(48)); // 1 h into epoch 3
    for epoch in 0..3 {
        assert_unchanged(env, || {
            assert_error(
                late.try_record(&epoch),
                DistributorError::EpochBeforeOffering,
            )
        });
    }
    // Epoch 3 was under way at the deployment: recordable, 46 of 100 TH/s sold.
    let epoch = s.attest(th(100), 1_000_000);
    assert_eq!(epoch, 3);
    assert_eq!(late.record(&epoch).owed, 460_000);

    let other_pool = Symbol::new(env, "other_pool");
    let mut config = s.pool_config.clone();
    config.operator = s.operator.clone();
    s.oracle.register_pool(&other_pool, &config);
    let message = panic_message(|| {
        env.register(
            wasm("payout_distributor").as_slice(),
            (
                s.admin.clone(),
                s.token.address.clone(),
                s.reward.address.clone(),
                s.oracle.address.clone(),
                other_pool.clone(),
                100u32,
                s.fee_recipient.clone(),
            ),
        )
    });
    assert!(message.contains("Error(Contract, #308)"), "{message}");
}

/// The distributor names what it was deployed for: the share token whose holders it pays (the
/// token's `set_distributor` checks it) and the reward asset. A distributor deployed for a
/// token that already has shares is refused: its books start at a supply of 0, so the shares
/// sold before it would be owed nothing.
#[test]
fn the_distributor_names_its_token_and_asset_and_refuses_a_token_with_shares() {
    let s = Suite::new(TERM, FEE_BPS, FUNDS);
    let env = &s.env;
    assert_eq!(s.distributor.share_token(), s.token.address);
    assert_eq!(s.distributor.reward_token(), s.reward.address);
    assert_eq!(s.token.distributor(), Some(s.distributor.address.clone()));
    let deploy = || {
        env.register(
            wasm("payout_distributor").as_slice(),
            (
                s.admin.clone(),
                s.token.address.clone(),
                s.reward.address.clone(),
                s.oracle.address.clone(),
                s.pool.clone(),
                FEE_BPS,
                s.fee_recipient.clone(),
            ),
        )
    };
    // While the token has no shares, another distributor of it can be deployed (though the
    // token, wired once, will never use it).
    let spare = PayoutDistributorClient::new(env, &deploy());
    assert_eq!(spare.share_token(), s.token.address);
    assert_eq!(spare.reward_token(), s.reward.address);
    s.attest(th(100), 0);
    let holder = Address::generate(env);
    s.token.mint(&holder, &1);
    let message = panic_message(deploy);
    assert!(message.contains("Error(Contract, #308)"), "{message}");
    // The rule is about the supply now: with the one unit burnt, nothing is owed to anyone
    // and a distributor may be deployed again.
    s.sep41.burn(&holder, &1);
    assert_eq!(s.token.total_supply(), 0);
    let again = PayoutDistributorClient::new(env, &deploy());
    assert_eq!(again.share_token(), s.token.address);
}

/// The distributor's client in a measuring `Env`.
fn distributor_in<'a>(env: &Env, s: &Suite) -> PayoutDistributorClient<'a> {
    PayoutDistributorClient::new(env, &port(env, &s.distributor.address))
}

/// The costs of the distributor's calls on the WASM, each measured in a fresh `Env` loaded
/// from the grown ledger's snapshot (shared/measuring.md).
#[test]
fn record_deposit_claim_and_fee_withdrawal_costs_on_the_wasm() {
    let (s, holders) = offering(TERM, &[60, 40]);
    let d = &s.distributor;
    let e2 = s.attest(th(100), 10_000_000);
    s.record_through(e2);
    d.deposit(&s.operator, &e2, &5_000_000);
    let e3 = s.attest(th(100), 10_000_000);
    d.record(&e3);
    let e4 = s.attest(th(100), 10_000_000); // the first stream ended with epoch 4
    let (a, op) = (&holders[0], &s.operator);
    assert_eq!(d.claimable(a), 2_850_000, "60% of 4,750,000");

    let record = measure(&s.env, |env| {
        assert_eq!(distributor_in(env, &s).record(&e4).owed, 10_000_000);
    });
    let deposit = measure(&s.env, |env| {
        distributor_in(env, &s).deposit(&port(env, op), &e3, &10_000_000);
    });
    let deposit_refunding = measure(&s.env, |env| {
        distributor_in(env, &s).deposit(&port(env, op), &e3, &20_000_000);
    });
    let deposit_recording = measure(&s.env, |env| {
        distributor_in(env, &s).deposit(&port(env, op), &e4, &10_000_000);
    });
    let claim = measure(&s.env, |env| {
        assert_eq!(distributor_in(env, &s).claim(&port(env, a)), 2_850_000);
    });
    let withdraw_fees = measure(&s.env, |env| {
        assert_eq!(distributor_in(env, &s).withdraw_fees(), 250_000);
    });
    println!("{}", Cost::HEADER);
    for (label, cost) in [
        ("distributor record", &record),
        ("distributor deposit (epoch recorded)", &deposit),
        (
            "distributor deposit (sending the rest back)",
            &deposit_refunding,
        ),
        (
            "distributor deposit (records the epoch)",
            &deposit_recording,
        ),
        ("distributor claim", &claim),
        ("distributor withdraw_fees", &withdraw_fees),
    ] {
        println!("{}", cost.row(label));
    }

    // record writes the payout entry and the instance (the books and the cursor).
    assert_eq!(record.write_entries, 2);
    // deposit: the payout, the instance, the share token's stream (its instance) and reward
    // state, two reward-asset balances (depositor, distributor; the fee stays here) and the
    // depositor's auth nonce. Sending the rest back touches the same balances.
    assert_eq!(deposit.write_entries, 7);
    assert_eq!(deposit_refunding.write_entries, 7);
    assert_eq!(deposit_recording.write_entries, 7);
    assert!(deposit_recording.instructions > deposit.instructions);
    assert!(deposit_refunding.instructions > deposit.instructions);
    // claim: the holder's entry in the share token, two reward-asset balances (distributor,
    // holder) and the holder's auth nonce; no global state.
    assert_eq!(claim.write_entries, 4);
    // withdraw_fees: the instance (fees withdrawn), two balances and the recipient's nonce.
    assert_eq!(withdraw_fees.write_entries, 4);
    // Every call is well under 5% of the 400M-instruction transaction limit.
    for cost in [
        &record,
        &deposit,
        &deposit_refunding,
        &deposit_recording,
        &claim,
        &withdraw_fees,
    ] {
        assert!(cost.instructions < 20_000_000, "{cost}");
    }
}

/// A ledger with `holders` holders of one share each and `deposits` epochs attested and paid
/// in full, then one more epoch attested and recorded but not paid. Returns the suite, the
/// first holder (who has never claimed) and the recorded epoch.
fn grown_ledger(holders: usize, deposits: usize) -> (Suite, Address, u64) {
    const REWARD: i128 = 1_000_000;
    let s = Suite::new(400 * DAY, FEE_BPS, FUNDS);
    let sold = th(holders as i128);
    s.attest(sold, 0);
    s.to_next_epoch();
    // Every mint at the start of epoch 2, while the capacity is fresh: whole epochs from there.
    let first = Address::generate(&s.env);
    s.token.mint(&first, &shares(1));
    for _ in 1..holders {
        s.token.mint(&Address::generate(&s.env), &shares(1));
    }
    for _ in 0..deposits {
        let epoch = s.attest(sold, REWARD);
        s.record_through(epoch);
        assert_eq!(s.distributor.due(&epoch), REWARD);
        s.distributor.deposit(&s.operator, &epoch, &REWARD);
    }
    let recorded = s.attest(sold, REWARD);
    assert_eq!(
        s.record_through(recorded),
        payout(REWARD, 0, 0, 0, held(holders as i128, DAY))
    );
    assert!(s.distributor.claimable(&first) > 0);
    (s, first, recorded)
}

/// `claim` and `deposit` cost the same with 1 or 1,000 holders and after 1 or 100 past
/// deposits (design.md: flat in the number of holders and of past epochs).
#[test]
fn claim_and_deposit_cost_is_flat_in_holders_and_past_deposits() {
    let small = grown_ledger(1, 1);
    let big = grown_ledger(1_000, 100);
    assert_eq!(big.0.token.total_supply(), shares(1_000));
    assert_eq!(big.0.distributor.totals().deposited, 100 * 1_000_000);

    let claim = |(s, holder, _): &(Suite, Address, u64)| {
        measure(&s.env, |env| {
            assert!(distributor_in(env, s).claim(&port(env, holder)) > 0);
        })
    };
    let deposit = |(s, _, epoch): &(Suite, Address, u64)| {
        measure(&s.env, |env| {
            distributor_in(env, s).deposit(&port(env, &s.operator), epoch, &1_000_000);
        })
    };
    let rows = [
        ("claim, 1 holder, 1 past deposit", claim(&small)),
        ("claim, 1,000 holders, 100 past deposits", claim(&big)),
        ("deposit, 1 holder, 1 past deposit", deposit(&small)),
        ("deposit, 1,000 holders, 100 past deposits", deposit(&big)),
    ];
    println!("{}", Cost::HEADER);
    for (label, cost) in &rows {
        println!("{}", cost.row(label));
    }
    for pair in rows.chunks(2) {
        let (small, big) = (&pair[0].1, &pair[1].1);
        let ratio = big.instructions as f64 / small.instructions as f64;
        println!("{} vs {}: CPU ratio {ratio:.4}", pair[1].0, pair[0].0);
        assert!(
            (0.95..=1.05).contains(&ratio),
            "{}: {} vs {} instructions (ratio {ratio:.4})",
            pair[1].0,
            big.instructions,
            small.instructions
        );
        assert_eq!(big.write_entries, small.write_entries, "{}", pair[1].0);
        assert_eq!(big.read_entries, small.read_entries, "{}", pair[1].0);
    }
}

/// The property tests' finding: which shares a burn destroyed cannot be told apart, so a holder
/// who burns before an epoch's payout forfeits its part to the shares then held — including
/// ones minted since, which pay a top-up only for what they take beyond the epoch's closing
/// supply. Alice and Bob hold 50 shares each from an hour into epoch 1 (an average of 95.83,
/// 958,333 owed); Bob burns his 50 after the record and the operator mints 50 to itself: 100
/// shares again, as at the epoch's end, so `due` is 958,333 × 100 / 95.83 = 1,000,000. Alice
/// gets her own half, 500,000 — more than the 479,166 her 23 hours earned, never less — and
/// the operator's new shares Bob's forfeited half. (The other reading, that burns destroy the
/// epoch's shares first, would let the operator brick any payout by minting and burning: the
/// property tests found that too; see the README's design notes.)
#[test]
fn a_share_burned_before_its_payout_forfeits_its_part_to_the_shares_then_held() {
    let s = Suite::new(TERM, 0, FUNDS);
    let d = &s.distributor;
    s.attest(th(100), 0);
    let (alice, bob) = (Address::generate(&s.env), Address::generate(&s.env));
    s.token.mint(&alice, &shares(50));
    s.token.mint(&bob, &shares(50));
    let epoch = s.attest(th(100), 1_000_000);
    assert_eq!(s.record_through(epoch).owed, 958_333);
    s.sep41.burn(&bob, &shares(50));
    s.token.mint(&s.operator, &shares(50));
    assert_eq!(d.due(&epoch), 1_000_000);
    d.deposit(&s.operator, &epoch, &1_000_000);
    advance(&s.env, 3 * DAY);
    assert_eq!(d.claimable(&alice), 500_000, "her own half, whole");
    assert_eq!(d.claimable(&s.operator), 500_000);
    assert_eq!(d.arrears(), 0);
}

/// Minting and burning, however much, changes nothing for a payout: the supply is the
/// epoch's again, and so is `due`.
#[test]
fn minting_and_burning_after_an_epoch_changes_nothing_for_its_payout() {
    let s = Suite::new(TERM, 0, FUNDS);
    let d = &s.distributor;
    s.attest(th(300), 0);
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(100));
    let epoch = s.attest(th(300), 3_000_000);
    assert_eq!(s.record_through(epoch).owed, 958_333);
    assert_eq!(d.due(&epoch), 1_000_000);
    for _ in 0..3 {
        s.token.mint(&s.operator, &shares(100));
        s.sep41.burn(&s.operator, &shares(100));
    }
    assert_eq!(d.due(&epoch), 1_000_000);
    d.deposit(&s.operator, &epoch, &1_000_000);
    advance(&s.env, 3 * DAY);
    assert_eq!(d.claimable(&alice), 1_000_000);
}

/// Burns leave the epoch's remaining shares its payout at face value; when no share is held,
/// nobody can receive it, and a deposit is refused with `NoHolders`, changing nothing.
#[test]
fn a_payout_with_no_share_held_has_no_holders() {
    let s = Suite::new(TERM, 0, FUNDS);
    let d = &s.distributor;
    s.attest(th(100), 0);
    s.to_next_epoch();
    let alice = Address::generate(&s.env);
    s.token.mint(&alice, &shares(50));
    s.token.mint(&s.operator, &shares(50));
    let epoch = s.attest(th(100), 1_000_000);
    assert_eq!(s.record_through(epoch).owed, 1_000_000);
    s.sep41.burn(&alice, &shares(50));
    assert_eq!(d.due(&epoch), 1_000_000, "the remaining half at face value");
    s.sep41.burn(&s.operator, &shares(50));
    assert_unchanged(&s.env, || {
        assert_error(d.try_due(&epoch), DistributorError::NoHolders);
        assert_error(
            d.try_deposit(&s.operator, &epoch, &1_000),
            DistributorError::NoHolders,
        );
    });
}
