//! Reward accounting: a reward-per-share index fed by linear streams (the
//! Funds-Distribution-Token pattern), with each holder's position kept beside its balance.
//!
//! # Streams
//! A deposit streams until the end of the epoch after the one it is paid in, so every stream
//! lasts more than one epoch and all deposits of one epoch share an end. At most two streams
//! are live at a time (those paid in the previous epoch and in the current one): each is a
//! *lane* with its end and its unpaid rest. A new deposit joins the lane with its end and
//! leaves the other lane alone, so no deposit ever delays or shrinks another's stream, and
//! nothing — no mint, burn, deposit or maturity — credits a stream's rest at once.
//!
//! # The index
//! At every checkpoint (mint, burn, deposit) each lane fixes the index increase it still owes
//! the current supply by its end (`total`, its rest over the supply) and pays it linearly: its
//! rate is `total / span` index units a second, kept with `shift` extra binary digits (64 for
//! any realistic stream) and rounded up, so that `rate × span >> shift` is exactly `total` at
//! the end and never more before it. An integer rate would lose up to a unit every second:
//! 13% of a day's stream for 1 MH/s shares of a 1 EH/s pool. (For a lane owing more than
//! about 2^110 index units per base unit the digits run short: its rate rounds down, and the
//! few index units it falls short by are carried into the next stream.) Between checkpoints
//! the index at any moment is `index + Σ (rate × elapsed) >> shift`: a multiplication per
//! lane, no division, so transfers and claims read it cheaply and without writing global
//! state.
//!
//! # Rounding
//! None is lost. Rests, like holders' accruals, are kept in index units (reward units ×
//! [`SCALE`]), so an index increase takes out of its lane exactly `supply × increase`, what
//! it pays all holders together. Only `total` is rounded down, and what it leaves (under one
//! index unit per base unit of supply) stays in the rest; when a lane ends, its leftovers are
//! *carried* and join the next deposit's stream. Holders' accruals round down only when
//! taken, to whole units, and the fraction stays for next time: claiming often or once pays
//! the same. What streams while no share exists is owed to no one and left in the
//! distributor: no share minted later may collect what burned shares earned.
//!
//! # Mints
//! A mint adds to every live lane's rest exactly the new shares' part of it (rounded up to
//! whole units): the *top-up* the minter pays. Per-share rates stay as they were, so holders
//! before the mint get what their streams promised, and the minter recovers only what it paid
//! in.
//!
//! The index is a wrapping `u128` scaled by [`SCALE`]: only differences between two readings
//! matter, and a difference is exact while a holder's unsettled rewards per base unit of
//! supply stay below `2^128 / SCALE` (3.4 × 10^20) reward units.
use hashshare_common::math::{checked_mul, mul_div_ceil, mul_wide};

/// Fixed-point scale of the reward-per-share index. Decimal, so that decimal amounts (the
/// usual case) divide exactly.
pub const SCALE: u128 = 1_000_000_000_000_000_000;

/// Live streams at most: those paid in the previous epoch and in the current one.
pub const LANES: usize = 2;

/// One stream: until when it runs and how fast it raises the index. What it still has to pay
/// lives in [`Rewards::rest`].
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Lane {
    pub end: u64,
    /// Index units a second, × 2^`shift`, from the stream's `updated` until `end`.
    pub rate: u128,
    pub shift: u32,
}

/// The most extra binary digits a rate keeps.
const MAX_SHIFT: u32 = 64;

/// What reading the index needs: the part of the reward state every transfer and claim loads.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Stream {
    /// Reward per base unit of supply, × [`SCALE`], as of `updated`.
    pub index: u128,
    /// The last checkpoint.
    pub updated: u64,
    pub lanes: [Lane; LANES],
}

/// The whole reward state: the stream, and what only checkpoints need. Amounts not yet
/// credited are kept in index units (reward units × [`SCALE`]), like holders' accruals, so
/// crediting the index takes out of them exactly what it pays and no fraction is ever lost.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Rewards {
    pub stream: Stream,
    pub supply: i128,
    /// What each lane has still to pay, from `stream.updated` to its end, × [`SCALE`].
    pub rest: [i128; LANES],
    /// A lane's leftovers when it ended, × [`SCALE`]: joins the next deposit's stream.
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

/// Arithmetic beyond any amount a real asset can have, or a stream that cannot be placed.
#[derive(Debug, Eq, PartialEq)]
pub struct Overflow;

fn to_i128(value: u128) -> Result<i128, Overflow> {
    i128::try_from(value).map_err(|_| Overflow)
}

fn to_u128(value: i128) -> Result<u128, Overflow> {
    u128::try_from(value).map_err(|_| Overflow)
}

fn add(a: i128, b: i128) -> Result<i128, Overflow> {
    a.checked_add(b).ok_or(Overflow)
}

/// Reward units in index units: `amount × SCALE`, exact (up to 1.7 × 10^20 units).
fn scaled(amount: i128) -> Result<i128, Overflow> {
    amount.checked_mul(SCALE as i128).ok_or(Overflow)
}

impl Lane {
    /// What the lane adds to the index from `updated` until `now`: `(rate × seconds) >>
    /// shift`, at most its total, all of it at the end.
    fn increase(&self, updated: u64, now: u64) -> u128 {
        let seconds = now.min(self.end).saturating_sub(updated);
        if seconds == 0 || self.rate == 0 {
            return 0;
        }
        shr_wide(mul_wide(self.rate, u128::from(seconds)), self.shift)
    }

    /// Sets the rate that adds `total` index units over `span` (> 0) seconds: with as many
    /// extra digits as fit and, when the span is shorter than 2^shift, rounded up, which makes
    /// it exact at the end and over by under 2^-(shift - 18) units before it (never beyond
    /// `total`); otherwise rounded down.
    fn set_rate(&mut self, total: u128, span: u64) {
        self.shift = total.leading_zeros().saturating_sub(1).min(MAX_SHIFT);
        let scaled = total << self.shift;
        let span = u128::from(span);
        let round_up = span < (1u128 << self.shift) && !scaled.is_multiple_of(span);
        self.rate = scaled / span + u128::from(round_up);
    }
}

/// `(high, low) >> shift` for `shift < 128`, when the result fits in 128 bits.
fn shr_wide((high, low): (u128, u128), shift: u32) -> u128 {
    if shift == 0 {
        return low;
    }
    (high << (128 - shift)) | (low >> shift)
}

impl Stream {
    /// The index at `now`, without checkpointing.
    pub fn index_at(&self, now: u64) -> Result<u128, Overflow> {
        let mut index = self.index;
        for lane in &self.lanes {
            index = index.wrapping_add(lane.increase(self.updated, now));
        }
        Ok(index)
    }
}

impl Rewards {
    /// Moves the checkpoint to `now`: credits what each lane streamed since to the index and
    /// takes exactly that out of the lane's rest. An ended lane's leftovers are carried; while
    /// no share exists every rest is dropped (owed to no one). Re-fixes each lane's rate.
    pub fn checkpoint(&mut self, now: u64) -> Result<(), Overflow> {
        let now = now.max(self.stream.updated);
        for (lane, rest) in self.stream.lanes.iter().zip(self.rest.iter_mut()) {
            if *rest > 0 && self.supply > 0 {
                let increase = lane.increase(self.stream.updated, now);
                let paid = checked_mul(increase, to_u128(self.supply)?).ok_or(Overflow)?;
                // The increase is at most the lane's total, rest / supply: never beyond the rest.
                *rest = rest.checked_sub(to_i128(paid)?).ok_or(Overflow)?;
                self.stream.index = self.stream.index.wrapping_add(increase);
            }
            if self.supply <= 0 {
                // Streamed while no share exists: owed to no one, left in the distributor (else
                // a minter could recover its own payment once every holder has burned).
                *rest = 0;
            } else if now >= lane.end {
                self.carried = add(self.carried, *rest)?;
                *rest = 0;
            }
        }
        self.stream.updated = now;
        self.reset_totals()
    }

    /// Fixes each lane's rate to add, by its end, its rest shared by the current supply,
    /// rounded down (the remainder stays in the rest and is carried at the end).
    fn reset_totals(&mut self) -> Result<(), Overflow> {
        let updated = self.stream.updated;
        for (lane, rest) in self.stream.lanes.iter_mut().zip(self.rest.iter()) {
            if *rest > 0 && self.supply > 0 && lane.end > updated {
                let total = to_u128(*rest)? / to_u128(self.supply)?;
                lane.set_rate(total, lane.end - updated);
            } else {
                (lane.rate, lane.shift) = (0, 0);
            }
        }
        Ok(())
    }

    /// Streams `amount`, with everything carried, from `now` until `end` (later than `now`),
    /// in the lane that already ends then, or a free one.
    pub fn notify(&mut self, amount: i128, end: u64, now: u64) -> Result<(), Overflow> {
        self.checkpoint(now)?;
        if end <= self.stream.updated {
            return Err(Overflow);
        }
        let lanes = &mut self.stream.lanes;
        let slot = (0..LANES)
            .find(|&i| lanes[i].end == end)
            .or_else(|| (0..LANES).find(|&i| self.rest[i] == 0))
            .ok_or(Overflow)?;
        lanes[slot].end = end;
        self.rest[slot] = add(add(self.rest[slot], scaled(amount)?)?, self.carried)?;
        self.carried = 0;
        self.reset_totals()
    }

    /// Adds `amount` shares at `now` and returns the top-up (reward units) the minter owes:
    /// each live lane's rest grows by the new shares' part of it, rounded up to whole units,
    /// so per-share rates do not drop.
    pub fn mint(&mut self, amount: i128, now: u64) -> Result<i128, Overflow> {
        self.checkpoint(now)?;
        let mut topup = 0;
        if self.supply > 0 {
            let denominator = checked_mul(to_u128(self.supply)?, SCALE).ok_or(Overflow)?;
            for rest in self.rest.iter_mut().filter(|rest| **rest > 0) {
                let part =
                    mul_div_ceil(to_u128(*rest)?, to_u128(amount)?, denominator).ok_or(Overflow)?;
                let part = to_i128(part)?;
                *rest = add(*rest, scaled(part)?)?;
                topup = add(topup, part)?;
            }
        }
        self.supply = add(self.supply, amount)?;
        self.reset_totals()?;
        Ok(topup)
    }

    /// Removes `amount` shares at `now`: the streams' rests go to the remaining supply.
    pub fn burn(&mut self, amount: i128, now: u64) -> Result<(), Overflow> {
        self.checkpoint(now)?;
        self.supply = self.supply.checked_sub(amount).ok_or(Overflow)?;
        self.reset_totals()
    }

    /// Everything not yet credited to the index, in reward units (fractions included).
    #[cfg(test)]
    pub fn unpaid(&self) -> i128 {
        (self.rest.iter().sum::<i128>() + self.carried) / SCALE as i128
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
            self.accrued_scaled = add(self.accrued_scaled, to_i128(earned)?)?;
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

    fn supplied(supply: i128) -> Rewards {
        let mut r = Rewards::default();
        r.mint(supply, 0).unwrap();
        r
    }

    /// What `h` earns from `r`'s index at `t`.
    fn earned(r: &Rewards, h: Holder, t: u64) -> i128 {
        let mut h = h;
        h.settle(r.stream.index_at(t).unwrap()).unwrap();
        h.accrued()
    }

    #[test]
    fn a_stream_pays_linearly_and_completely() {
        let mut r = supplied(100);
        r.notify(1_000, 100, 0).unwrap();
        let h = holder(100, r.stream.index);
        assert_eq!(earned(&r, h, 25), 250);
        assert_eq!(earned(&r, h, 100), 1_000);
        assert_eq!(earned(&r, h, 1_000), 1_000, "nothing after the end");
    }

    #[test]
    fn a_second_deposit_never_delays_the_first() {
        let mut r = supplied(10);
        r.notify(1_000, 100, 0).unwrap();
        let h = holder(10, r.stream.index);
        r.notify(1, 200, 50).unwrap(); // a stranger's tiny deposit, in the other lane
        assert_eq!(earned(&r, h, 100), 1_000, "the first stream ends on time");
        r.notify(1, 100, 60).unwrap(); // joining the first lane speeds it, never slows it
        assert_eq!(
            earned(&r, h, 100),
            1_001,
            "and a third of the second lane's unit"
        );
        assert_eq!(earned(&r, h, 200), 1_002);
    }

    #[test]
    fn three_ends_at_once_cannot_be_placed() {
        let mut r = supplied(10);
        r.notify(10, 100, 0).unwrap();
        r.notify(10, 200, 0).unwrap();
        assert_eq!(r.notify(10, 300, 0), Err(Overflow));
        r.checkpoint(100).unwrap(); // the first lane ended: its slot is free again
        r.notify(10, 300, 100).unwrap();
    }

    #[test]
    fn a_mint_pays_in_what_its_shares_take_and_dilutes_no_one() {
        let mut r = supplied(100);
        r.notify(1_000, 100, 0).unwrap();
        let old = holder(100, r.stream.index);
        r.checkpoint(40).unwrap();
        let index_at_mint = r.stream.index;
        let topup = r.mint(50, 40).unwrap();
        assert_eq!(
            topup, 300,
            "half of the 600 left, for half as many shares again"
        );
        let new = holder(50, index_at_mint);
        assert_eq!(
            earned(&r, old, 100),
            1_000,
            "the old shares get their whole stream"
        );
        assert_eq!(
            earned(&r, new, 100),
            300,
            "the new ones exactly their top-up"
        );
    }

    #[test]
    fn a_burn_leaves_its_part_to_the_other_holders() {
        let mut r = supplied(100);
        r.notify(1_000, 100, 0).unwrap();
        let stays = holder(50, r.stream.index);
        r.burn(50, 50).unwrap();
        assert_eq!(earned(&r, stays, 100), 250 + 500);
    }

    #[test]
    fn what_streams_with_no_supply_is_owed_to_no_one() {
        let mut r = supplied(10);
        r.notify(600, 60, 0).unwrap();
        let burner = holder(10, r.stream.index);
        r.burn(10, 30).unwrap(); // every share burned halfway
        assert_eq!(earned(&r, burner, 30), 300);
        r.checkpoint(31).unwrap();
        assert_eq!(
            (r.carried, r.rest),
            (0, [0, 0]),
            "the other 300 are no one's"
        );
        assert_eq!(
            r.mint(10, 31).unwrap(),
            0,
            "nothing to top up: no stream runs"
        );
        r.notify(100, 90, 31).unwrap();
        let minter = holder(10, r.stream.index);
        assert_eq!(
            earned(&r, minter, 90),
            100,
            "the new shares get only the new stream"
        );
    }

    #[test]
    fn a_lanes_leftovers_are_carried_when_it_ends() {
        // 3 × 10^18 base units sharing 10 units: 3.3 index units, floored to 3, which take 9
        // of the 10: 1 is left when the lane ends.
        let mut r = supplied(3_000_000_000_000_000_000);
        r.notify(10, 7, 0).unwrap();
        r.checkpoint(7).unwrap();
        assert_eq!(r.stream.index, 3);
        assert_eq!((r.rest, r.unpaid()), ([0, 0], 10 - 9));
        r.notify(0, 20, 7).unwrap();
        assert_eq!(
            (r.rest[0] + r.rest[1], r.carried),
            (SCALE as i128, 0),
            "into the next stream"
        );
    }

    /// 1 MH/s shares of a 1 EH/s pool: 10^19 base units sharing 2,000,000 units a day. An
    /// integer rate (2.3 index units a second) would hold back 13%; the rate's extra digits
    /// hold back under a unit per checkpoint.
    #[test]
    fn fine_grained_shares_get_their_whole_stream() {
        let supply = 10_000_000_000_000_000_000;
        let mut r = supplied(supply);
        r.notify(2_000_000, 86_400, 0).unwrap();
        let h = holder(supply, r.stream.index);
        let paid = earned(&r, h, 86_400);
        assert!(2_000_000 - paid <= 10, "{paid}");
        // Checkpoints along the way (mints of others) hold back at most one more unit each.
        let mut r = supplied(supply);
        r.notify(2_000_000, 86_400, 0).unwrap();
        let mut h = holder(supply, r.stream.index);
        for t in (0..86_400).step_by(3_600) {
            r.checkpoint(t).unwrap();
            h.settle(r.stream.index).unwrap();
        }
        r.checkpoint(86_400).unwrap();
        h.settle(r.stream.index).unwrap();
        assert!(2_000_000 - h.accrued() <= 50, "{}", h.accrued());
    }

    #[test]
    fn huge_streams_never_overflow() {
        let mut r = supplied(1);
        let amount = i64::MAX as i128;
        r.notify(amount, 3, 0).unwrap();
        let h = holder(1, r.stream.index);
        assert_eq!(earned(&r, h, 1), amount / 3);
        assert_eq!(earned(&r, h, 3), amount);
    }

    #[test]
    fn holders_round_down() {
        let mut r = supplied(3);
        r.notify(10, 1, 0).unwrap();
        assert_eq!(earned(&r, holder(1, 0), 1), 3); // 10/3 rounded down
    }

    /// Holders keep fractions exactly, so every checkpoint must take what it pays out of the
    /// stream rounded up: otherwise fractions are streamed twice and holders are over-paid.
    #[test]
    fn many_checkpoints_never_credit_more_than_was_streamed() {
        let mut r = supplied(7);
        let (mut a, mut b) = (holder(3, 0), holder(4, 0));
        let mut streamed_in = 0;
        for round in 0..50u64 {
            let t = round * 13;
            r.notify(1_001, t + 13, t).unwrap();
            streamed_in += 1_001;
            for step in 1..=13 {
                r.checkpoint(t + step).unwrap(); // as a mint or burn would
                a.settle(r.stream.index).unwrap();
                b.settle(r.stream.index).unwrap();
            }
            let paid_scaled = a.accrued_scaled + b.accrued_scaled;
            let kept = i128::from(streamed_in) - r.unpaid();
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
        let mut r = supplied(3);
        r.notify(100, 30, 0).unwrap();
        let (mut often, mut once) = (holder(1, 0), holder(1, 0));
        let mut taken = 0;
        for t in 1..=30 {
            often.settle(r.stream.index_at(t).unwrap()).unwrap();
            taken += often.take();
        }
        once.settle(r.stream.index_at(30).unwrap()).unwrap();
        assert_eq!(taken, once.take());
        assert_eq!(taken, 33); // 100/3 rounded down once, not thirty times
    }
}
