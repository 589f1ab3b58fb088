//! share-token reward streaming end to end, on the compiled WASM, with exact expected numbers.
//!
//! A deposit (`notify_reward`) streams linearly until the end of the epoch after the one it is
//! made in, on the pool's daily epoch grid: a stream lasts between one and two days, and at
//! most two run at once (one per end). At every checkpoint (deposit, mint, burn) a stream fixes
//! the index increase it still owes each base unit of supply, `total` = its rest (reward units
//! × 10^18) / the supply, rounded down, and pays `total × elapsed / span` of it by any moment,
//! rounded down once, with no per-second rounding (its rate keeps 64 extra binary digits).
//! Holders' accruals are exact in index units; only what they take is floored to whole units.
//! The numbers below are chosen so that every step divides, unless a test is about the
//! rounding: each expectation is then the exact pro-rata share.
//!
//! What streams while no share exists is owed to no one: at a checkpoint with no supply every
//! stream's rest is dropped (left in the distributor), so no share minted later collects what
//! burned shares earned.
//!
//! The fixture sells 1 TH/s per whole share (10^7 base units). Most tests drive
//! `notify_reward` directly under `TokenSuite`, calling it as the suite's distributor (every
//! authorization is mocked, and no reward asset moves), minting only while no stream runs: a
//! mint during a stream has the distributor collect a top-up from the operator, whom the
//! `TokenSuite` does not fund. The tests of mints during a stream, and of what a payout made
//! with no share existing becomes, use the whole `Suite`, whose distributor pays real funds.
use hashshare_interfaces::{Books, ShareTokenClient, SHARE_UNIT};
use hashshare_tests::{
    fixture::{
        advance, assert_error, assert_unchanged, wasm, Suite, TokenSuite, START, TH_PER_SHARE,
    },
    measure::{fresh, measure, port, written_keys, Cost},
};
use num_bigint::BigUint;
use payout_distributor::{DistributorError, TopUpCollected};
use share_token::{RewardNotified, RewardsTaken, ShareTokenError, SCALE};
use soroban_sdk::{
    testutils::{Address as _, AuthorizedFunction, AuthorizedInvocation, Events as _},
    token::{StellarAssetClient, TokenClient},
    xdr::{LedgerKey, ScVal},
    Address, Env, Event, IntoVal, String, Symbol,
};
use soroban_token_sdk::events::MintWithAmountOnly;

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const YEAR: u64 = 365 * DAY;

/// Whole shares in base units.
fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

/// `n` TH/s, in H/s.
fn th(n: i128) -> i128 {
    n * TH_PER_SHARE
}

/// A suite whose oracle attests enough hashrate for `capacity_shares` whole shares. The clock
/// is one hour into epoch 1 (`START + 1 day + 1 hour`); minting stays possible until epoch 3.
fn suite(capacity_shares: i128) -> TokenSuite {
    let s = TokenSuite::new(YEAR);
    s.attest(th(capacity_shares), 0);
    s
}

fn holders(s: &TokenSuite, n: usize) -> std::vec::Vec<Address> {
    (0..n).map(|_| Address::generate(&s.env)).collect()
}

/// Moves the clock forward to `START + at`.
fn advance_to(env: &Env, at: u64) {
    let now = env.ledger().timestamp();
    assert!(START + at >= now, "the clock cannot go back");
    advance(env, START + at - now);
}

/// Asserts that the last invocation was a deposit of `amount` streaming until `START + end`,
/// and emitted exactly its `reward_notified` event.
fn assert_notified(s: &TokenSuite, amount: i128, end: u64) {
    assert_eq!(
        s.env.events().all().filter_by_contract(&s.token.address),
        [RewardNotified {
            amount,
            end: START + end
        }
        .to_xdr(&s.env, &s.token.address)]
    );
}

fn accrued(s: &TokenSuite, holders: &[&Address]) -> std::vec::Vec<i128> {
    holders.iter().map(|h| s.token.accrued(h)).collect()
}

// ---------------------------------------------------------------------------------------------
// Streams: pro rata, on the epoch grid, in two lanes
// ---------------------------------------------------------------------------------------------

#[test]
fn two_holders_share_a_stream_pro_rata_to_the_unit() {
    let s = suite(1_000);
    let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&a, &shares(600));
    s.token.mint(&b, &shares(400));
    // At the start of epoch 2 a deposit streams for two whole days, until epoch 3 ends:
    // 10^24 index units over 10^10 base units, 10^14 each, 578,703,703.7 a second.
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&1_000_000);
    assert_notified(&s, 1_000_000, 4 * DAY);
    assert_eq!(accrued(&s, &[&a, &b]), [0, 0], "nothing at once");
    advance(&s.env, DAY);
    assert_eq!(accrued(&s, &[&a, &b]), [300_000, 200_000]);
    // One second before the end: 172,799 / 172,800 of each share, rounded down once.
    advance(&s.env, DAY - 1);
    assert_eq!(accrued(&s, &[&a, &b]), [599_996, 399_997]);
    advance(&s.env, 1);
    assert_eq!(accrued(&s, &[&a, &b]), [600_000, 400_000]);
    advance(&s.env, 5 * DAY); // long after the stream ended
    assert_eq!(accrued(&s, &[&a, &b]), [600_000, 400_000]);
    assert_eq!(s.token.take_accrued(&a), 600_000);
    assert_eq!(
        s.env.events().all().filter_by_contract(&s.token.address),
        [RewardsTaken {
            holder: a.clone(),
            amount: 600_000
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    assert_eq!(s.token.accrued(&a), 0);
    assert_eq!(s.token.take_accrued(&a), 0, "a second take pays nothing");
    assert_eq!(
        s.env
            .events()
            .all()
            .filter_by_contract(&s.token.address)
            .events()
            .len(),
        0,
        "and says nothing"
    );
    assert_eq!(s.token.accrued(&b), 400_000);
}

/// 1,000 units a second for a sole holder in each stream below (10^12 index units a second for
/// 10^9 base units): the last second of an epoch streams for one epoch and a second, the first
/// second of the next for two epochs, side by side.
#[test]
fn a_deposit_streams_until_the_end_of_the_epoch_after_the_one_it_is_made_in() {
    let s = suite(100);
    let a = Address::generate(&s.env);
    s.token.mint(&a, &shares(100));
    advance_to(&s.env, 2 * DAY - 1); // the last second of epoch 1
    s.token.notify_reward(&86_401_000);
    assert_notified(&s, 86_401_000, 3 * DAY);
    advance(&s.env, 1); // epoch 2
    assert_eq!(s.token.accrued(&a), 1_000);
    s.token.notify_reward(&172_800_000);
    assert_notified(&s, 172_800_000, 4 * DAY);
    assert_eq!(s.token.accrued(&a), 1_000, "the new stream starts at zero");
    // Both streams at 1,000 a second.
    advance_to(&s.env, 3 * DAY - 1);
    assert_eq!(s.token.accrued(&a), 86_400_000 + 86_399_000);
    advance(&s.env, 1);
    assert_eq!(
        s.token.accrued(&a),
        86_401_000 + 86_400_000,
        "the first is paid"
    );
    advance(&s.env, 1);
    assert_eq!(s.token.accrued(&a), 86_401_000 + 86_401_000, "and stops");
    advance_to(&s.env, 4 * DAY);
    assert_eq!(s.token.accrued(&a), 86_401_000 + 172_800_000);
    advance(&s.env, DAY);
    assert_eq!(s.token.accrued(&a), 86_401_000 + 172_800_000);
}

/// A deposit joins the stream of its epoch's earlier deposits (same end), speeding it up; a
/// deposit of the next epoch runs in the other lane and neither delays nor slows the first.
#[test]
fn a_deposit_joins_its_epochs_stream_and_one_of_the_next_epoch_delays_nothing() {
    let s = suite(100);
    let a = Address::generate(&s.env);
    s.token.mint(&a, &shares(100)); // 10^9 base units: 1 unit = 10^9 index units each
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&1_728_000); // 10 a second until 4 days
    advance(&s.env, DAY / 2);
    assert_eq!(s.token.accrued(&a), 432_000);
    // Epoch 2 again: into the same lane. Its rest, 1,296,000 + 864,000, over the 129,600 s
    // left: 16 2/3 a second.
    s.token.notify_reward(&864_000);
    assert_notified(&s, 864_000, 4 * DAY);
    advance_to(&s.env, 3 * DAY);
    assert_eq!(s.token.accrued(&a), 432_000 + 720_000);
    // Epoch 3: the other lane, until 5 days, 10 a second.
    s.token.notify_reward(&1_728_000);
    assert_notified(&s, 1_728_000, 5 * DAY);
    advance_to(&s.env, 4 * DAY);
    // The first lane paid everything it was given, on time; the second half of its own.
    assert_eq!(s.token.accrued(&a), (1_728_000 + 864_000) + 864_000);
    // Epoch 4: the first lane has ended, so its slot takes the new stream (until 6 days).
    s.token.notify_reward(&1_728_000);
    assert_notified(&s, 1_728_000, 6 * DAY);
    advance_to(&s.env, 5 * DAY);
    assert_eq!(
        s.token.accrued(&a),
        (1_728_000 + 864_000) + 1_728_000 + 864_000
    );
    advance_to(&s.env, 6 * DAY);
    assert_eq!(
        s.token.accrued(&a),
        1_728_000 + 864_000 + 1_728_000 + 1_728_000,
        "every unit deposited"
    );
}

#[test]
fn a_transfer_mid_stream_leaves_earned_rewards_with_the_seller() {
    let s = suite(1_000);
    let [a, b, c] = <[Address; 3]>::try_from(holders(&s, 3)).unwrap();
    s.token.mint(&a, &shares(600));
    s.token.mint(&b, &shares(400));
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&1_000_000); // 1,000 units a share over two days
    advance(&s.env, DAY / 2); // a quarter
    s.sep41.transfer(&a, &c, &shares(200));
    assert_eq!(s.token.accrued(&a), 150_000, "earned before the sale stays");
    assert_eq!(s.token.accrued(&c), 0, "the buyer gets nothing from before");
    advance_to(&s.env, 4 * DAY);
    assert_eq!(s.token.accrued(&a), 150_000 + 300_000);
    assert_eq!(s.token.accrued(&b), 400_000);
    assert_eq!(s.token.accrued(&c), 150_000);
}

#[test]
fn a_burn_mid_stream_leaves_its_part_to_the_remaining_holders() {
    let s = suite(1_000);
    let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&a, &shares(500));
    s.token.mint(&b, &shares(500));
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&1_000_000);
    advance(&s.env, DAY);
    s.sep41.burn(&b, &shares(250));
    assert_eq!(s.token.total_supply(), shares(750));
    assert_eq!(accrued(&s, &[&a, &b]), [250_000, 250_000]);
    advance_to(&s.env, 4 * DAY);
    // The second half, 500,000, goes to 750 shares: 10^14 / 2 / 7.5 x 10^9 index units each,
    // 66,666,666,666,666 once rounded down; a's 500 shares make 333,333.33, b's 250 166,666.67,
    // each rounded down (what is below a unit stays in the holder's position).
    assert_eq!(
        accrued(&s, &[&a, &b]),
        [250_000 + 333_333, 250_000 + 166_666]
    );
    advance(&s.env, DAY);
    assert_eq!(accrued(&s, &[&a, &b]), [583_333, 416_666]);
}

/// A stream that runs while no share exists pays no one, not even the holders who come
/// later: the first checkpoint with no supply drops its rest (owed to no one), and the next
/// deposit streams only its own amount.
#[test]
fn rewards_streamed_while_nobody_holds_shares_are_owed_to_no_one() {
    let s = suite(1_000);
    let a = Address::generate(&s.env);
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&1_000); // no supply
    advance(&s.env, DAY / 2);
    // The mint finds no holder to have streamed to: the stream's rest is dropped, and with no
    // stream running there is no top-up (the distributor is not called).
    s.token.mint(&a, &shares(10));
    assert_eq!(
        s.env
            .events()
            .all()
            .filter_by_contract(&s.distributor)
            .events()
            .len(),
        0,
        "no top-up collected"
    );
    advance_to(&s.env, 4 * DAY);
    assert_eq!(
        s.token.accrued(&a),
        0,
        "a stream that ran with no holder does not pay who comes later"
    );
    s.token.notify_reward(&1_000); // only this 1,000 streams, until 6 days
    assert_notified(&s, 1_000, 6 * DAY);
    advance(&s.env, DAY);
    assert_eq!(s.token.accrued(&a), 500);
    advance(&s.env, DAY);
    assert_eq!(s.token.accrued(&a), 1_000, "nothing of the first stream");
    advance(&s.env, DAY);
    assert_eq!(s.token.accrued(&a), 1_000);

    // A whole stream with no supply at all, then a holder and a new stream.
    let s = suite(1_000);
    let a = Address::generate(&s.env);
    s.token.notify_reward(&777); // until 3 days
    s.attest(th(1_000), 0);
    s.attest(th(1_000), 0); // 3 days 1 hour: the stream has ended, unpaid
    s.token.mint(&a, &shares(5));
    assert_eq!(s.token.accrued(&a), 0);
    s.token.notify_reward(&223);
    assert_notified(&s, 223, 5 * DAY);
    advance_to(&s.env, 5 * DAY);
    assert_eq!(s.token.accrued(&a), 223, "the 777 streamed to no one");
    advance(&s.env, DAY);
    assert_eq!(s.token.accrued(&a), 223);
}

/// The attacker review's `a_mint_at_supply_zero_recovers_the_carried_payment`, with exact
/// numbers: every holder burns mid-stream, the operator mints itself the same shares at
/// supply 0 (in the same ledger) and pays the next epoch's debt. Its shares get exactly that
/// new payout, and nothing of the stream that was running when the holders burned: the rest
/// of it, 1,296,000,000, stays in the distributor owed to no one (the operator's payment for
/// epoch 2 is not recovered).
#[test]
fn a_mint_at_supply_zero_gets_only_the_next_payout_nothing_of_the_earlier_stream() {
    let (s, a) = streaming_offering();
    // Epoch 3 (500 shares sold all day) earned nothing: attested by every reporter at once,
    // it keeps the capacity fresh for the mint below.
    for reporter in s.pool_config.reporters.iter() {
        s.oracle.submit(&reporter, &s.pool, &3, &th(1_000), &0);
    }
    advance(&s.env, DAY / 2); // a quarter of epoch 2's stream: 10,000 a second
    assert_eq!(s.token.accrued(&a), OWED / 4);
    s.sep41.burn(&a, &shares(500));
    assert_eq!(s.token.total_supply(), 0);
    assert_eq!(s.token.accrued(&a), OWED / 4, "what it earned stays");
    let operator_before = s.reward.balance(&s.operator);
    s.token.mint(&s.operator, &shares(500));
    // The mint's checkpoint finds no supply: the stream's rest is dropped, nothing is left
    // running to top up.
    assert_eq!(s.reward.balance(&s.operator), operator_before, "no top-up");
    assert_eq!(s.distributor.totals().topups, 0);
    advance_to(&s.env, 5 * DAY + HOUR);
    assert_eq!(
        s.token.accrued(&s.operator),
        0,
        "nothing of epoch 2's stream reaches the new shares"
    );

    // Epoch 4: 500 shares all day (a's until the burn, the operator's after it), so 500 of
    // the 1,000 TH/s sold: half of 1,728,000,000 owed, due at face value (no more shares now
    // than on average). Paid an hour into epoch 5, it streams to the operator's shares alone,
    // until the end of epoch 6.
    let reporters = s.pool_config.reporters.clone();
    for reporter in reporters.iter() {
        s.oracle
            .submit(&reporter, &s.pool, &4, &th(1_000), &(2 * 864_000_000));
    }
    advance(&s.env, HOUR);
    let payout = s.record_through(4);
    assert_eq!(payout.supply_seconds, shares(500) * i128::from(DAY));
    assert_eq!(payout.owed, 864_000_000);
    assert_eq!(s.record_through(3).owed, 0);
    assert_eq!(s.distributor.due(&4), 864_000_000);
    s.distributor.deposit(&s.operator, &4, &864_000_000);
    advance_to(&s.env, 7 * DAY); // every stream has ended
    assert_eq!(
        s.token.accrued(&s.operator),
        864_000_000,
        "exactly the new payout"
    );
    assert_eq!(s.token.accrued(&a), OWED / 4);
    assert_eq!(s.distributor.claim(&s.operator), 864_000_000);
    assert_eq!(s.distributor.claim(&a), OWED / 4);
    // The operator paid 864,000,000 and got 864,000,000 back: nothing of its OWED for epoch 2.
    assert_eq!(
        s.reward.balance(&s.operator),
        operator_before,
        "the operator recovered nothing of epoch 2's payment"
    );
    // What streamed while no share existed stays, owed to no one; the books close.
    let dropped = OWED - OWED / 4;
    assert_eq!(dropped, 1_296_000_000);
    assert_eq!(s.reward.balance(&s.distributor.address), dropped);
    let books = s.distributor.totals();
    assert_eq!(books.deposited, OWED + 864_000_000);
    assert_eq!(
        OWED / 4 + 864_000_000,
        books.deposited - books.fees_withdrawn - s.reward.balance(&s.distributor.address)
    );
}

/// Maturity changes nothing about streams: one paid before it runs on past it, and a deposit
/// after it (the last epochs' payouts) streams too, to whoever holds the shares meanwhile.
#[test]
fn streams_run_past_maturity_and_a_deposit_after_it_streams_too() {
    let s = TokenSuite::new(2 * DAY);
    s.attest(th(100), 0); // 1 day 1 hour
    let [a, b, c] = <[Address; 3]>::try_from(holders(&s, 3)).unwrap();
    s.token.mint(&a, &shares(60));
    s.token.mint(&b, &shares(40));
    // Until 3 days, a day after maturity: 169,200 s, 1,000 a second for the 100 shares.
    s.token.notify_reward(&169_200_000);
    assert_notified(&s, 169_200_000, 3 * DAY);
    advance_to(&s.env, 2 * DAY);
    assert_eq!(s.env.ledger().timestamp(), s.token.maturity());
    assert_eq!(accrued(&s, &[&a, &b]), [49_680_000, 33_120_000]);
    // At maturity: the arrears of the last epoch, until 4 days, 1,000 a second again.
    s.token.notify_reward(&172_800_000);
    assert_notified(&s, 172_800_000, 4 * DAY);
    assert_eq!(
        accrued(&s, &[&a, &b]),
        [49_680_000, 33_120_000],
        "nothing at once"
    );
    s.sep41.transfer(&a, &c, &shares(60));
    advance_to(&s.env, 3 * DAY);
    assert_eq!(
        accrued(&s, &[&a, &b, &c]),
        [
            49_680_000,
            33_120_000 + 34_560_000 + 34_560_000,
            51_840_000 + 51_840_000
        ]
    );
    advance_to(&s.env, 4 * DAY);
    let got = accrued(&s, &[&a, &b, &c]);
    assert_eq!(got, [49_680_000, 136_800_000, 155_520_000]);
    assert_eq!(got.iter().sum::<i128>(), 169_200_000 + 172_800_000);
    assert_error(s.token.try_mint(&a, &1), ShareTokenError::Matured);
}

#[test]
fn a_buyer_holding_for_ten_percent_of_a_stream_gets_ten_percent_of_its_share() {
    let s = suite(1_000);
    let [seller, buyer] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&seller, &shares(1_000));
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&987_654_321); // over 172,800 s
    advance(&s.env, 77_760); // buys at 45% of the stream
    s.sep41.transfer(&seller, &buyer, &shares(100));
    advance(&s.env, 17_280); // holds for 10% of it
    s.sep41.transfer(&buyer, &seller, &shares(100));
    advance_to(&s.env, 5 * DAY);
    // 100 of 1,000 shares for 10% of the time: 1% of the stream, 9,876,543.21, and the seller
    // the other 99%, 977,777,777.79, each rounded down once.
    assert_eq!(s.token.accrued(&buyer), 9_876_543);
    assert_eq!(s.token.accrued(&seller), 977_777_777);
}

/// Holders' accruals are kept exactly; only what is taken is rounded down, and the fraction of
/// a unit stays for the next take.
#[test]
fn taking_often_or_once_pays_the_same() {
    let s = suite(1);
    let [often, once] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&often, &1);
    s.token.mint(&once, &2);
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&100); // 33.33... per base unit
    let mut taken = std::vec::Vec::new();
    for _ in 0..8 {
        advance(&s.env, 6 * HOUR);
        taken.push(s.token.take_accrued(&often));
    }
    // Each take floors, but keeps the fraction: the eighths of 33.33 sum to 33, not 8 × 4.
    assert_eq!(taken.iter().sum::<i128>(), 33, "takes: {taken:?}");
    assert_eq!(s.token.take_accrued(&once), 66);
    assert_eq!(s.token.accrued(&often), 0);
}

// ---------------------------------------------------------------------------------------------
// Mints during a stream: the top-up, on the real distributor
// ---------------------------------------------------------------------------------------------

/// What the operator is funded with.
const FUNDS: i128 = 1_000_000_000_000;

/// What epoch 2 owes in [`streaming_offering`]: 10,000 units a second over the two days it
/// streams.
const OWED: i128 = 1_728_000_000;

/// The whole suite, with holder `a` of 500 shares bought at the start of epoch 2, when epoch
/// 2 (1,000 TH/s attested, 500 sold all epoch long) owes exactly [`OWED`]. The operator pays it
/// at the start of epoch 4, so that it streams over the two days until 6 days; the clock stands
/// there.
fn streaming_offering() -> (Suite, Address) {
    let s = Suite::new(YEAR, 0, FUNDS);
    s.attest(th(1_000), 0); // epoch 0: capacity for 1,000 shares
    let a = Address::generate(&s.env);
    advance_to(&s.env, 2 * DAY);
    s.token.mint(&a, &shares(500));
    assert_eq!(s.reward.balance(&s.operator), FUNDS, "no stream, no top-up");
    let epoch = s.attest(th(1_000), 2 * OWED);
    assert_eq!(epoch, 2);
    assert_eq!(s.record_through(epoch).owed, OWED);
    advance_to(&s.env, 4 * DAY);
    assert_eq!(s.distributor.due(&epoch), OWED);
    s.distributor.deposit(&s.operator, &epoch, &OWED);
    assert_notified(&s, OWED, 6 * DAY);
    (s, a)
}

/// A mint during a stream pays the new shares' part of the stream's rest into it (the
/// top-up), pulled from the operator's allowance: the holders before the mint keep exactly
/// what their stream promised, and the new shares earn exactly the top-up.
#[test]
fn a_mint_mid_stream_pays_an_exact_top_up_and_dilutes_no_one() {
    let (s, a) = streaming_offering();
    let b = Address::generate(&s.env);
    advance(&s.env, DAY / 2); // a quarter of the stream
    assert_eq!(s.token.accrued(&a), OWED / 4);
    let operator_before = s.reward.balance(&s.operator);
    s.token.mint(&b, &shares(500));
    // 3/4 of OWED left for 500 shares; 500 more take as much again.
    let topup = OWED * 3 / 4;
    assert_eq!(topup, 1_296_000_000);
    assert_eq!(
        s.env.events().all().filter_by_contract(&s.token.address),
        [MintWithAmountOnly {
            to: b.clone(),
            amount: shares(500)
        }
        .to_xdr(&s.env, &s.token.address)]
    );
    assert_eq!(
        s.env
            .events()
            .all()
            .filter_by_contract(&s.distributor.address),
        [TopUpCollected {
            from: s.operator.clone(),
            amount: topup,
            fee: 0,
        }
        .to_xdr(&s.env, &s.distributor.address)]
    );
    // Pulled on the allowance: the operator signs the mint and nothing else.
    assert_eq!(
        s.env.auths(),
        std::vec![(
            s.operator.clone(),
            AuthorizedInvocation {
                function: AuthorizedFunction::Contract((
                    s.token.address.clone(),
                    Symbol::new(&s.env, "mint"),
                    (b.clone(), shares(500)).into_val(&s.env),
                )),
                sub_invocations: std::vec![],
            }
        )]
    );
    assert_eq!(operator_before - s.reward.balance(&s.operator), topup);
    assert_eq!(s.reward.balance(&s.distributor.address), OWED + topup);
    assert_eq!(
        s.distributor.totals(),
        Books {
            deposited: OWED + topup,
            topups: topup,
            fees: 0,
            fees_withdrawn: 0
        }
    );
    assert_eq!(s.distributor.arrears(), 0, "a top-up is no debt");
    assert_eq!(
        s.token.accrued(&a),
        OWED / 4,
        "the mint took nothing from a"
    );
    assert_eq!(s.token.accrued(&b), 0);
    // Both at 5,000 a second per 500 shares, as a was before the mint.
    advance(&s.env, DAY / 2);
    assert_eq!(accrued(&s, &[&a, &b]), [OWED / 2, topup / 3]);
    advance_to(&s.env, 6 * DAY);
    assert_eq!(accrued(&s, &[&a, &b]), [OWED, topup]);
    advance(&s.env, DAY);
    assert_eq!(accrued(&s, &[&a, &b]), [OWED, topup]);
    assert_eq!(s.distributor.claim(&a), OWED);
    assert_eq!(s.distributor.claim(&b), topup);
    assert_eq!(
        s.reward.balance(&s.distributor.address),
        0,
        "nothing left over"
    );
}

/// A mint during a stream cannot dodge its top-up: without the operator's allowance (or its
/// funds), or with the distributor paused, it fails with the distributor's error and changes
/// nothing. A mint with no stream running needs neither.
#[test]
fn a_mint_mid_stream_without_the_operators_allowance_fails_and_changes_nothing() {
    // No stream: no top-up, no allowance needed, nothing paid.
    let s = Suite::new(YEAR, 0, FUNDS);
    s.attest(th(1_000), 0);
    let until = s.env.ledger().sequence();
    s.reward
        .approve(&s.operator, &s.distributor.address, &0, &until);
    s.token.mint(&Address::generate(&s.env), &shares(500));
    assert_eq!(s.reward.balance(&s.operator), FUNDS);
    assert_eq!(s.distributor.totals().deposited, 0);

    let (s, a) = streaming_offering();
    let b = Address::generate(&s.env);
    advance(&s.env, DAY / 2);
    let topup = OWED * 3 / 4;
    let until = s.env.ledger().sequence() + 100;
    let refused = |expected: DistributorError| {
        assert_unchanged(&s.env, || {
            assert_error(s.token.try_mint(&b, &shares(500)), expected)
        })
    };
    // The distributor paused: it takes no top-up.
    s.distributor.pause();
    refused(DistributorError::Paused);
    s.distributor.unpause();
    // No allowance; one unit too little.
    for allowance in [0, topup - 1] {
        s.reward
            .approve(&s.operator, &s.distributor.address, &allowance, &until);
        refused(DistributorError::TopUpNotApproved);
    }
    // Allowance enough, funds one unit short.
    s.approve_topups(&s.operator);
    let sink = Address::generate(&s.env);
    let spare = s.reward.balance(&s.operator) - (topup - 1);
    s.reward.transfer(&s.operator, &sink, &spare);
    refused(DistributorError::TopUpNotApproved);
    assert_eq!(s.token.total_supply(), shares(500));
    // Exactly the top-up: the mint goes through and takes all of it.
    s.reward_issuer.mint(&s.operator, &1);
    s.token.mint(&b, &shares(500));
    assert_eq!(s.reward.balance(&s.operator), 0);
    assert_eq!(s.distributor.totals().topups, topup);
    assert_eq!(s.token.accrued(&a), OWED / 4);
    advance_to(&s.env, 6 * DAY);
    assert_eq!(accrued(&s, &[&a, &b]), [OWED, topup]);
}

/// The top-up is taken from whoever mints: the pool's operator on the oracle now.
#[test]
fn a_rotated_operator_pays_the_top_ups_of_its_mints() {
    let (s, a) = streaming_offering();
    let b = Address::generate(&s.env);
    advance(&s.env, DAY / 2);
    let topup = OWED * 3 / 4;
    let new_operator = Address::generate(&s.env);
    let mut config = s.pool_config.clone();
    config.operator = new_operator.clone();
    s.oracle.update_pool(&s.pool, &config);
    assert_eq!(s.token.operator(), new_operator);
    // The old operator's allowance and funds are not the new one's.
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_mint(&b, &shares(500)),
            DistributorError::TopUpNotApproved,
        )
    });
    s.reward_issuer.mint(&new_operator, &topup);
    s.approve_topups(&new_operator);
    let old_funds = s.reward.balance(&s.operator);
    s.token.mint(&b, &shares(500));
    assert_eq!(s.reward.balance(&new_operator), 0);
    assert_eq!(s.reward.balance(&s.operator), old_funds);
    advance_to(&s.env, 6 * DAY);
    assert_eq!(accrued(&s, &[&a, &b]), [OWED, topup]);
}

// ---------------------------------------------------------------------------------------------
// Precision and extremes
// ---------------------------------------------------------------------------------------------

/// 1 MH/s shares: 10^19 to 10^20 base units of supply share a deposit of a few million units,
/// well under one index unit per base unit per second. Each stream pays all but what its
/// total's rounding leaves (under one index unit per base unit, under `supply / 10^18` units,
/// carried into the next stream), plus the holders' fractions: at least 99.9%, with checkpoints
/// (burns) along the way; and that rest is paid by the next stream.
#[test]
fn fine_grained_shares_get_at_least_99_9_percent_of_every_stream() {
    let eh = 1_000_000_000_000_000_000i128; // 1 EH/s
    for (supply, amount) in [
        (10_000_000_000_000_000_000i128, 2_000_000i128),
        (30_000_000_000_000_000_007, 123_457),
        (99_999_999_999_999_999_999, 2_000_000),
    ] {
        let s = TokenSuite::offering(YEAR, 1_000_000);
        s.token.set_distributor(&s.distributor);
        s.attest(10 * eh, 0); // room for 10^20 base units
        let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
        s.token.mint(&a, &(supply - supply / 3));
        s.token.mint(&b, &(supply / 3));
        let paid = || s.token.accrued(&a) + s.token.accrued(&b);
        // The most rounding may hold back of a stream: the lane's remainder and two fractions.
        let bound = supply / SCALE as i128 + 2;
        advance_to(&s.env, 2 * DAY);
        s.token.notify_reward(&amount);
        for _ in 0..8 {
            advance(&s.env, 6 * HOUR);
            s.sep41.burn(&b, &1); // a checkpoint
        }
        let streamed = paid();
        println!("supply {supply}: {streamed} of {amount} streamed");
        assert!(streamed <= amount);
        assert!(
            streamed * 1_000 >= amount * 999,
            "supply {supply}: {streamed} of {amount}"
        );
        assert!(amount - streamed <= bound, "{streamed} of {amount}");
        s.token.notify_reward(&amount);
        advance(&s.env, 2 * DAY);
        let streamed = paid();
        assert!(streamed <= 2 * amount);
        assert!(
            2 * amount - streamed <= bound,
            "the first stream's rest is carried: {streamed} of {}",
            2 * amount
        );
    }
}

fn big(value: i128) -> BigUint {
    BigUint::from(u128::try_from(value).unwrap())
}

fn small(value: BigUint) -> i128 {
    i128::try_from(u128::try_from(value).unwrap()).unwrap()
}

#[test]
fn supply_and_rewards_up_to_i64_max_neither_overflow_nor_misround() {
    let max = i128::from(i64::MAX);
    // Capacity for i64::MAX base units of shares: i64::MAX * 10^12 / 10^7 H/s, rounded up.
    let s = TokenSuite::new(YEAR);
    s.attest((max * TH_PER_SHARE + SHARE_UNIT - 1) / SHARE_UNIT, 0);
    let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    let little = 12_345_678_901;
    let balances = [(&a, max - little), (&b, little)];
    s.token.mint(&a, &(max - little));
    s.token.mint(&b, &little);
    assert_eq!(s.token.total_supply(), max);
    assert_error(s.token.try_mint(&b, &1), ShareTokenError::CapacityExceeded);

    // A reward that does not divide evenly by the supply, so every rounding step matters.
    // Exact reference, with unbounded integers, rounding where the design does: the lane's
    // total (index units per base unit) down, its pro-rata part down, each holder's share down.
    // (The contract keeps the rate in binary with 64 extra digits, rounded up: for a total
    // below 2^92 index units, 10^18 here, that is exactly the pro-rata part rounded down.)
    let scale = BigUint::from(SCALE);
    let span = 2 * DAY;
    let reward = max - 777;
    let total = big(reward) * &scale / big(max);
    advance_to(&s.env, 2 * DAY);
    s.token.notify_reward(&reward);
    for elapsed in [1, 33_333, DAY, span - 1, span] {
        advance_to(&s.env, 2 * DAY + elapsed);
        let index = &total * BigUint::from(elapsed) / BigUint::from(span);
        for (holder, balance) in balances {
            let got = s.token.accrued(holder);
            assert_eq!(
                got,
                small(&index * big(balance) / &scale),
                "after {elapsed} s"
            );
            // Never more than the exact pro-rata share; short of it by less than two index
            // units per base unit (the two floors of the index) plus the final floor.
            let exact = small(
                big(reward) * BigUint::from(elapsed) * big(balance)
                    / (BigUint::from(span) * big(max)),
            );
            let bound = (2 * balance + SCALE as i128 - 1) / SCALE as i128 + 1;
            assert!(
                got <= exact && exact - got <= bound,
                "{got} vs exact {exact}"
            );
        }
    }
    // What the total's rounding held back (under one index unit per base unit, so at most 9
    // units here) and the holders' fractions are all that was not paid...
    let paid = s.token.accrued(&a) + s.token.accrued(&b);
    assert!(
        paid <= reward && reward - paid <= max / SCALE as i128 + 2,
        "paid {paid} of {reward}"
    );
    // ...and the former is carried into the next stream, exactly.
    let held_back = big(reward) * &scale - &total * big(max);
    let next = 777;
    let total_next = (big(next) * &scale + held_back) / big(max);
    s.token.notify_reward(&next);
    advance_to(&s.env, 6 * DAY);
    for (holder, balance) in balances {
        let expected = small((&total + &total_next) * big(balance) / &scale);
        assert_eq!(s.token.accrued(holder), expected);
    }
    let paid = s.token.accrued(&a) + s.token.accrued(&b);
    assert!(paid <= reward + next && reward + next - paid <= max / SCALE as i128 + 2);
    assert_eq!(s.token.take_accrued(&a) + s.token.take_accrued(&b), paid);
}

/// One base unit of supply: every reward unit moves the index by 10^18, and 40 deposits of
/// i64::MAX (about 2^191 index units in all) wrap the `u128` index many times; differences
/// stay exact. A stream this large per base unit (over 2^110 index units) keeps fewer extra
/// digits in its rate, rounded down, so it may end a few index units short of its total: they
/// are carried into the next stream, so whatever has been taken is never more than a unit
/// short of everything deposited.
#[test]
fn the_wrapping_index_stays_exact_far_beyond_128_bits_of_cumulative_rewards() {
    let s = suite(1);
    let a = Address::generate(&s.env);
    s.token.mint(&a, &1);
    let max = i128::from(i64::MAX);
    let mut taken = 0;
    for deposits in 1..=40 {
        s.token.notify_reward(&max);
        advance(&s.env, 2 * DAY); // past the stream's end, wherever in its epoch it began
        taken += s.token.take_accrued(&a);
        assert!(
            (deposits * max - 1..=deposits * max).contains(&taken),
            "{taken} taken of {deposits} deposits of {max}"
        );
    }
}

#[test]
fn reward_amounts_are_checked() {
    let s = suite(10);
    assert_unchanged(&s.env, || {
        for amount in [0, -5, i128::MIN] {
            assert_error(
                s.token.try_notify_reward(&amount),
                ShareTokenError::InvalidAmount,
            );
        }
    });
    // Rests are kept in index units (x 10^18), so a stream may carry up to i128::MAX / 10^18
    // units (1.7 x 10^20, beyond any real asset's supply): a typed error past it, and nothing
    // changes.
    let most = i128::MAX / SCALE as i128;
    let a = Address::generate(&s.env);
    s.token.mint(&a, &1);
    assert_unchanged(&s.env, || {
        for amount in [i128::MAX, most + 1] {
            assert_error(
                s.token.try_notify_reward(&amount),
                ShareTokenError::Overflow,
            );
        }
    });
    s.token.notify_reward(&most);
    assert_unchanged(&s.env, || {
        assert_error(s.token.try_notify_reward(&1), ShareTokenError::Overflow)
    });
    // Two deposits in one lane add up, and past the most a lane can carry are refused too.
    let s = suite(10);
    let a = Address::generate(&s.env);
    s.token.mint(&a, &1);
    s.token.notify_reward(&(most / 2));
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_notify_reward(&(most - most / 2 + 1)),
            ShareTokenError::Overflow,
        )
    });
    s.token.notify_reward(&(most - most / 2));
    // With no supply nothing adds up: each checkpoint drops what streams to no one, so a
    // second deposit of the most finds an empty lane (the first is owed to no one).
    let s = suite(10);
    let a = Address::generate(&s.env);
    s.token.notify_reward(&most);
    s.token.notify_reward(&most);
    s.token.mint(&a, &1);
    advance(&s.env, 3 * DAY);
    assert_eq!(s.token.accrued(&a), 0);
}

// ---------------------------------------------------------------------------------------------
// Costs
// ---------------------------------------------------------------------------------------------

/// Costs on the WASM, each call in a fresh Env loaded from the snapshot, next to the Stellar
/// Asset Contract's transfer and a plain SEP-41 WASM token's, measured in the same run, with a
/// real deposit streaming.
#[test]
fn share_token_costs_next_to_the_stellar_asset_contract_and_a_plain_token() {
    let s = Suite::new(YEAR, 0, FUNDS);
    s.attest(th(2_000), 0);
    let [a, b, c] = <[Address; 3]>::try_from(holders(&s, 3)).unwrap();
    s.token.mint(&a, &shares(600));
    s.token.mint(&b, &shares(400));
    let epoch = s.attest(th(2_000), 2_000_000);
    s.record_through(epoch);
    s.distributor
        .deposit(&s.operator, &epoch, &s.distributor.due(&epoch));
    advance(&s.env, HOUR); // a live stream: transfers settle real rewards
    assert!(s.token.accrued(&a) > 0);
    let sac = s
        .env
        .register_stellar_asset_contract_v2(Address::generate(&s.env))
        .address();
    let plain = s.env.register(
        wasm("plain_token").as_slice(),
        (
            Address::generate(&s.env),
            String::from_str(&s.env, "Plain"),
            String::from_str(&s.env, "PLN"),
        ),
    );
    for holder in [&a, &b] {
        StellarAssetClient::new(&s.env, &sac).mint(holder, &1_000_000);
        StellarAssetClient::new(&s.env, &plain).mint(holder, &1_000_000);
    }

    let token = |env: &Env| TokenClient::new(env, &port(env, &s.token.address));
    let share = |env: &Env| ShareTokenClient::new(env, &port(env, &s.token.address));
    let transfer_on = |asset: &Address, to: &Address, amount: i128| {
        let (asset, to) = (asset.clone(), to.clone());
        let a = a.clone();
        move |env: &Env| {
            TokenClient::new(env, &port(env, &asset)).transfer(
                &port(env, &a),
                port(env, &to),
                &amount,
            )
        }
    };
    let rows = [
        (
            "Stellar Asset Contract transfer",
            measure(&s.env, transfer_on(&sac, &b, 100)),
        ),
        (
            "plain SEP-41 WASM token transfer",
            measure(&s.env, transfer_on(&plain, &b, 100)),
        ),
        (
            "share-token transfer (existing holder)",
            measure(&s.env, transfer_on(&s.token.address, &b, shares(1))),
        ),
        (
            "share-token transfer (new holder)",
            measure(&s.env, transfer_on(&s.token.address, &c, shares(1))),
        ),
        (
            "share-token mint (paying a top-up)",
            measure(&s.env, |env| share(env).mint(&port(env, &b), &shares(1))),
        ),
        (
            "share-token take_accrued",
            measure(&s.env, |env| {
                share(env).take_accrued(&port(env, &a));
            }),
        ),
    ];
    println!("{}", Cost::HEADER);
    for (label, cost) in &rows {
        println!("{}", cost.row(label));
    }

    let (plain_transfer, transfer) = (&rows[1].1, &rows[2].1);
    // The transfer writes the two holder entries and the sender's auth nonce, like the plain
    // token, and reads one entry more than the SAC: the contract's WASM. No cross-contract call
    // (which would read another contract's instance and code), no global state written.
    assert_eq!(transfer.write_entries, plain_transfer.write_entries);
    assert_eq!(transfer.read_entries, plain_transfer.read_entries);
    assert_eq!(transfer.read_entries, rows[0].1.read_entries + 1);
    let env = fresh(&s.env);
    let keys = written_keys(&env, || {
        token(&env).transfer(&port(&env, &a), port(&env, &b), &shares(1))
    });
    let holder = ScVal::Symbol("Holder".try_into().unwrap());
    let holder_entries = keys
        .iter()
        .filter(|k| matches!(k, LedgerKey::ContractData(d) if matches!(&d.key, ScVal::Vec(Some(v)) if v.first() == Some(&holder))))
        .count();
    assert_eq!((keys.len(), holder_entries), (3, 2), "written: {keys:?}");
    assert_eq!(
        rows[3].1.write_entries, 3,
        "a new holder is one new entry, like a new balance"
    );
    // The mint's top-up is real: the mint reaches the distributor and the reward asset.
    assert!(rows[4].1.write_entries > transfer.write_entries);
}
