//! The distributor's arithmetic, as plain functions over plain data: what an epoch owes, how a
//! deposit splits into debt, top-up and fee, the epoch schedule, and the running books.
//!
//! Everything is checked: a result beyond `i128` (or a schedule beyond `u64`) is a typed error,
//! never a wrap and never a panic. Rounding is always by less than one base unit, and never
//! against the holders: what an epoch owes rounds down (the holders are never owed a unit the
//! reward did not contain), the debt a deposit pays rounds down and its top-up up, the fee
//! rounds down.
use hashshare_common::math::{mul_div_ceil, mul_div_ceil_i128, mul_div_floor, mul_div_floor_i128};
use hashshare_interfaces::{EpochPayout, SHARE_UNIT};

use crate::errors::DistributorError;

/// Basis points in one whole.
pub const BPS_DENOMINATOR: u32 = 10_000;

/// The highest fee the distributor may take: 20% of every deposit.
pub const MAX_FEE_BPS: u32 = 2_000;

/// The running books the distributor keeps in its instance, so that `arrears` is O(1) and
/// conservation is checkable, and the cursor of in-order recording: every epoch before
/// `next_epoch` is recorded, and `supply_at_next` is the share supply when `next_epoch`
/// started. What was claimed is not kept: it follows from the rest and the balance, and a
/// counter would make every claim rewrite the instance.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Books {
    /// Sum over recorded epochs of `owed - paid`.
    pub arrears: i128,
    /// Everything received: deposits, top-ups included, and mint top-ups.
    pub deposited: i128,
    /// The part of `deposited` paid as top-ups.
    pub topups: i128,
    /// Fees accrued, for the fee recipient to withdraw.
    pub fees: i128,
    pub fees_withdrawn: i128,
    pub next_epoch: u64,
    pub supply_at_next: i128,
}

fn add(a: i128, b: i128) -> Result<i128, DistributorError> {
    a.checked_add(b).ok_or(DistributorError::Overflow)
}

impl Books {
    /// The books of a distributor whose first epoch is `first_epoch`, before any share.
    pub fn new(first_epoch: u64) -> Books {
        Books {
            next_epoch: first_epoch,
            ..Books::default()
        }
    }

    /// Closes `next_epoch`, owing `owed`, which ended with `supply_at_end` shares.
    pub fn record(&mut self, owed: i128, supply_at_end: i128) -> Result<(), DistributorError> {
        self.arrears = add(self.arrears, owed)?;
        self.next_epoch = self
            .next_epoch
            .checked_add(1)
            .ok_or(DistributorError::Overflow)?;
        self.supply_at_next = supply_at_end;
        Ok(())
    }

    /// A late report fixed `owed` for an epoch closed without one.
    pub fn owe(&mut self, owed: i128) -> Result<(), DistributorError> {
        self.arrears = add(self.arrears, owed)?;
        Ok(())
    }

    /// A deposit was applied.
    pub fn deposit(&mut self, split: &Split) -> Result<(), DistributorError> {
        self.arrears = self
            .arrears
            .checked_sub(split.debt)
            .ok_or(DistributorError::Overflow)?;
        self.received(split.used, split.topup)?;
        self.fees = add(self.fees, split.fee)?;
        Ok(())
    }

    /// `amount` arrived, `topup` of it as top-up.
    pub fn received(&mut self, amount: i128, topup: i128) -> Result<(), DistributorError> {
        self.deposited = add(self.deposited, amount)?;
        self.topups = add(self.topups, topup)?;
        Ok(())
    }

    /// `fee` accrued outside a deposit (a mint's top-up).
    pub fn accrue_fee(&mut self, fee: i128) -> Result<(), DistributorError> {
        self.fees = add(self.fees, fee)?;
        Ok(())
    }

    /// Fees not yet withdrawn.
    pub fn fees_due(&self) -> i128 {
        self.fees - self.fees_withdrawn
    }
}

/// Refuses a fee above [`MAX_FEE_BPS`].
pub fn check_fee(fee_bps: u32) -> Result<(), DistributorError> {
    if fee_bps > MAX_FEE_BPS {
        return Err(DistributorError::InvalidFee);
    }
    Ok(())
}

/// Whether epoch `epoch` starts (at `genesis + epoch * epoch_seconds`) strictly before
/// `maturity`. A start beyond `u64` lies after every possible maturity.
pub fn starts_before(genesis: u64, epoch_seconds: u64, epoch: u64, maturity: u64) -> bool {
    epoch
        .checked_mul(epoch_seconds)
        .and_then(|offset| offset.checked_add(genesis))
        .is_some_and(|start| start < maturity)
}

/// Whether epoch `epoch` has ended at `now`. An end beyond `u64` is never reached.
pub fn has_ended(genesis: u64, epoch_seconds: u64, epoch: u64, now: u64) -> bool {
    epoch
        .checked_add(1)
        .and_then(|n| n.checked_mul(epoch_seconds))
        .and_then(|offset| offset.checked_add(genesis))
        .is_some_and(|end| end <= now)
}

/// The epoch containing `moment` (0 before genesis).
pub fn epoch_at(genesis: u64, epoch_seconds: u64, moment: u64) -> u64 {
    moment.saturating_sub(genesis) / epoch_seconds.max(1)
}

/// The time-weighted hashrate (H/s) sold during an epoch of `epoch_seconds`: the supply
/// integrated over it (`supply_seconds`, base units × seconds) at `hashrate_per_share` per
/// whole share, `supply_seconds * hashrate_per_share / (10^7 * epoch_seconds)`, rounded down.
pub fn sold_hashrate(
    supply_seconds: i128,
    hashrate_per_share: i128,
    epoch_seconds: u64,
) -> Result<i128, DistributorError> {
    if supply_seconds <= 0 || hashrate_per_share <= 0 {
        return Ok(0);
    }
    let per = SHARE_UNIT
        .checked_mul(i128::from(epoch_seconds.max(1)))
        .ok_or(DistributorError::Overflow)?;
    mul_div_floor_i128(supply_seconds, hashrate_per_share, per).ok_or(DistributorError::Overflow)
}

/// What an epoch owes the holders: the part of `reward` earned by the hashrate sold,
/// `reward * min(sold, hashrate) / hashrate`, rounded down (so in the miner's favour by less
/// than one base unit). Zero when nothing was delivered, earned or sold. Never more than
/// `reward`.
pub fn owed(reward: i128, hashrate: i128, sold: i128) -> Result<i128, DistributorError> {
    if reward <= 0 || hashrate <= 0 || sold <= 0 {
        return Ok(0);
    }
    mul_div_floor_i128(reward, sold.min(hashrate), hashrate).ok_or(DistributorError::Overflow)
}

/// The fee on a deposit: `amount * fee_bps / 10_000`, rounded down (in the holders' favour).
/// Exact for every `i128` amount (a wide product goes through 256 bits). Zero for a
/// non-positive amount.
pub fn fee(amount: i128, fee_bps: u32) -> Result<i128, DistributorError> {
    if amount <= 0 {
        return Ok(0);
    }
    mul_div_floor_i128(amount, i128::from(fee_bps), i128::from(BPS_DENOMINATOR))
        .ok_or(DistributorError::Overflow)
}

/// The least amount that leaves `net` after a deposit's fee: `gross - fee(gross) == net`, so
/// a mint's top-up pays exactly the fee a deposit of the same size would.
pub fn grossed_up(net: i128, fee_bps: u32) -> Result<i128, DistributorError> {
    let keep = i128::from(BPS_DENOMINATOR - fee_bps.min(MAX_FEE_BPS));
    // ceil(net / (1 - fee)) leaves at least `net`; the fee's own rounding down may let a unit
    // or two less do.
    let mut gross = mul_div_ceil_i128(net, i128::from(BPS_DENOMINATOR), keep)
        .ok_or(DistributorError::Overflow)?;
    while gross > net && gross - 1 - fee(gross - 1, fee_bps)? >= net {
        gross -= 1;
    }
    Ok(gross)
}

/// How a deposit divides: `used` of what was offered is taken (the rest stays with the
/// payer); `debt` of it pays the epoch's `owed`, `topup` pays for the shares created during or
/// after the epoch; `fee` of `used` is kept for the fee recipient and the rest streams.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Split {
    pub used: i128,
    pub debt: i128,
    pub topup: i128,
    pub fee: i128,
}

impl Split {
    /// What streams to holders.
    pub fn streamed(&self) -> i128 {
        self.used - self.fee
    }
}

/// What one unit of an epoch's debt costs now: `cost / per` reward units, at least 1 (the
/// excess over 1 is the top-up). Kept as a fraction of `u128`s, never rounded, so tiny epochs
/// cost what the rule says and huge ones do not overflow.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub struct Price {
    pub cost: u128,
    pub per: u128,
}

impl Price {
    /// Debt at its face value.
    pub const FACE: Price = Price { cost: 1, per: 1 };

    fn at_face_value(&self) -> bool {
        self.cost <= self.per
    }
}

/// The price of an epoch's debt when paid now, so that every share held then gets at least an
/// average share of the epoch (`owed / S_avg`, `S_avg = supply_seconds / E`) and each share
/// beyond the epoch's closing supply pays that much on top: `max(N × E, supply_seconds + (N -
/// K) × E) / supply_seconds` per unit, with `N` the supply now, `E` the epoch's length and `K =
/// min(supply_at_end, N)`. Paying all of a debt costs `owed × max(N, S_avg + N - K) / S_avg`:
/// at most `owed × (1 + N / S_avg)`, whatever was burned before the epoch's end. (Which shares
/// a burn destroyed cannot be told apart: a holder who burns before a payout forfeits its part
/// to the shares then held.) `None` when no share is held to receive it.
pub fn price(
    supply_seconds: i128,
    supply_at_end: i128,
    supply_now: i128,
    epoch_seconds: u64,
) -> Result<Option<Price>, DistributorError> {
    if supply_now <= 0 {
        return Ok(None);
    }
    if supply_seconds <= 0 {
        return Ok(Some(Price::FACE));
    }
    let overflow = DistributorError::Overflow;
    let (now, seconds) = (supply_now as u128, u128::from(epoch_seconds));
    let kept = supply_at_end.clamp(0, supply_now) as u128;
    let per = supply_seconds as u128;
    let present = now.checked_mul(seconds).ok_or(overflow)?;
    let shared_by = (now - kept)
        .checked_mul(seconds)
        .and_then(|newer| newer.checked_add(per))
        .ok_or(overflow)?;
    let cost = present.max(shared_by);
    Ok(Some(if cost <= per {
        Price::FACE
    } else {
        Price { cost, per }
    }))
}

/// `ceil(a * cost / per)` as an amount, or `Overflow`.
fn times(a: i128, price: &Price, round_up: bool) -> Result<i128, DistributorError> {
    let a = u128::try_from(a).map_err(|_| DistributorError::Overflow)?;
    let q = if round_up {
        mul_div_ceil(a, price.cost, price.per)
    } else {
        mul_div_floor(a, price.per, price.cost)
    };
    q.and_then(|q| i128::try_from(q).ok())
        .ok_or(DistributorError::Overflow)
}

/// Splits a deposit of `amount` towards `outstanding` (> 0) debt at `price`: the whole rest
/// costs `ceil(outstanding × price)`; a smaller amount pays `floor(amount / price)` of debt
/// (both rounded in the holders' favour), the rest of what it takes being the top-up. What is
/// offered beyond the whole rest stays with the payer.
pub fn split(
    amount: i128,
    outstanding: i128,
    price: &Price,
    fee_bps: u32,
) -> Result<Split, DistributorError> {
    if amount <= 0 {
        return Err(DistributorError::InvalidAmount);
    }
    if outstanding <= 0 {
        return Err(DistributorError::NothingOwed);
    }
    let (used, debt) = if price.at_face_value() {
        let debt = amount.min(outstanding);
        (debt, debt)
    } else {
        let due = times(outstanding, price, true)?;
        if amount >= due {
            (due, outstanding)
        } else {
            (amount, times(amount, price, false)?)
        }
    };
    Ok(Split {
        used,
        debt,
        topup: used - debt,
        fee: fee(used, fee_bps)?,
    })
}

/// What paying all of `outstanding` costs now (see [`split`]).
pub fn due(outstanding: i128, price: &Price) -> Result<i128, DistributorError> {
    if outstanding <= 0 {
        return Ok(0);
    }
    if price.at_face_value() {
        return Ok(outstanding);
    }
    times(outstanding, price, true)
}

/// Applies a split deposit to its epoch's payout.
pub fn apply(payout: &mut EpochPayout, split: &Split) -> Result<(), DistributorError> {
    payout.paid = add(payout.paid, split.debt)?;
    payout.topup = add(payout.topup, split.topup)?;
    payout.fee = add(payout.fee, split.fee)?;
    Ok(())
}

#[cfg(test)]
mod test {
    use super::*;
    use DistributorError::*;

    const BIG: i128 = i64::MAX as i128;
    const DAY: u64 = 86_400;

    #[test]
    fn sold_hashrate_is_the_time_weighted_supply_in_hashrate() {
        let th = 1_000_000_000_000;
        // 2.5 shares of 1 TH/s each for a whole day.
        let day = 25_000_000 * i128::from(DAY);
        assert_eq!(sold_hashrate(day, th, DAY), Ok(2_500_000_000_000));
        // 10 shares for half the day.
        assert_eq!(
            sold_hashrate(100_000_000 * 43_200, th, DAY),
            Ok(5 * th),
            "half a day counts half"
        );
        assert_eq!(sold_hashrate(1, 9_999_999, 1), Ok(0), "rounded down");
        assert_eq!(sold_hashrate(0, 1, DAY), Ok(0));
        assert_eq!(sold_hashrate(-1, 1, DAY), Ok(0));
        assert_eq!(sold_hashrate(i128::MAX, SHARE_UNIT, 1), Ok(i128::MAX));
        assert_eq!(sold_hashrate(i128::MAX, i128::MAX, 1), Err(Overflow));
    }

    #[test]
    fn owed_is_the_sold_share_of_the_reward_rounded_down_and_capped_by_it() {
        assert_eq!(owed(1_000, 400, 100), Ok(250));
        assert_eq!(owed(10, 3, 1), Ok(3), "10/3 rounded down");
        assert_eq!(owed(1_000, 400, 401), Ok(1_000), "oversold: capped");
        assert_eq!(owed(1_000, 0, 100), Ok(0), "no hashrate");
        assert_eq!(owed(0, 400, 100), Ok(0));
        assert_eq!(owed(1_000, 400, 0), Ok(0));
        assert_eq!(owed(-5, 400, 100), Ok(0));
        assert_eq!(owed(i128::MAX, i128::MAX, i128::MAX), Ok(i128::MAX));
        assert_eq!(owed(i128::MAX, i128::MAX, i128::MAX - 1), Ok(i128::MAX - 1));
        assert_eq!(owed(i128::MAX, 3, 2), Ok(i128::MAX / 3 * 2));
        assert_eq!(owed(BIG, BIG, 1), Ok(1));
    }

    #[test]
    fn fee_is_floor_of_bps_and_exact_at_the_bounds() {
        assert_eq!(fee(10_000, 2_000), Ok(2_000));
        assert_eq!(fee(9_999, 2_000), Ok(1_999), "1999.8 rounded down");
        assert_eq!(fee(4, 2_000), Ok(0));
        assert_eq!(fee(12_345, 0), Ok(0));
        assert_eq!(fee(i128::MAX, 2_000), Ok(i128::MAX / 5));
        assert_eq!(fee(i128::MAX, u32::MAX), Err(Overflow));
    }

    #[test]
    fn a_deposit_pays_what_is_owed_and_leaves_the_rest_with_the_payer() {
        let face = |amount, outstanding| split(amount, outstanding, &Price::FACE, 500);
        assert_eq!(
            face(600, 1_000),
            Ok(Split {
                used: 600,
                debt: 600,
                topup: 0,
                fee: 30
            })
        );
        assert_eq!(
            face(1_500, 1_000).map(|s| (s.used, s.debt)),
            Ok((1_000, 1_000))
        );
        assert_eq!(face(0, 1_000), Err(InvalidAmount));
        assert_eq!(face(-1, 1_000), Err(InvalidAmount));
        assert_eq!(face(1, 0), Err(NothingOwed));
        // Fewer shares now than in the epoch (burns): the debt costs its face value.
        let price = price(1_000, 100, 40, 10).unwrap().unwrap();
        assert_eq!(split(500, 1_000, &price, 0).map(|s| s.topup), Ok(0));
    }

    #[test]
    fn shares_created_since_the_epoch_are_paid_for_on_top() {
        // The epoch averaged 150 (100 all day, 100 more from noon); 200 exist now.
        let p = price(1_500, 200, 200, 10).unwrap().unwrap();
        assert_eq!(
            p,
            Price {
                cost: 2_000,
                per: 1_500
            }
        );
        let all = split(10_000, 900, &p, 0).unwrap();
        assert_eq!((all.used, all.debt, all.topup), (1_200, 900, 300));
        assert_eq!(due(900, &p), Ok(1_200));
        // Part of it: each unit of debt costs 4/3, rounded in the holders' favour.
        let part = split(100, 900, &p, 0).unwrap();
        assert_eq!((part.used, part.debt, part.topup), (100, 75, 25));
        let odd = split(101, 900, &p, 0).unwrap();
        assert_eq!((odd.used, odd.debt, odd.topup), (101, 75, 26));
        // The fee is a share of everything taken.
        assert_eq!(split(1_200, 900, &p, 1_000).map(|s| s.fee), Ok(120));
        assert_eq!(due(0, &p), Ok(0));
        assert_eq!(due(7, &Price::FACE), Ok(7));
        let double = Price { cost: 2, per: 1 };
        assert_eq!(
            split(i128::MAX, BIG, &double, 0).map(|s| s.used),
            Ok(2 * BIG)
        );
        assert_eq!(due(i128::MAX, &double), Err(Overflow));
    }

    #[test]
    fn a_grossed_up_top_up_leaves_exactly_the_net_after_its_fee() {
        assert_eq!(grossed_up(900, 1_000), Ok(999), "999 - floor(99.9) = 900");
        assert_eq!(
            grossed_up(405_001, 1_000),
            Ok(450_001),
            "fee 45,000, not 45,001"
        );
        assert_eq!(grossed_up(7, 0), Ok(7));
        for (net, bps) in [
            (1, 500),
            (12_345, 2_000),
            (999_999, 1),
            (405_001, 1_000),
            (BIG, 777),
        ] {
            let gross = grossed_up(net, bps).unwrap();
            assert_eq!(gross - fee(gross, bps).unwrap(), net, "{net} at {bps}");
            assert!(
                gross - 1 - fee(gross - 1, bps).unwrap() < net,
                "the least that does"
            );
        }
        for net in 1..2_000 {
            for bps in [1, 333, 500, 1_999, 2_000] {
                let gross = grossed_up(net, bps).unwrap();
                assert_eq!(gross - fee(gross, bps).unwrap(), net, "{net} at {bps}");
                assert!(gross - 1 - fee(gross - 1, bps).unwrap() < net);
            }
        }
        assert_eq!(grossed_up(i128::MAX, 2_000), Err(Overflow));
    }

    #[test]
    fn newer_shares_pay_an_average_share_each() {
        // 100 shares held all of a 10 s epoch: 1,000 supply-seconds.
        assert_eq!(price(1_000, 100, 100, 10), Ok(Some(Price::FACE)));
        // 50 more minted since: each pays an average share, 1.5 × owed in all.
        let p = price(1_000, 100, 150, 10).unwrap().unwrap();
        assert_eq!(due(1_000, &p), Ok(1_500));
        // 40 burned since: the 60 left share it at face value.
        assert_eq!(price(1_000, 100, 60, 10), Ok(Some(Price::FACE)));
        // 50 held from the epoch's middle, 80 now: the 30 newer pay 30/50 on top.
        let p = price(500, 50, 80, 10).unwrap().unwrap();
        assert_eq!(due(500, &p), Ok(800));
        // 50 of 100 burned in the epoch's last second, 50 minted since: the 50 newer shares
        // pay an average share each (owed × (99.5 + 50) / 99.5), not the closing supply's
        // (owed × 100 / 50).
        let p = price(995, 50, 100, 10).unwrap().unwrap();
        assert_eq!(due(995, &p), Ok(1_495));
        // A closing supply of one unit: bounded by owed × (1 + N / S_avg).
        let p = price(999, 1, 100, 10).unwrap().unwrap();
        assert!(due(999, &p).unwrap() <= 999 + 1_000);
        // Nobody held at the end, shares held now: they receive it, each paying parity.
        let p = price(1_000, 0, 50, 10).unwrap().unwrap();
        assert_eq!(due(1_000, &p), Ok(1_500));
        // A tiny epoch (one unit for one second) stays payable, at the rule's price.
        let p = price(1, 0, 1_000, 10).unwrap().unwrap();
        assert_eq!(due(1_000, &p), Ok(1_000 * 10_001));
        // Nobody holds now.
        assert_eq!(price(1_000, 100, 0, 10), Ok(None));
        // Absurd magnitudes that fit a u128 price do not overflow it.
        assert!(price(1, 0, i128::MAX, 1).unwrap().is_some());
    }

    #[test]
    fn books_track_arrears_receipts_and_the_cursor() {
        let mut b = Books::new(5);
        b.record(1_000, 70).unwrap();
        assert_eq!((b.next_epoch, b.supply_at_next, b.arrears), (6, 70, 1_000));
        let s = split(1_200, 900, &Price { cost: 4, per: 3 }, 1_000).unwrap();
        b.deposit(&s).unwrap();
        assert_eq!(
            (b.arrears, b.deposited, b.topups, b.fees),
            (100, 1_200, 300, 120)
        );
        b.received(50, 50).unwrap();
        assert_eq!((b.deposited, b.topups), (1_250, 350));
        b.fees_withdrawn = 20;
        assert_eq!(b.fees_due(), 100);
        b.arrears = i128::MAX;
        assert_eq!(b.record(1, 0), Err(Overflow));
    }

    #[test]
    fn fee_cap_is_twenty_percent() {
        assert_eq!(check_fee(0), Ok(()));
        assert_eq!(check_fee(MAX_FEE_BPS), Ok(()));
        assert_eq!(check_fee(MAX_FEE_BPS + 1), Err(InvalidFee));
        assert_eq!(check_fee(u32::MAX), Err(InvalidFee));
    }

    #[test]
    fn epochs_start_before_maturity_or_not_even_beyond_u64() {
        assert!(starts_before(100, 10, 0, 101));
        assert!(
            !starts_before(100, 10, 0, 100),
            "starting at maturity is too late"
        );
        assert!(starts_before(100, 10, 4, 141));
        assert!(!starts_before(100, 10, 4, 140));
        assert!(!starts_before(0, u64::MAX, 2, u64::MAX), "offset overflows");
        assert!(!starts_before(u64::MAX, 1, 1, u64::MAX), "start overflows");
    }

    #[test]
    fn epochs_end_on_the_grid() {
        assert!(!has_ended(100, 10, 0, 109));
        assert!(has_ended(100, 10, 0, 110));
        assert!(
            !has_ended(0, u64::MAX, 1, u64::MAX),
            "an end beyond u64 never comes"
        );
        assert_eq!(epoch_at(100, 10, 99), 0);
        assert_eq!(epoch_at(100, 10, 125), 2);
    }
}
