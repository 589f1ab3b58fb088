//! A year of an offering, end to end on the WASM of all three contracts, with a Stellar Asset
//! Contract as the reward asset: daily epochs on a pool whose capacity is the lowest hashrate
//! of 7 consecutive epochs (so minting starts after a week of attestations), varying hashrate
//! and rewards, a rig outage that lowers the sustained capacity for 7 epochs, a late report
//! from a quorum only (two reporters silent), closed by `finalize`, a disputed report, an
//! epoch nobody reports closed as missed after its deadline, an
//! under-paid epoch caught up later, shares minted to many investors and more minted
//! mid-stream (paying top-ups grossed up by the fee), traded, partly burnt, claims at random
//! times, fees withdrawn along the way, maturity, and the arrears paid after it. Every epoch
//! but the late one is attested by all five reporters, which finalizes it at once.
//!
//! The test keeps its own model of everything the contracts compute — the supply integral of
//! every epoch, the median of every report, the sustained capacity, what each epoch owes and
//! what each deposit takes, its top-up and its fee — and checks the contracts against it every
//! day; the books are checked every ten days and at the end.
use std::collections::BTreeMap;

use hashshare_interfaces::SHARE_UNIT;
use hashshare_tests::fixture::{advance, assert_error, Suite, TH_PER_SHARE};
use payout_distributor::{DistributorError, Missed, TopUpCollected};
use share_token::ShareTokenError;
use soroban_sdk::{
    testutils::{Address as _, Events as _},
    Address, Event,
};

const DAY: u64 = 86_400;
const HOUR: u64 = 3_600;
const YEAR_DAYS: u64 = 365;
const INVESTORS: usize = 12;
const WINDOW: u64 = 7;
/// Rigs down for most of the day: the epoch is reported at 300 TH/s.
const OUTAGE: u64 = 100;
const DISPUTED: u64 = 150;
/// Reported late by a quorum only (with epoch 201), and finalized by `finalize` a day later
/// (with epoch 202), two days late.
const LATE: u64 = 200;
/// Never reported: closed as missed once its deadline (two epochs) has passed.
const MISSED: u64 = 250;
const UNDERPAID: u64 = 280;
const CAUGHT_UP_IN: u64 = 290;
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

/// A report as the oracle finalizes it: the medians, and when it becomes effective.
#[derive(Clone, Copy)]
struct Report {
    hashrate: i128,
    reward: i128,
    effective_at: u64,
}

/// The books as the test expects them.
#[derive(Default)]
struct Books {
    deposited: i128,
    topups: i128,
    fees: i128,
    fees_withdrawn: i128,
    claimed: i128,
}

struct Year {
    s: Suite,
    dice: Dice,
    investors: Vec<Address>,
    /// Every supply change: `(moment, supply after it)`, from 0 at genesis.
    supply_changes: Vec<(u64, i128)>,
    reports: BTreeMap<u64, Report>,
    /// The medians of rounds submitted but not finalized yet.
    pending: BTreeMap<u64, (i128, i128)>,
    /// `owed - paid` of every recorded epoch.
    outstanding: BTreeMap<u64, i128>,
    owed_total: i128,
    books: Books,
    mint_topups: i128,
}

impl Year {
    fn start_of(&self, epoch: u64) -> u64 {
        self.s.pool_config.genesis + epoch * DAY
    }

    fn now(&self) -> u64 {
        self.s.env.ledger().timestamp()
    }

    fn advance_to(&self, moment: u64) {
        assert!(moment >= self.now());
        advance(&self.s.env, moment - self.now());
    }

    fn supply(&self) -> i128 {
        self.supply_changes.last().map_or(0, |(_, supply)| *supply)
    }

    /// The supply integrated over `epoch` (base units × seconds).
    fn supply_seconds(&self, epoch: u64) -> i128 {
        let (start, end) = (self.start_of(epoch), self.start_of(epoch + 1));
        let mut total = 0;
        let mut supply = 0;
        let mut since = start;
        for &(moment, after) in &self.supply_changes {
            if moment >= end {
                break;
            }
            if moment > since {
                total += supply * i128::from(moment - since);
                since = moment;
            }
            supply = after;
        }
        total + supply * i128::from(end - since)
    }

    /// Every reporter `i` of the five attests `epoch` with `hashrate + i` and `reward + i`,
    /// which completes the round and finalizes it; with `wild`, reporter 0 reports a thousand
    /// times more, which the median ignores. Returns the median.
    fn attest(&mut self, epoch: u64, hashrate: i128, reward: i128, wild: bool) -> Report {
        let reporters = self.s.pool_config.reporters.len();
        self.submit(epoch, reporters, hashrate, reward, wild);
        self.finalized(epoch)
    }

    /// Reporters `0..n` submit `epoch`'s values as [`Year::attest`] describes; their medians
    /// wait in `pending` until the round is finalized.
    fn submit(&mut self, epoch: u64, n: u32, hashrate: i128, reward: i128, wild: bool) {
        let c = &self.s.pool_config;
        let mut submitted = Vec::new();
        for i in 0..n {
            let (h, r) = if wild && i == 0 {
                (hashrate * 1_000, reward * 1_000)
            } else {
                (hashrate + i128::from(i), reward + i128::from(i))
            };
            let reporter = c.reporters.get(i).expect("listed reporter");
            self.s
                .oracle
                .submit(&reporter, &self.s.pool, &epoch, &h, &r);
            submitted.push((h, r));
        }
        let median = |mut values: Vec<i128>| {
            values.sort();
            values[(values.len() - 1) / 2]
        };
        let medians = (
            median(submitted.iter().map(|v| v.0).collect()),
            median(submitted.iter().map(|v| v.1).collect()),
        );
        self.pending.insert(epoch, medians);
    }

    /// The round of `epoch` was finalized now: its report is effective a dispute window later.
    fn finalized(&mut self, epoch: u64) -> Report {
        let (hashrate, reward) = self.pending.remove(&epoch).expect("a round in");
        let report = Report {
            hashrate,
            reward,
            effective_at: self.now() + self.s.pool_config.dispute_seconds,
        };
        self.reports.insert(epoch, report);
        report
    }

    /// The sustained capacity the oracle must report now: the lowest hashrate of the 7
    /// consecutive epochs ending at the latest effective one, if all are effective and the
    /// latest is at most two epochs behind.
    fn expected_capacity(&self) -> i128 {
        let now = self.now();
        let current = (now - self.s.pool_config.genesis) / DAY;
        let effective = |e: &u64| self.reports.get(e).is_some_and(|r| r.effective_at <= now);
        let Some(&latest) = self.reports.keys().rev().find(|e| effective(e)) else {
            return 0;
        };
        if latest + 1 < WINDOW || current - latest > 2 {
            return 0;
        }
        let window = latest + 1 - WINDOW..=latest;
        if !window.clone().all(|e| effective(&e)) {
            return 0;
        }
        window.map(|e| self.reports[&e].hashrate).min().expect("7")
    }

    /// What `epoch` owes: its reward times the time-weighted hashrate sold, capped by the
    /// hashrate delivered; 0 when nothing was sold, or when it has no report.
    fn expected_owed(&self, epoch: u64) -> i128 {
        let supply_seconds = self.supply_seconds(epoch);
        match self.reports.get(&epoch) {
            Some(r) if supply_seconds > 0 && r.effective_at <= self.now() => {
                let sold = supply_seconds * TH_PER_SHARE / (SHARE_UNIT * i128::from(DAY));
                r.reward * sold.min(r.hashrate) / r.hashrate
            }
            _ => 0,
        }
    }

    /// What paying `outstanding` of `epoch`'s debt costs now: each unit costs the supply now
    /// over the epoch's average supply, when it is higher.
    fn expected_due(&self, epoch: u64, outstanding: i128) -> i128 {
        let entitled = self.supply_seconds(epoch);
        let present = self.supply() * i128::from(DAY);
        if present <= entitled {
            outstanding
        } else {
            (outstanding * present + entitled - 1) / entitled
        }
    }

    /// Records every epoch up to `epoch` that can be, checking each against the model, and pays
    /// what the schedule says. Stops at the first epoch whose report is not effective yet.
    fn record_and_pay(&mut self, epoch: u64) {
        while self.s.distributor.next_epoch() <= epoch {
            let next = self.s.distributor.next_epoch();
            let result = self.s.distributor.try_record(&next);
            let payout = match result {
                Ok(Ok(payout)) => payout,
                Err(Ok(e)) if e == DistributorError::ReportNotEffective.into() => {
                    assert!(next == LATE || next == MISSED, "epoch {next} not effective");
                    return;
                }
                other => panic!("record({next}): {other:?}"),
            };
            let supply_seconds = self.supply_seconds(next);
            assert_eq!(payout.supply_seconds, supply_seconds, "epoch {next}");
            assert_eq!(payout.owed, self.expected_owed(next), "epoch {next}");
            assert_eq!(payout.paid, 0);
            if next == MISSED {
                assert!(!payout.reported && supply_seconds > 0);
                let missed = Missed {
                    epoch: next,
                    supply_seconds,
                };
                let events = self
                    .s
                    .env
                    .events()
                    .all()
                    .filter_by_contract(&self.s.distributor.address);
                assert_eq!(
                    events,
                    [missed.to_xdr(&self.s.env, &self.s.distributor.address)]
                );
            } else {
                assert_eq!(payout.reported, supply_seconds > 0, "epoch {next}");
            }
            if next == OUTAGE {
                // ~700 TH/s sold of the 300 delivered: the whole reward is owed.
                assert_eq!(payout.owed, self.reports[&OUTAGE].reward);
            }
            self.owed_total += payout.owed;
            self.outstanding.insert(next, payout.owed);
            if payout.owed == 0 {
                assert_error(
                    self.s.distributor.try_deposit(&self.s.operator, &next, &1),
                    DistributorError::NothingOwed,
                );
                continue;
            }
            if PAID_LATE.contains(&next) {
                continue;
            }
            if next == UNDERPAID {
                let due = self.s.distributor.due(&next);
                self.deposit(next, due / 2);
            } else {
                self.pay_in_full(next);
            }
        }
    }

    /// Deposits `amount` towards `epoch`, checking what it takes, what it pays of the debt,
    /// its top-up and its fee against the model.
    fn deposit(&mut self, epoch: u64, amount: i128) {
        let outstanding = self.outstanding[&epoch];
        let due = self.expected_due(epoch, outstanding);
        assert_eq!(self.s.distributor.due(&epoch), due, "due({epoch})");
        let (entitled, present) = (self.supply_seconds(epoch), self.supply() * i128::from(DAY));
        let (used, debt) = if amount >= due {
            (due, outstanding)
        } else if present <= entitled {
            (amount, amount)
        } else {
            (amount, amount * entitled / present)
        };
        let fee = used * FEE_BPS / 10_000;
        let before = self.s.distributor.epoch(&epoch).expect("recorded");
        let operator_before = self.s.reward.balance(&self.s.operator);
        self.s
            .distributor
            .deposit(&self.s.operator, &epoch, &amount);
        assert_eq!(
            operator_before - self.s.reward.balance(&self.s.operator),
            used,
            "only what the debt needs is taken"
        );
        let after = self.s.distributor.epoch(&epoch).expect("recorded");
        assert_eq!(after.paid - before.paid, debt);
        assert_eq!(after.topup - before.topup, used - debt);
        assert_eq!(after.fee - before.fee, fee);
        self.outstanding.insert(epoch, outstanding - debt);
        self.books.deposited += used;
        self.books.topups += used - debt;
        self.books.fees += fee;
    }

    /// Pays all of `epoch`'s debt, offering a little more than it costs now: the rest stays
    /// with the operator.
    fn pay_in_full(&mut self, epoch: u64) {
        let due = self.s.distributor.due(&epoch);
        self.deposit(epoch, due + 1_000);
        assert_eq!(self.outstanding[&epoch], 0);
        assert_eq!(self.s.distributor.due(&epoch), 0);
    }

    /// Mints `amount` to `to` if the sustained capacity allows it (checking the top-up paid
    /// for the running streams: grossed up by the fee, which accrues), and checks the refusal
    /// otherwise. Returns whether it minted.
    fn mint(&mut self, to: usize, amount: i128) -> bool {
        let capacity = self.expected_capacity();
        assert_eq!(self.s.oracle.capacity(&self.s.pool), capacity);
        let who = self.investors[to].clone();
        if (self.supply() + amount) * TH_PER_SHARE > capacity * SHARE_UNIT {
            assert_error(
                self.s.token.try_mint(&who, &amount),
                ShareTokenError::CapacityExceeded,
            );
            return false;
        }
        let before = self.s.reward.balance(&self.s.operator);
        let fees_before = self.s.distributor.totals().fees;
        self.s.token.mint(&who, &amount);
        let events = self
            .s
            .env
            .events()
            .all()
            .filter_by_contract(&self.s.distributor.address);
        let gross = before - self.s.reward.balance(&self.s.operator);
        let fee = self.s.distributor.totals().fees - fees_before;
        if gross == 0 {
            assert_eq!(events.events().len(), 0, "no stream ran: no top-up");
            assert_eq!(fee, 0);
        } else {
            // The streams get `topup`; the operator pays it grossed up by the fee.
            let collected = TopUpCollected {
                from: self.s.operator.clone(),
                amount: gross,
                fee,
            };
            assert_eq!(
                events,
                [collected.to_xdr(&self.s.env, &self.s.distributor.address)]
            );
            // The least amount that leaves the top-up after a deposit's fee on it.
            let topup = gross - fee;
            let deposit_fee = |amount: i128| amount * FEE_BPS / 10_000;
            assert_eq!(fee, deposit_fee(gross), "a deposit's fee");
            assert!(
                gross - 1 - deposit_fee(gross - 1) < topup,
                "the least that leaves it"
            );
            self.books.fees += fee;
        }
        self.mint_topups += gross;
        self.books.deposited += gross;
        self.books.topups += gross;
        self.supply_changes
            .push((self.now(), self.supply() + amount));
        true
    }

    fn burn(&mut self, who: usize, amount: i128) {
        self.s.sep41.burn(&self.investors[who], &amount);
        self.supply_changes
            .push((self.now(), self.supply() - amount));
    }

    fn claim(&mut self, investor: usize) {
        let who = &self.investors[investor];
        let before = self.s.reward.balance(who);
        let claimable = self.s.distributor.claimable(who);
        let paid = self.s.distributor.claim(who);
        assert_eq!(paid, claimable);
        assert_eq!(self.s.reward.balance(who), before + paid);
        assert_eq!(
            self.s.distributor.claim(who),
            0,
            "a second claim pays nothing"
        );
        self.books.claimed += paid;
    }

    fn withdraw_fees(&mut self) {
        let recipient = self.s.distributor.fee_recipient();
        let before = self.s.reward.balance(&recipient);
        let amount = self.s.distributor.withdraw_fees();
        assert_eq!(amount, self.books.fees - self.books.fees_withdrawn);
        assert_eq!(self.s.reward.balance(&recipient), before + amount);
        self.books.fees_withdrawn += amount;
    }

    /// The arrears and the books are the model's; the supply is the sum of the balances.
    fn check_daily(&self) {
        let d = &self.s.distributor;
        assert_eq!(d.arrears(), self.outstanding.values().sum::<i128>());
        let totals = d.totals();
        assert_eq!(
            (
                totals.deposited,
                totals.topups,
                totals.fees,
                totals.fees_withdrawn
            ),
            (
                self.books.deposited,
                self.books.topups,
                self.books.fees,
                self.books.fees_withdrawn
            )
        );
        assert_eq!(self.s.token.total_supply(), self.supply());
    }

    /// The books close: everything received was claimed, withdrawn as fees or is held, and
    /// what is held covers every claimable reward and the fees not yet withdrawn.
    fn check_books(&self) {
        self.check_daily();
        let d = &self.s.distributor;
        let held = self.s.reward.balance(&d.address);
        let totals = d.totals();
        assert_eq!(
            self.books.claimed,
            totals.deposited - totals.fees_withdrawn - held,
            "conservation"
        );
        let claimable: i128 = self.investors.iter().map(|i| d.claimable(i)).sum();
        let fees_due = totals.fees - totals.fees_withdrawn;
        assert!(
            claimable + fees_due <= held,
            "claimable {claimable} and fees {fees_due} > held {held}"
        );
        let balances: i128 = self.investors.iter().map(|i| self.s.sep41.balance(i)).sum();
        assert_eq!(balances, self.s.token.total_supply());
    }
}

/// The hashrate (H/s) the rigs deliver on a day: around 1,000 TH/s, 300 TH/s in the outage.
fn hashrate(epoch: u64, dice: &mut Dice) -> i128 {
    if epoch == OUTAGE {
        return 300 * TH_PER_SHARE;
    }
    (950 + dice.below(100) as i128) * TH_PER_SHARE
}

/// Net reward of a day in satoshi-like base units: proportional to the hashrate, with noise.
fn reward(hashrate: i128, dice: &mut Dice) -> i128 {
    hashrate / TH_PER_SHARE * (40_000 + dice.below(5_000) as i128)
}

#[test]
fn a_year_of_mining_paid_out_to_investors_to_the_last_unit() {
    let s = Suite::configured(
        YEAR_DAYS * DAY,
        FEE_BPS as u32,
        i128::from(i64::MAX),
        TH_PER_SHARE,
        |c| c.capacity_epochs = WINDOW as u32,
    );
    assert_eq!(
        (s.pool_config.quorum, s.pool_config.reporters.len()),
        (3, 5)
    );
    let investors = (0..INVESTORS).map(|_| Address::generate(&s.env)).collect();
    let mut y = Year {
        s,
        dice: Dice(0x5eed_cafe_f00d_d00d),
        investors,
        supply_changes: Vec::new(),
        reports: BTreeMap::new(),
        pending: BTreeMap::new(),
        outstanding: BTreeMap::new(),
        owed_total: 0,
        books: Books::default(),
        mint_topups: 0,
    };
    let maturity = y.s.token.maturity();
    assert_eq!(maturity, y.start_of(YEAR_DAYS));
    let mut late_report = None;
    let mut refused_mints = Vec::new();
    let (mut minted, mut burnt) = (0, 0);

    for epoch in 0..YEAR_DAYS {
        // Epoch `epoch` ends; its reporters attest it at once.
        y.advance_to(y.start_of(epoch + 1));
        let h = hashrate(epoch, &mut y.dice);
        let r = reward(h, &mut y.dice);
        match epoch {
            LATE => late_report = Some((h, r)), // reported late
            MISSED => {}
            DISPUTED => {
                // A wrong report is finalized, disputed inside its window, then corrected.
                y.attest(epoch, h * 10, r * 10, false);
                y.s.oracle.dispute(&y.s.pool, &epoch);
                y.reports.remove(&epoch);
                assert_eq!(y.s.oracle.report(&y.s.pool, &epoch), None);
                y.attest(epoch, h, r, false);
            }
            _ => {
                y.attest(epoch, h, r, epoch % 17 == 0);
            }
        }
        if epoch == LATE + 1 {
            // A day late, three of the five reporters (a quorum) attest it; the other two stay
            // silent, so the round does not complete and nothing finalizes.
            let (h, r) = late_report.expect("drawn");
            let quorum = y.s.pool_config.quorum;
            y.submit(LATE, quorum, h, r, false);
            assert_eq!(y.s.oracle.report(&y.s.pool, &LATE), None);
        }
        if epoch == LATE + 2 {
            // A day after its first submission, anyone closes the round.
            y.s.oracle.finalize(&y.s.pool, &LATE);
            y.finalized(LATE);
        }
        advance(&y.s.env, HOUR);

        // The operator records and pays what it can.
        y.record_and_pay(epoch);
        if epoch == CAUGHT_UP_IN {
            assert!(y.outstanding[&UNDERPAID] > 0);
            y.pay_in_full(UNDERPAID);
        }
        let expected_next = match epoch {
            LATE | 201 => LATE,
            MISSED | 251 => MISSED,
            _ => epoch + 1,
        };
        assert_eq!(y.s.distributor.next_epoch(), expected_next, "epoch {epoch}");
        y.check_daily();

        // Half a day later: the sustained capacity, mints, trades, burns and claims.
        advance(&y.s.env, 11 * HOUR);
        let capacity = y.expected_capacity();
        assert_eq!(y.s.oracle.capacity(&y.s.pool), capacity, "after {epoch}");
        if epoch < WINDOW - 1 {
            assert_eq!(capacity, 0, "fewer than 7 epochs attested");
        }
        if (OUTAGE..OUTAGE + WINDOW).contains(&epoch) {
            assert_eq!(capacity, 300 * TH_PER_SHARE + 2, "the outage's median");
        }
        if epoch == OUTAGE + WINDOW {
            assert!(capacity > 950 * TH_PER_SHARE, "the outage left the window");
        }
        if [LATE + 1, MISSED + 1, MISSED + WINDOW - 1].contains(&epoch) {
            assert_eq!(capacity, 0, "a missing epoch in the window");
        }
        if epoch == 3 {
            refused_mints.push(epoch);
            assert!(!y.mint(0, SHARE_UNIT), "no capacity before a week");
        }
        if epoch == WINDOW - 1 {
            // The first week is attested: the operator sells 690 of its ~1,000 TH/s.
            for i in 0..INVESTORS {
                assert!(y.mint(i, (30 + 5 * i as i128) * SHARE_UNIT));
            }
            assert_eq!(y.mint_topups, 0, "no stream runs yet");
            minted = 690 * SHARE_UNIT;
            assert_eq!(y.supply(), minted);
        }
        if (epoch > WINDOW && epoch % 23 == 0)
            || [OUTAGE + 3, LATE + 1, MISSED + 3].contains(&epoch)
        {
            let topups = y.mint_topups;
            let to = y.dice.below(INVESTORS as u64) as usize;
            if y.mint(to, 5 * SHARE_UNIT) {
                assert!(y.mint_topups > topups, "a mint mid-stream pays a top-up");
                minted += 5 * SHARE_UNIT;
            } else {
                refused_mints.push(epoch);
            }
        }
        for _ in 0..2 {
            let (a, b) = (
                y.dice.below(INVESTORS as u64) as usize,
                y.dice.below(INVESTORS as u64) as usize,
            );
            let balance = y.s.sep41.balance(&y.investors[a]);
            if a != b && balance > 0 {
                let amount = 1 + (y.dice.next() as i128).rem_euclid(balance);
                y.s.sep41
                    .transfer(&y.investors[a], &y.investors[b], &amount);
            }
        }
        if epoch > WINDOW && epoch % 45 == 0 {
            let who = y.dice.below(INVESTORS as u64) as usize;
            let amount = y.s.sep41.balance(&y.investors[who]) / 4;
            if amount > 0 {
                y.burn(who, amount);
                burnt += amount;
            }
        }
        if y.dice.below(3) == 0 {
            let who = y.dice.below(INVESTORS as u64) as usize;
            y.claim(who);
        }
        if epoch % 60 == 59 {
            y.withdraw_fees();
        }
        if epoch == 300 {
            // The operator's top-up allowance lives about a year of ledgers: renewed.
            y.s.approve_topups(&y.s.operator);
        }
        if epoch % 10 == 9 {
            y.check_books();
        }
    }
    assert_eq!(
        refused_mints,
        [3, OUTAGE + 3, LATE + 1, MISSED + 3],
        "refused only without sustained capacity"
    );
    assert!(y.mint_topups > 0);

    // Maturity: the last epoch ended at maturity, twelve hours ago. No more mints; the next
    // epoch starts at maturity and owes these shares nothing.
    assert!(y.now() >= maturity);
    assert_error(
        y.s.token.try_mint(&y.investors[0], &1),
        ShareTokenError::Matured,
    );
    assert!(burnt > 0);
    assert_eq!(y.s.token.total_supply(), minted - burnt);
    assert_eq!(
        minted,
        (690 + 5 * 14) * SHARE_UNIT,
        "14 mints of 5 after the first week"
    );
    y.advance_to(y.start_of(YEAR_DAYS + 1));
    let (h, r) = (1_000 * TH_PER_SHARE, 1);
    y.attest(YEAR_DAYS, h, r, false);
    advance(&y.s.env, HOUR);
    assert_error(
        y.s.distributor.try_record(&YEAR_DAYS),
        DistributorError::EpochAfterMaturity,
    );

    // The last epochs' debt, paid after maturity: it streams to the holders of this moment
    // (nothing is credited at once), until the end of the epoch after this one.
    let late: i128 = PAID_LATE.map(|e| y.outstanding[&e]).sum();
    assert!(late > 0);
    assert_eq!(y.s.distributor.arrears(), late);
    let claimable = |y: &Year| -> i128 {
        y.investors
            .iter()
            .map(|i| y.s.distributor.claimable(i))
            .sum()
    };
    let before = claimable(&y);
    for epoch in PAID_LATE {
        y.pay_in_full(epoch);
    }
    assert_eq!(y.s.distributor.arrears(), 0);
    assert_eq!(claimable(&y), before, "nothing credited at once");
    y.check_books();
    y.advance_to(y.start_of(YEAR_DAYS + 3)); // every stream has ended

    // Everyone claims what is left; the fees are withdrawn; what stays behind is dust.
    for i in 0..INVESTORS {
        y.claim(i);
    }
    y.withdraw_fees();
    y.check_books();
    assert_eq!(
        y.s.distributor.totals().deposited - y.books.topups,
        y.owed_total,
        "every epoch's debt paid in full, the top-ups on top"
    );
    let held = y.s.reward.balance(&y.s.distributor.address);
    let deposited = y.books.deposited;
    println!(
        "a year: {deposited} deposited ({} of it top-ups), {} fees, {} claimed, {held} left",
        y.books.topups, y.books.fees, y.books.claimed
    );
    // Each investor's accrual is exact; only its last fraction of a unit stays behind.
    assert!(
        held <= INVESTORS as i128,
        "dust left behind: {held} of {deposited}"
    );
}
