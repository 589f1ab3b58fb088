//! The distributor's arithmetic, as plain functions over plain data: what an epoch owes, the
//! fee split of a deposit, the epoch schedule, and the running totals.
//!
//! Everything is checked: a result beyond `i128` (or a schedule beyond `u64`) is a typed error,
//! never a wrap and never a panic. Rounding is always down, by less than one base unit: what an
//! epoch owes in the miner's favour (the holders are never owed a unit the reward did not
//! contain), the fee in the holders' favour.
use hashshare_common::math::mul_div_floor_i128;
use hashshare_interfaces::{EpochPayout, SHARE_UNIT};

use crate::errors::DistributorError;

/// Basis points in one whole.
pub const BPS_DENOMINATOR: u32 = 10_000;

/// The highest fee the distributor may take: 20% of every deposit.
pub const MAX_FEE_BPS: u32 = 2_000;

/// The running totals the distributor keeps in its instance, so that `arrears` is O(1) and
/// conservation is checkable: `deposited == fees + claimed + reward balance`. What was claimed
/// is not kept: it follows from the other three, and a counter would make every claim rewrite
/// the instance.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Totals {
    /// Sum over recorded epochs of `owed - paid`.
    pub arrears: i128,
    /// Sum of all deposits, fees included.
    pub deposited: i128,
    /// Sum of all fees sent to the fee recipient.
    pub fees: i128,
}

impl Totals {
    /// An epoch was recorded with `owed`.
    pub fn record(&mut self, owed: i128) -> Result<(), DistributorError> {
        self.arrears = self
            .arrears
            .checked_add(owed)
            .ok_or(DistributorError::Overflow)?;
        Ok(())
    }

    /// `amount` was paid towards a recorded epoch, `fee` of it to the fee recipient.
    pub fn deposit(&mut self, amount: i128, fee: i128) -> Result<(), DistributorError> {
        self.arrears = self
            .arrears
            .checked_sub(amount)
            .ok_or(DistributorError::Overflow)?;
        self.deposited = self
            .deposited
            .checked_add(amount)
            .ok_or(DistributorError::Overflow)?;
        self.fees = self
            .fees
            .checked_add(fee)
            .ok_or(DistributorError::Overflow)?;
        Ok(())
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

/// Whether epoch `epoch` ends (at `genesis + (epoch + 1) * epoch_seconds`) strictly after
/// `moment`. An end beyond `u64` is after every moment.
pub fn ends_after(genesis: u64, epoch_seconds: u64, epoch: u64, moment: u64) -> bool {
    epoch
        .checked_add(1)
        .and_then(|n| n.checked_mul(epoch_seconds))
        .and_then(|offset| offset.checked_add(genesis))
        .is_none_or(|end| end > moment)
}

/// The hashrate (H/s) the share supply stands for: `supply * hashrate_per_share / 10^7`,
/// rounded down. Zero for a non-positive supply or rate.
pub fn sold_hashrate(supply: i128, hashrate_per_share: i128) -> Result<i128, DistributorError> {
    if supply <= 0 || hashrate_per_share <= 0 {
        return Ok(0);
    }
    mul_div_floor_i128(supply, hashrate_per_share, SHARE_UNIT).ok_or(DistributorError::Overflow)
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

/// The fee on a deposit: `amount * fee_bps / 10_000`, rounded down (in the depositor's and so
/// the holders' favour). Exact for every `i128` amount (a wide product goes through 256 bits).
/// Zero for a non-positive amount.
pub fn fee(amount: i128, fee_bps: u32) -> Result<i128, DistributorError> {
    if amount <= 0 {
        return Ok(0);
    }
    mul_div_floor_i128(amount, i128::from(fee_bps), i128::from(BPS_DENOMINATOR))
        .ok_or(DistributorError::Overflow)
}

/// Applies a deposit of `amount` to `payout` and returns its fee.
///
/// # Errors
/// `InvalidAmount` (not positive), `Overpayment` (beyond `owed - paid`), `Overflow`.
pub fn deposit(
    payout: &mut EpochPayout,
    amount: i128,
    fee_bps: u32,
) -> Result<i128, DistributorError> {
    if amount <= 0 {
        return Err(DistributorError::InvalidAmount);
    }
    let outstanding = payout
        .owed
        .checked_sub(payout.paid)
        .ok_or(DistributorError::Overflow)?;
    if amount > outstanding {
        return Err(DistributorError::Overpayment);
    }
    let fee = fee(amount, fee_bps)?;
    // paid + amount <= owed: cannot overflow.
    payout.paid += amount;
    payout.fee = payout
        .fee
        .checked_add(fee)
        .ok_or(DistributorError::Overflow)?;
    Ok(fee)
}

#[cfg(test)]
mod test {
    use super::*;
    use DistributorError::*;

    const BIG: i128 = i64::MAX as i128;

    fn unpaid(owed: i128) -> EpochPayout {
        EpochPayout {
            owed,
            paid: 0,
            fee: 0,
        }
    }

    #[test]
    fn sold_hashrate_scales_whole_shares_and_refuses_overflow() {
        // 2.5 shares of 1 TH/s each.
        assert_eq!(
            sold_hashrate(25_000_000, 1_000_000_000_000),
            Ok(2_500_000_000_000)
        );
        assert_eq!(sold_hashrate(1, 9_999_999), Ok(0), "rounded down");
        assert_eq!(sold_hashrate(0, 1), Ok(0));
        assert_eq!(sold_hashrate(-1, 1), Ok(0));
        assert_eq!(sold_hashrate(BIG, BIG), Ok(BIG * BIG / SHARE_UNIT));
        assert_eq!(sold_hashrate(i128::MAX, SHARE_UNIT), Ok(i128::MAX));
        assert_eq!(sold_hashrate(i128::MAX, i128::MAX), Err(Overflow));
        assert_eq!(sold_hashrate(i128::MAX, SHARE_UNIT + 1), Err(Overflow));
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
        // Products beyond 128 bits go through 256 bits and stay exact.
        assert_eq!(owed(i128::MAX, i128::MAX, i128::MAX), Ok(i128::MAX));
        assert_eq!(owed(i128::MAX, i128::MAX, i128::MAX - 1), Ok(i128::MAX - 1));
        assert_eq!(owed(i128::MAX, 3, 2), Ok(i128::MAX / 3 * 2));
        assert_eq!(owed(BIG, BIG, 1), Ok(1));
        assert_eq!(owed(BIG, BIG, BIG / 2), Ok(BIG / 2));
        for (reward, hashrate, sold) in [(i128::MAX, 7, 5), (BIG, 3, 1), (12_345, 1_000, 999)] {
            let o = owed(reward, hashrate, sold).unwrap();
            assert!(o <= reward);
        }
    }

    #[test]
    fn fee_is_floor_of_bps_and_exact_at_the_bounds() {
        assert_eq!(fee(10_000, 2_000), Ok(2_000));
        assert_eq!(fee(9_999, 2_000), Ok(1_999), "1999.8 rounded down");
        assert_eq!(fee(4, 2_000), Ok(0));
        assert_eq!(fee(5, 2_000), Ok(1));
        assert_eq!(fee(12_345, 0), Ok(0));
        assert_eq!(fee(BIG, 2_000), Ok(BIG / 5));
        assert_eq!(fee(i128::MAX, 2_000), Ok(i128::MAX / 5));
        assert_eq!(fee(i128::MAX, 10_000), Ok(i128::MAX));
        assert_eq!(fee(i128::MAX, u32::MAX), Err(Overflow));
    }

    #[test]
    fn deposits_fill_the_debt_exactly_and_no_further() {
        let mut p = unpaid(1_000);
        assert_eq!(deposit(&mut p, 0, 100), Err(InvalidAmount));
        assert_eq!(deposit(&mut p, -1, 100), Err(InvalidAmount));
        assert_eq!(deposit(&mut p, 1_001, 100), Err(Overpayment));
        assert_eq!(p, unpaid(1_000), "a refused deposit changes nothing");
        assert_eq!(deposit(&mut p, 600, 100), Ok(6));
        assert_eq!(deposit(&mut p, 401, 100), Err(Overpayment));
        assert_eq!(deposit(&mut p, 400, 100), Ok(4));
        assert_eq!(
            p,
            EpochPayout {
                owed: 1_000,
                paid: 1_000,
                fee: 10
            }
        );
        assert_eq!(deposit(&mut p, 1, 100), Err(Overpayment));

        let mut max = unpaid(i128::MAX);
        assert_eq!(deposit(&mut max, i128::MAX, 2_000), Ok(i128::MAX / 5));
        assert_eq!(max.paid, i128::MAX);
        let mut broken = EpochPayout {
            owed: i128::MIN,
            paid: 1,
            fee: 0,
        };
        assert_eq!(deposit(&mut broken, 1, 0), Err(Overflow));
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
        assert!(starts_before(0, u64::MAX, 0, 1));
    }

    #[test]
    fn ends_after_compares_the_epoch_end() {
        assert!(ends_after(100, 10, 0, 109));
        assert!(!ends_after(100, 10, 0, 110));
        assert!(ends_after(100, 10, 1, 110));
        assert!(
            ends_after(0, u64::MAX, 1, u64::MAX),
            "an end beyond u64 is after everything"
        );
    }

    #[test]
    fn totals_track_arrears_and_refuse_overflow() {
        let mut t = Totals::default();
        t.record(1_000).unwrap();
        t.deposit(600, 6).unwrap();
        assert_eq!(
            t,
            Totals {
                arrears: 400,
                deposited: 600,
                fees: 6,
            }
        );
        t.record(i128::MAX - 400).unwrap();
        assert_eq!(t.record(1), Err(Overflow));
        t.arrears = i128::MIN;
        assert_eq!(t.deposit(1, 0), Err(Overflow));
    }
}
