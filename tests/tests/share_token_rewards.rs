//! share-token reward streaming end to end, on the compiled WASM, with exact expected numbers.
//!
//! The fixture sells 1 TH/s per whole share (10^7 base units). The distributor is a plain
//! account here so the tests can stream rewards directly with `notify_reward`.
use hashshare_interfaces::{ShareTokenClient, SHARE_UNIT};
use hashshare_tests::{
    fixture::{advance, assert_error, assert_unchanged, wasm, TokenSuite, TH_PER_SHARE},
    measure::{fresh, measure, port, written_keys, Cost},
};
use num_bigint::BigUint;
use share_token::ShareTokenError;
use soroban_sdk::{
    testutils::Address as _,
    token::{StellarAssetClient, TokenClient},
    xdr::{LedgerKey, ScVal},
    Address, Env, String,
};

const DAY: u64 = 86_400;
const YEAR: u64 = 365 * DAY;

/// Whole shares in base units.
fn shares(n: i128) -> i128 {
    n * SHARE_UNIT
}

/// A suite whose oracle attests enough hashrate for `capacity_shares` whole shares.
fn suite(capacity_shares: i128) -> TokenSuite {
    let s = TokenSuite::new(YEAR);
    s.attest(capacity_shares * TH_PER_SHARE, 0);
    s
}

fn holders(s: &TokenSuite, n: usize) -> std::vec::Vec<Address> {
    (0..n).map(|_| Address::generate(&s.env)).collect()
}

#[test]
fn two_holders_share_a_stream_pro_rata_to_the_unit() {
    let s = suite(1_000);
    let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&a, &shares(600));
    s.token.mint(&b, &shares(400));
    s.token.notify_reward(&1_000_000, &1_000);
    assert_eq!((s.token.accrued(&a), s.token.accrued(&b)), (0, 0));
    advance(&s.env, 500);
    assert_eq!(
        (s.token.accrued(&a), s.token.accrued(&b)),
        (300_000, 200_000)
    );
    advance(&s.env, 5_000); // long after the stream ended
    assert_eq!(
        (s.token.accrued(&a), s.token.accrued(&b)),
        (600_000, 400_000)
    );
    assert_eq!(s.token.take_accrued(&a), 600_000);
    assert_eq!(s.token.accrued(&a), 0);
    assert_eq!(s.token.take_accrued(&a), 0, "a second take pays nothing");
    assert_eq!(s.token.accrued(&b), 400_000);
}

#[test]
fn a_transfer_mid_stream_leaves_earned_rewards_with_the_seller() {
    let s = suite(1_000);
    let [a, b, c] = <[Address; 3]>::try_from(holders(&s, 3)).unwrap();
    s.token.mint(&a, &shares(600));
    s.token.mint(&b, &shares(400));
    s.token.notify_reward(&1_000_000, &1_000); // 1 unit per whole share per second
    advance(&s.env, 250);
    s.sep41.transfer(&a, &c, &shares(200));
    assert_eq!(s.token.accrued(&a), 150_000, "earned before the sale stays");
    assert_eq!(s.token.accrued(&c), 0, "the buyer gets nothing from before");
    advance(&s.env, 750);
    assert_eq!(s.token.accrued(&a), 150_000 + 300_000);
    assert_eq!(s.token.accrued(&b), 400_000);
    assert_eq!(s.token.accrued(&c), 150_000);
}

#[test]
fn a_mint_mid_stream_leaves_the_running_stream_to_the_holders_before_it() {
    // The stream pays an epoch that `record` sized for the supply before the mint: the new
    // shares must not dilute it. The mint closes it, crediting its rest at once.
    let s = suite(1_000);
    let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&a, &shares(500));
    s.token.notify_reward(&1_000_000, &1_000);
    advance(&s.env, 500);
    assert_eq!(s.token.accrued(&a), 500_000);
    s.token.mint(&b, &shares(500));
    assert_eq!(
        s.token.accrued(&a),
        1_000_000,
        "the whole stream, at the mint"
    );
    assert_eq!(s.token.accrued(&b), 0);
    advance(&s.env, 500);
    assert_eq!((s.token.accrued(&a), s.token.accrued(&b)), (1_000_000, 0));
    // The next stream is shared by everyone holding during it.
    s.token.notify_reward(&1_000_000, &1_000);
    advance(&s.env, 1_000);
    assert_eq!(s.token.accrued(&a), 1_500_000);
    assert_eq!(s.token.accrued(&b), 500_000);
}

#[test]
fn a_burn_mid_stream_rounds_the_remaining_holders_down_and_loses_at_most_dust() {
    let s = suite(1_000);
    let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&a, &shares(500));
    s.token.mint(&b, &shares(500));
    s.token.notify_reward(&1_000_000, &1_000);
    advance(&s.env, 500);
    s.sep41.burn(&b, &shares(250));
    assert_eq!(s.token.total_supply(), shares(750));
    assert_eq!(
        (s.token.accrued(&a), s.token.accrued(&b)),
        (250_000, 250_000)
    );
    advance(&s.env, 500);
    // Second half: 500_000 over 750 shares: a holds 2/3, b 1/3, each rounded down.
    assert_eq!(s.token.accrued(&a), 250_000 + 333_333);
    assert_eq!(s.token.accrued(&b), 250_000 + 166_666);
    // One base unit of dust stays in the books: never paid, never owed.
}

#[test]
fn rewards_streamed_while_nobody_holds_shares_are_carried_not_lost() {
    let s = suite(1_000);
    let a = Address::generate(&s.env);
    s.token.notify_reward(&1_000, &100); // supply is 0
    advance(&s.env, 50);
    // Half streamed into the void; the mint closes the stream, carrying the other half too.
    s.token.mint(&a, &shares(10));
    advance(&s.env, 50);
    assert_eq!(
        s.token.accrued(&a),
        0,
        "a stream that began with no holder is carried"
    );
    s.token.notify_reward(&1_000, &100); // the carried 1,000 joins this stream
    advance(&s.env, 100);
    assert_eq!(s.token.accrued(&a), 1_000 + 1_000);

    // A whole stream with no supply at all, then a holder and a new stream.
    let s = suite(1_000);
    let a = Address::generate(&s.env);
    s.token.notify_reward(&777, &10);
    advance(&s.env, 1_000);
    s.token.mint(&a, &shares(5));
    assert_eq!(s.token.accrued(&a), 0);
    s.token.notify_reward(&223, &10);
    advance(&s.env, 10);
    assert_eq!(s.token.accrued(&a), 1_000);
}

#[test]
fn a_stream_ends_at_maturity_at_the_latest() {
    let s = TokenSuite::new(3 * DAY);
    s.attest(100 * TH_PER_SHARE, 0); // now: 1 day + 1 hour in
    let a = Address::generate(&s.env);
    s.token.mint(&a, &shares(100));
    // Align the stream on a round number of seconds before maturity.
    advance(
        &s.env,
        s.token.maturity() - s.env.ledger().timestamp() - 100_000,
    );
    s.token.notify_reward(&1_000_000, &(10 * DAY));
    advance(&s.env, 50_000);
    assert_eq!(s.token.accrued(&a), 500_000);
    advance(&s.env, 50_000);
    assert_eq!(s.token.accrued(&a), 1_000_000, "fully paid out at maturity");
    advance(&s.env, DAY);
    assert_eq!(
        s.token.accrued(&a),
        1_000_000,
        "and nothing streams after it"
    );
}

#[test]
fn a_deposit_after_maturity_is_credited_at_once_to_the_holders_of_that_moment() {
    let s = TokenSuite::new(2 * DAY);
    s.attest(100 * TH_PER_SHARE, 0);
    let [a, b, c] = <[Address; 3]>::try_from(holders(&s, 3)).unwrap();
    s.token.mint(&a, &shares(60));
    s.token.mint(&b, &shares(40));
    advance(&s.env, s.token.maturity() - s.env.ledger().timestamp());
    s.token.notify_reward(&1_000, &DAY); // arrears of an earlier epoch
    assert_eq!((s.token.accrued(&a), s.token.accrued(&b)), (600, 400));
    s.sep41.transfer(&a, &c, &shares(60));
    advance(&s.env, DAY);
    assert_eq!(s.token.accrued(&a), 600);
    assert_eq!(s.token.accrued(&c), 0);
    assert_error(s.token.try_mint(&a, &1), ShareTokenError::Matured);
}

#[test]
fn a_buyer_holding_for_ten_percent_of_a_stream_gets_ten_percent_of_its_share() {
    let s = suite(1_000);
    let [seller, buyer] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    s.token.mint(&seller, &shares(1_000));
    s.token.notify_reward(&987_654_321, &DAY);
    advance(&s.env, DAY / 2 - 4_320); // buys just before the middle of the stream
    s.sep41.transfer(&seller, &buyer, &shares(100));
    advance(&s.env, 8_640); // holds for 10% of the stream
    s.sep41.transfer(&buyer, &seller, &shares(100));
    advance(&s.env, DAY);
    // 100 of 1,000 shares for 10% of the time: 1% of the stream.
    let fair = 987_654_321 / 100;
    let got = s.token.accrued(&buyer);
    assert!(
        (fair - 1..=fair).contains(&got),
        "buyer got {got}, fair share {fair}"
    );
    let seller_got = s.token.accrued(&seller);
    assert!(seller_got + got <= 987_654_321 && seller_got + got >= 987_654_321 - 2);
}

/// Exact reference: what a holder of `balance` out of `supply` earns when `elapsed` of
/// `duration` seconds of a stream of `amount` have passed, computed with unbounded integers
/// the way the contract rounds: a rate floored to whole index units per second, then the
/// holder's share floored.
fn reference_accrual(
    amount: u128,
    elapsed: u64,
    duration: u64,
    supply: u128,
    balance: u128,
) -> u128 {
    let scale = BigUint::from(share_token::SCALE);
    let rate = BigUint::from(amount) * &scale / (BigUint::from(supply) * BigUint::from(duration));
    let index = rate * BigUint::from(elapsed);
    let earned = index * BigUint::from(balance) / scale;
    u128::try_from(earned).unwrap()
}

/// The exact pro-rata amount, with no rounding but the final floor.
fn exact_share(amount: u128, elapsed: u64, duration: u64, supply: u128, balance: u128) -> u128 {
    let num = BigUint::from(amount) * BigUint::from(elapsed) * BigUint::from(balance);
    u128::try_from(num / (BigUint::from(duration) * BigUint::from(supply))).unwrap()
}

#[test]
fn supply_and_rewards_up_to_i64_max_neither_overflow_nor_misround() {
    let max = i128::from(i64::MAX);
    // Capacity for i64::MAX base units of shares: i64::MAX * 10^12 / 10^7 H/s, rounded up.
    let s = TokenSuite::new(YEAR);
    s.attest((max * TH_PER_SHARE + SHARE_UNIT - 1) / SHARE_UNIT, 0);
    let [a, b] = <[Address; 2]>::try_from(holders(&s, 2)).unwrap();
    let small = 12_345_678_901;
    s.token.mint(&a, &(max - small));
    s.token.mint(&b, &small);
    assert_eq!(s.token.total_supply(), max);
    assert_error(s.token.try_mint(&b, &1), ShareTokenError::CapacityExceeded);

    // A reward that does not divide evenly by the supply, so every rounding step matters.
    let reward = max - 777;
    s.token.notify_reward(&reward, &1_000);
    for (elapsed, step) in [(333u64, 333u64), (1_000, 667)] {
        advance(&s.env, step);
        for (holder, balance) in [(&a, max - small), (&b, small)] {
            let (amount, supply, balance) = (reward as u128, max as u128, balance as u128);
            let got = s.token.accrued(holder) as u128;
            let expected = reference_accrual(amount, elapsed, 1_000, supply, balance);
            assert_eq!(got, expected, "after {elapsed} s");
            // Never more than the exact pro-rata share; short of it by less than the rate's
            // rounding (under one index unit a second) plus the final floor.
            let exact = exact_share(amount, elapsed, 1_000, supply, balance);
            let bound = (u128::from(elapsed) * balance).div_ceil(share_token::SCALE) + 1;
            assert!(
                got <= exact && exact - got <= bound,
                "{got} vs exact {exact}"
            );
        }
    }
    // What rounding held back (at most one index unit a second over the supply) is not lost:
    // it stays unstreamed and joins the next stream.
    let total = s.token.accrued(&a) + s.token.accrued(&b);
    let held_back = 1_000 * max / share_token::SCALE as i128 + 2;
    assert!(
        total <= reward && reward - total <= held_back,
        "paid {total} of {reward}"
    );
    assert_eq!(s.token.take_accrued(&a) + s.token.take_accrued(&b), total);
}

#[test]
fn the_wrapping_index_stays_exact_far_beyond_128_bits_of_cumulative_rewards() {
    let s = suite(1);
    let a = Address::generate(&s.env);
    s.token.mint(&a, &1); // one base unit: every reward unit moves the index by 10^18
    let max = i128::from(i64::MAX);
    for _ in 0..40 {
        // 40 * i64::MAX * 10^18 is about 2^191: the index wraps u128 many times.
        s.token.notify_reward(&max, &0);
        assert_eq!(s.token.take_accrued(&a), max);
    }
}

#[test]
fn reward_amounts_are_checked() {
    let s = suite(10);
    assert_error(
        s.token.try_notify_reward(&0, &10),
        ShareTokenError::InvalidAmount,
    );
    assert_error(
        s.token.try_notify_reward(&-5, &10),
        ShareTokenError::InvalidAmount,
    );
    // Streams beyond what any asset can hold: a typed error, and nothing changes.
    let a = Address::generate(&s.env);
    s.token.mint(&a, &1);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_notify_reward(&i128::MAX, &10),
            ShareTokenError::Overflow,
        )
    });
    // With no supply, rewards are carried; a carry beyond i128 is refused the same way.
    let s = suite(10);
    s.token.notify_reward(&(i128::MAX / 2), &0);
    assert_unchanged(&s.env, || {
        assert_error(
            s.token.try_notify_reward(&(i128::MAX / 2 + 2), &0),
            ShareTokenError::Overflow,
        )
    });
}

/// Costs on the WASM, each call in a fresh Env loaded from the snapshot, next to the Stellar
/// Asset Contract's transfer and a plain SEP-41 WASM token's, measured in the same run.
#[test]
fn share_token_costs_next_to_the_stellar_asset_contract_and_a_plain_token() {
    let s = suite(2_000);
    let [a, b, c] = <[Address; 3]>::try_from(holders(&s, 3)).unwrap();
    s.token.mint(&a, &shares(600));
    s.token.mint(&b, &shares(400));
    s.token.notify_reward(&1_000_000, &DAY); // a live stream: transfers settle real rewards
    advance(&s.env, 3_600);
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
            "share-token mint",
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
}
