//! Reward accounting: a reward-per-share index streamed linearly over time (the
//! Funds-Distribution-Token pattern), with each holder's position kept beside its balance.
//!
//! A stream is a *rate*: index units per second, fixed whenever the stream or the supply
//! changes (a checkpoint: mint, burn, a new stream). Between checkpoints the index at any moment
//! is `index + rate * elapsed`, one multiplication, so transfers and claims read it without
//! dividing and without writing global state.
//!
//! Rounding is always down, for holders: the rate is floored, so the index never pays more than
//! was streamed; what the floor leaves unpaid stays in `unstreamed` and joins the next stream.
//! What an index increase pays all holders together, `supply × increase / SCALE`, is taken out
//! of `unstreamed` rounded *up*: holders keep fractions exactly, so taking out less would let a
//! fraction of a unit be streamed twice at every checkpoint.
//! A holder's accrual is kept in index units (× [`SCALE`]), so no fraction of a unit is ever
//! dropped between settlements: only taking it rounds down to whole units, and the fraction
//! stays for next time. Claiming often or once pays the same; what no holder can claim stays
//! in the distributor's books as dust, never owed and never over-paid.
//!
//! The index is a wrapping `u128` scaled by [`SCALE`]: only differences between two readings
//! matter, and a difference is exact while a holder's unsettled rewards per base unit of
//! supply stay below `2^128 / SCALE` (3.4 × 10^20) reward units.
use hashshare_common::math::{checked_mul, mul_div_ceil, mul_div_floor};

/// Fixed-point scale of the reward-per-share index. Decimal, so that decimal amounts (the
/// usual case) divide exactly.
pub const SCALE: u128 = 1_000_000_000_000_000_000;

/// The token-wide reward state.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Rewards {
    pub supply: i128,
    /// Reward per base unit of supply, × [`SCALE`], as of `updated`.
    pub index: u128,
    /// Index units per second from `updated` until `end`.
    pub rate: u128,
    /// The last checkpoint.
    pub updated: u64,
    /// When the current stream ends.
    pub end: u64,
    /// Reward not yet credited to the index (the stream's rest, and rounding leftovers).
    pub unstreamed: i128,
    /// Streamed while the supply was zero; joins the next stream.
    pub carried: i128,
}

/// A holder's position: its balance, the index it was last settled at, and the rewards it has
/// earned but not yet taken, in index units (reward units × [`SCALE`]: exact, so up to
/// 1.7 × 10^20 reward units can wait unclaimed).
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Holder {
    pub balance: i128,
    pub index: u128,
    pub accrued_scaled: i128,
}

/// Arithmetic beyond any amount a real asset can have.
#[derive(Debug, Eq, PartialEq)]
pub struct Overflow;

fn to_i128(value: u128) -> Result<i128, Overflow> {
    i128::try_from(value).map_err(|_| Overflow)
}

impl Rewards {
    /// Seconds of the stream that have run since the checkpoint, as of `now`.
    fn elapsed(&self, now: u64) -> u64 {
        now.min(self.end).saturating_sub(self.updated)
    }

    /// The index at `now`, without checkpointing: one multiplication.
    pub fn index_at(&self, now: u64) -> Result<u128, Overflow> {
        let increase = checked_mul(self.rate, u128::from(self.elapsed(now))).ok_or(Overflow)?;
        Ok(self.index.wrapping_add(increase))
    }

    /// Moves the checkpoint to `now`, crediting what streamed since to the index, or to
    /// `carried` if there was no supply to credit it to. Required before the supply changes.
    pub fn checkpoint(&mut self, now: u64) -> Result<(), Overflow> {
        let elapsed = self.elapsed(now);
        if elapsed > 0 && self.unstreamed > 0 {
            if self.supply > 0 {
                let increase = self.index_at(now)?.wrapping_sub(self.index);
                let credited =
                    mul_div_ceil(increase, self.supply as u128, SCALE).ok_or(Overflow)?;
                self.index = self.index.wrapping_add(increase);
                self.unstreamed -= to_i128(credited)?;
            } else {
                let span = u128::from(self.end - self.updated);
                let streamed = mul_div_floor(self.unstreamed as u128, u128::from(elapsed), span)
                    .ok_or(Overflow)?;
                self.carried = self
                    .carried
                    .checked_add(to_i128(streamed)?)
                    .ok_or(Overflow)?;
                self.unstreamed -= to_i128(streamed)?;
            }
        }
        self.updated = self.updated.max(now);
        self.reset_rate()
    }

    /// Changes the supply at the checkpoint (call [`Rewards::checkpoint`] first) and re-fixes
    /// the rate for the new supply.
    pub fn set_supply(&mut self, supply: i128) -> Result<(), Overflow> {
        self.supply = supply;
        self.reset_rate()
    }

    /// The rate that pays `unstreamed` over what is left of the stream to the current supply,
    /// rounded down: `floor(floor(unstreamed * SCALE / supply) / seconds)`, which equals
    /// `floor(unstreamed * SCALE / (supply * seconds))` without forming the product.
    fn reset_rate(&mut self) -> Result<(), Overflow> {
        let seconds = self.end.saturating_sub(self.updated);
        self.rate = if self.supply > 0 && self.unstreamed > 0 && seconds > 0 {
            mul_div_floor(self.unstreamed as u128, SCALE, self.supply as u128).ok_or(Overflow)?
                / u128::from(seconds)
        } else {
            0
        };
        Ok(())
    }

    /// Starts a stream of `amount` plus whatever is unstreamed or carried, paying out linearly
    /// until `now + duration`, but never past `maturity`. With no time left (zero duration, or
    /// at or after maturity) everything is credited at once to the holders of this moment.
    pub fn notify(
        &mut self,
        amount: i128,
        duration: u64,
        maturity: u64,
        now: u64,
    ) -> Result<(), Overflow> {
        self.checkpoint(now)?;
        let total = self
            .unstreamed
            .checked_add(self.carried)
            .and_then(|t| t.checked_add(amount))
            .ok_or(Overflow)?;
        self.carried = 0;
        self.unstreamed = total;
        self.end = now.saturating_add(duration).min(maturity).max(now);
        if self.end == now {
            self.credit_at_once()?;
        }
        self.reset_rate()
    }

    /// Closes the running stream: what it still has to pay is credited at once to the current
    /// supply (or carried, when there is none). A mint calls this first, so shares minted while
    /// a stream runs never share in rewards sized for the supply before them.
    pub fn close_stream(&mut self, now: u64) -> Result<(), Overflow> {
        self.end = self.end.min(now);
        self.credit_at_once()?;
        self.reset_rate()
    }

    fn credit_at_once(&mut self) -> Result<(), Overflow> {
        if self.unstreamed <= 0 {
            return Ok(());
        }
        if self.supply <= 0 {
            self.carried = self.carried.checked_add(self.unstreamed).ok_or(Overflow)?;
            self.unstreamed = 0;
            return Ok(());
        }
        let increase =
            mul_div_floor(self.unstreamed as u128, SCALE, self.supply as u128).ok_or(Overflow)?;
        let credited = mul_div_ceil(increase, self.supply as u128, SCALE).ok_or(Overflow)?;
        self.index = self.index.wrapping_add(increase);
        self.unstreamed -= to_i128(credited)?;
        Ok(())
    }
}

impl Holder {
    /// A new holder starts at the current index: it earns nothing from before it held.
    pub fn new(index: u128) -> Holder {
        Holder {
            balance: 0,
            index,
            accrued_scaled: 0,
        }
    }

    /// Credits, exactly, what the balance earned since the holder's last settlement.
    pub fn settle(&mut self, index: u128) -> Result<(), Overflow> {
        let delta = index.wrapping_sub(self.index);
        if delta != 0 && self.balance > 0 {
            let earned = checked_mul(self.balance as u128, delta).ok_or(Overflow)?;
            self.accrued_scaled = self
                .accrued_scaled
                .checked_add(to_i128(earned)?)
                .ok_or(Overflow)?;
        }
        self.index = index;
        Ok(())
    }

    /// Whole reward units earned and not yet taken (rounded down).
    pub fn accrued(&self) -> i128 {
        self.accrued_scaled / SCALE as i128
    }

    /// Takes the whole units earned; the fraction of a unit stays for the next take.
    pub fn take(&mut self) -> i128 {
        let units = self.accrued();
        self.accrued_scaled -= units * SCALE as i128;
        units
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn holder(balance: i128, index: u128) -> Holder {
        Holder {
            balance,
            index,
            accrued_scaled: 0,
        }
    }

    #[test]
    fn a_stream_pays_linearly_and_completely() {
        let mut r = Rewards::default();
        r.set_supply(100).unwrap();
        r.notify(1_000, 100, u64::MAX, 0).unwrap();
        let mut h = holder(100, r.index);
        h.settle(r.index_at(25).unwrap()).unwrap();
        assert_eq!(h.accrued(), 250);
        h.settle(r.index_at(1_000).unwrap()).unwrap();
        assert_eq!(h.accrued(), 1_000);
    }

    #[test]
    fn zero_supply_carries_the_stream_into_the_next_one() {
        let mut r = Rewards::default();
        r.notify(600, 60, u64::MAX, 0).unwrap();
        r.checkpoint(30).unwrap();
        assert_eq!((r.carried, r.unstreamed), (300, 300));
        r.notify(100, 10, u64::MAX, 30).unwrap();
        assert_eq!((r.carried, r.unstreamed, r.end), (0, 700, 40));
    }

    #[test]
    fn rounding_leftovers_join_the_next_stream() {
        // 3 × 10^17 base units of supply: the floored rate (4 index units a second instead of
        // 4.76) holds back more than a whole unit over the stream.
        let mut r = Rewards::default();
        r.set_supply(300_000_000_000_000_000).unwrap();
        r.notify(10, 7, u64::MAX, 0).unwrap();
        assert_eq!(r.rate, 4);
        r.checkpoint(7).unwrap();
        assert_eq!(r.unstreamed, 1, "10 - ceil(28 * 3e17 / 1e18)");
        r.notify(5, 5, u64::MAX, 7).unwrap();
        assert_eq!(r.unstreamed, 1 + 5);
    }

    #[test]
    fn maturity_clamps_the_stream_and_credits_late_deposits_at_once() {
        let mut r = Rewards::default();
        r.set_supply(4).unwrap();
        r.notify(80, 100, 40, 0).unwrap();
        assert_eq!(r.end, 40);
        assert_eq!(r.index_at(20).unwrap(), 10 * SCALE);
        assert_eq!(r.index_at(1_000).unwrap(), 20 * SCALE);
        r.notify(8, 100, 40, 50).unwrap();
        assert_eq!(r.unstreamed, 0);
        assert_eq!(r.index, 22 * SCALE);
    }

    #[test]
    fn closing_a_stream_credits_its_rest_to_the_holders_of_that_moment() {
        let mut r = Rewards::default();
        r.set_supply(10).unwrap();
        r.notify(1_000, 100, u64::MAX, 0).unwrap();
        r.checkpoint(40).unwrap();
        r.close_stream(40).unwrap();
        assert_eq!((r.unstreamed, r.rate, r.end), (0, 0, 40));
        assert_eq!(
            r.index,
            100 * SCALE,
            "all 1,000 across the 10 units of supply"
        );
        r.set_supply(20).unwrap(); // the mint: nothing left for the new shares
        assert_eq!(r.index_at(1_000).unwrap(), 100 * SCALE);
        // With no supply, the rest is carried into the next stream instead.
        let mut empty = Rewards::default();
        empty.notify(500, 100, u64::MAX, 0).unwrap();
        empty.checkpoint(50).unwrap();
        empty.close_stream(50).unwrap();
        assert_eq!((empty.carried, empty.unstreamed), (500, 0));
    }

    #[test]
    fn holders_round_down() {
        let mut r = Rewards::default();
        r.set_supply(3).unwrap();
        r.notify(10, 0, u64::MAX, 0).unwrap();
        let mut h = holder(1, 0);
        h.settle(r.index).unwrap();
        assert_eq!(h.accrued(), 3); // 10/3 rounded down
    }

    /// Holders keep fractions exactly, so every checkpoint must take what it pays out of the
    /// stream rounded up: otherwise fractions are streamed twice and holders are over-paid.
    #[test]
    fn many_checkpoints_never_credit_more_than_was_streamed() {
        let mut r = Rewards::default();
        r.set_supply(7).unwrap();
        let (mut a, mut b) = (holder(3, 0), holder(4, 0));
        let mut streamed_in = 0;
        for round in 0..50u64 {
            let t = round * 13;
            r.notify(1_001, 13, u64::MAX, t).unwrap();
            streamed_in += 1_001;
            for step in 1..=13 {
                r.checkpoint(t + step).unwrap(); // as a mint or burn would
                a.settle(r.index).unwrap();
                b.settle(r.index).unwrap();
            }
            let paid_scaled = a.accrued_scaled + b.accrued_scaled;
            let kept = i128::from(streamed_in) - r.unstreamed - r.carried;
            assert!(
                paid_scaled <= kept * SCALE as i128,
                "round {round}: over-credited"
            );
            assert!(
                kept * (SCALE as i128) - paid_scaled < 14 * (round as i128 + 1) * SCALE as i128
            );
        }
    }

    #[test]
    fn taking_often_or_once_pays_the_same() {
        let mut r = Rewards::default();
        r.set_supply(3).unwrap();
        r.notify(100, 30, u64::MAX, 0).unwrap();
        let (mut often, mut once) = (holder(1, 0), holder(1, 0));
        let mut taken = 0;
        for t in 1..=30 {
            often.settle(r.index_at(t).unwrap()).unwrap();
            taken += often.take();
        }
        once.settle(r.index_at(30).unwrap()).unwrap();
        assert_eq!(taken, once.take());
        assert_eq!(taken, 33); // 100/3 rounded down once, not thirty times
    }
}
