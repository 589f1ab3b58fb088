//! A year of an offering, end to end on the WASM of all three contracts, with a Stellar Asset
//! Contract as the reward asset: daily epochs with varying hashrate and rewards, a rig outage,
//! a late report, a disputed report, an under-paid epoch caught up later, shares minted to
//! many investors, traded and partly burnt, claims at random times, maturity, and the arrears
//! paid after it. The books are checked every day.
use hashshare_interfaces::{PoolConfig, SHARE_UNIT};
use hashshare_tests::fixture::{advance, assert_error, Suite, TH_PER_SHARE};
use payout_distributor::DistributorError;
use soroban_sdk::{testutils::Address as _, Address, Vec};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const YEAR_DAYS: u64 = 365;
const INVESTORS: usize = 12;
const OUTAGE: std::ops::Range<u64> = 100..105;
const DISPUTED: u64 = 150;
const LATE: u64 = 200;
const UNDERPAID: u64 = 250;
const CAUGHT_UP_ON: u64 = 260;
const FEE_BPS: i128 = 300;
/// The last epochs, whose debt the operator only pays after maturity.
const PAID_LATE: std::ops::Range<u64> = YEAR_DAYS - 3..YEAR_DAYS;

/// A deterministic pseudo-random sequence (xorshift), so the year is the same on every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Year {
    s: Suite,
    config: PoolConfig,
    investors: std::vec::Vec<Address>,
    claimed: i128,
}

impl Year {
    fn reporter(&self, i: u32) -> Address {
        self.config.reporters.get(i).expect("listed reporter")
    }

    /// Reporters 0..3 attest `epoch`; with `wild`, reporter 0 reports nonsense, which the
    /// median ignores.
    fn attest(&self, epoch: u64, hashrate: i128, reward: i128, wild: bool) {
        for i in 0..self.config.quorum {
            let (h, r) = if wild && i == 0 {
                (hashrate * 1_000, reward * 1_000)
            } else if hashrate == 0 {
                (0, 0) // an outage: every honest reporter sees nothing
            } else {
                (hashrate + i128::from(i), reward + i128::from(i))
            };
            self.s
                .oracle
                .submit(&self.reporter(i), &self.s.pool, &epoch, &h, &r);
        }
    }

    /// What the distributor holds must be exactly deposits less fees less claims, cover every
    /// investor's claimable, and the fee recipient must hold exactly the fees.
    fn check_books(&self) {
        let d = &self.s.distributor;
        let held = self.s.reward.balance(&d.address);
        let (deposited, fees) = d.totals();
        assert_eq!(deposited, fees + self.claimed + held, "conservation");
        assert_eq!(self.s.reward.balance(&self.s.fee_recipient), fees);
        let claimable: i128 = self.investors.iter().map(|i| d.claimable(i)).sum();
        assert!(claimable <= held, "claimable {claimable} > held {held}");
    }

    fn claim(&mut self, investor: usize) {
        let who = &self.investors[investor];
        let before = self.s.reward.balance(who);
        let paid = self.s.distributor.claim(who);
        assert_eq!(self.s.reward.balance(who), before + paid);
        assert_eq!(
            self.s.distributor.claim(who),
            0,
            "a second claim pays nothing"
        );
        self.claimed += paid;
    }
}

/// The hashrate (H/s) the rigs deliver on `day`: around 1,000 TH/s, nothing during the outage.
fn hashrate(day: u64, dice: &mut Dice) -> i128 {
    if OUTAGE.contains(&day) {
        return 0;
    }
    (950 + dice.below(100) as i128) * TH_PER_SHARE
}

/// Net reward of `day` in satoshi-like base units: proportional to the hashrate, with noise.
fn reward(hashrate: i128, dice: &mut Dice) -> i128 {
    hashrate / TH_PER_SHARE * (40_000 + dice.below(5_000) as i128)
}

#[test]
fn a_year_of_mining_paid_out_to_investors_to_the_last_unit() {
    let mut dice = Dice(0x5eed_cafe_f00d_d00d);
    let s = Suite::new(YEAR_DAYS * DAY, FEE_BPS as u32, i128::from(i64::MAX));
    // Five reporters, three needed, from the start.
    let mut config = s.pool_config.clone();
    let reporters: std::vec::Vec<Address> = (0..5).map(|_| Address::generate(&s.env)).collect();
    config.reporters = Vec::from_slice(&s.env, &reporters);
    config.quorum = 3;
    s.oracle.update_pool(&s.pool, &config);
    let investors = (0..INVESTORS).map(|_| Address::generate(&s.env)).collect();
    let mut y = Year {
        s,
        config,
        investors,
        claimed: 0,
    };
    let maturity = y.s.token.maturity();

    // Day 0's epoch is attested on day 1; the operator sells 690 of its ~1,000 TH/s.
    advance(&y.s.env, DAY);
    y.attest(0, 1_000 * TH_PER_SHARE, 40_000_000, false);
    advance(&y.s.env, HOUR);
    for (i, investor) in y.investors.iter().enumerate() {
        y.s.token
            .mint(investor, &((30 + 5 * i as i128) * SHARE_UNIT));
    }
    let sold_shares: i128 = (0..INVESTORS as i128).map(|i| 30 + 5 * i).sum();
    assert_eq!(sold_shares, 690);
    assert_eq!(y.s.token.total_supply(), sold_shares * SHARE_UNIT);

    let mut owed_total = 0;
    let mut burnt = 0;
    for day in 1..YEAR_DAYS {
        // Epoch `day` has just ended (we are an hour into the next one).
        advance(&y.s.env, DAY - HOUR);
        let (h, r) = {
            let h = hashrate(day, &mut dice);
            (h, reward(h, &mut dice))
        };
        match day {
            LATE => {} // reported three days late, below
            DISPUTED => {
                // A wrong report is finalized, disputed inside its window, then corrected.
                y.attest(day, h * 10, r * 10, false);
                y.s.oracle.dispute(&y.s.pool, &day);
                y.attest(day, h, r, false);
            }
            _ => y.attest(day, h, r, day % 17 == 0),
        }
        if day == LATE + 3 {
            let h = hashrate(LATE, &mut dice);
            y.attest(LATE, h, reward(h, &mut dice), false);
        }
        advance(&y.s.env, HOUR);

        // The operator pays the day's debt (and the late one when it becomes effective).
        let mut to_pay = std::vec![day];
        if day == LATE + 3 {
            to_pay.push(LATE);
        }
        for epoch in to_pay.into_iter().filter(|&e| e != LATE || day == LATE + 3) {
            let payout = y.s.distributor.record(&epoch);
            owed_total += payout.owed;
            if OUTAGE.contains(&epoch) {
                assert_eq!(payout.owed, 0, "an outage owes nothing");
                continue;
            }
            if PAID_LATE.contains(&epoch) {
                continue;
            }
            let amount = if epoch == UNDERPAID {
                payout.owed / 2
            } else {
                payout.owed
            };
            y.s.distributor.deposit(&y.s.operator, &epoch, &amount);
        }
        if day == UNDERPAID {
            let missing = y.s.distributor.epoch(&UNDERPAID).map(|p| p.owed - p.paid);
            assert_eq!(y.s.distributor.arrears(), missing.unwrap_or_default());
        }
        if day == CAUGHT_UP_ON {
            let p = y.s.distributor.epoch(&UNDERPAID).expect("recorded");
            y.s.distributor
                .deposit(&y.s.operator, &UNDERPAID, &(p.owed - p.paid));
            assert_eq!(y.s.distributor.arrears(), 0, "caught up");
        }

        // Investors trade, sometimes burn, and claim at random times.
        for _ in 0..2 {
            let (a, b) = (
                dice.below(INVESTORS as u64) as usize,
                dice.below(INVESTORS as u64) as usize,
            );
            let balance = y.s.sep41.balance(&y.investors[a]);
            if a != b && balance > 0 {
                let amount = 1 + (dice.next() as i128).rem_euclid(balance);
                y.s.sep41
                    .transfer(&y.investors[a], &y.investors[b], &amount);
            }
        }
        if day % 45 == 0 {
            let who = dice.below(INVESTORS as u64) as usize;
            let amount = y.s.sep41.balance(&y.investors[who]) / 4;
            if amount > 0 {
                y.s.sep41.burn(&y.investors[who], &amount);
                burnt += amount;
            }
        }
        if dice.below(3) == 0 {
            let who = dice.below(INVESTORS as u64) as usize;
            y.claim(who);
        }
        if day % 30 == 0 {
            y.check_books();
        }
    }

    // Maturity: the last epoch ends exactly at maturity (an hour ago). The next one starts at
    // maturity and owes these shares nothing.
    assert!(y.s.env.ledger().timestamp() >= maturity);
    assert_eq!(y.s.token.total_supply(), sold_shares * SHARE_UNIT - burnt);
    let supply: i128 = y.investors.iter().map(|i| y.s.sep41.balance(i)).sum();
    assert_eq!(supply, y.s.token.total_supply());
    advance(&y.s.env, DAY - HOUR);
    y.attest(YEAR_DAYS, 1_000 * TH_PER_SHARE, 1, false);
    advance(&y.s.env, HOUR);
    assert_error(
        y.s.distributor.try_record(&YEAR_DAYS),
        DistributorError::EpochAfterMaturity,
    );

    // The last epochs' debt, paid after maturity: credited at once to the holders of this
    // moment, with no stream left to wait for.
    let late: i128 = PAID_LATE
        .map(|e| y.s.distributor.epoch(&e).expect("recorded").owed)
        .sum();
    assert!(late > 0);
    assert_eq!(y.s.distributor.arrears(), late);
    let claimable_before: i128 = y
        .investors
        .iter()
        .map(|i| y.s.distributor.claimable(i))
        .sum();
    for epoch in PAID_LATE {
        let owed = y.s.distributor.epoch(&epoch).expect("recorded").owed;
        y.s.distributor.deposit(&y.s.operator, &epoch, &owed);
    }
    assert_eq!(y.s.distributor.arrears(), 0);
    let claimable_after: i128 = y
        .investors
        .iter()
        .map(|i| y.s.distributor.claimable(i))
        .sum();
    // What the deposits net of fees brought, give or take rounding: the fractions of a unit
    // holders carried tip over, and earlier streams' rounding leftovers join this credit.
    let net = late - late * FEE_BPS / 10_000;
    let credited = claimable_after - claimable_before;
    assert!(
        (credited - net).abs() <= 3 * INVESTORS as i128 + 3,
        "credited {credited} of {net} at once"
    );

    // Everyone claims what is left; what stays behind is rounding dust only.
    for i in 0..INVESTORS {
        y.claim(i);
    }
    y.check_books();
    let (deposited, fees) = y.s.distributor.totals();
    assert_eq!(deposited, owed_total, "every epoch paid in full");
    // Each deposit's fee is rounded down on its own.
    assert!(fees <= deposited * FEE_BPS / 10_000);
    assert!(fees >= deposited * FEE_BPS / 10_000 - YEAR_DAYS as i128);
    let held = y.s.reward.balance(&y.s.distributor.address);
    assert!(
        held < (YEAR_DAYS as i128 + 2) * (INVESTORS as i128 + 2),
        "dust left behind: {held} of {deposited}"
    );
}
