//! The supply-seconds accumulator: the share supply integrated over each epoch of the pool, so
//! that an epoch's debt is sized by the hashrate actually sold *during* it.
//!
//! Written only when the supply changes (mint, burn), never by transfers. The clock keeps the
//! running epoch's integral; the first change in a later epoch finishes it, and the finished
//! epoch is stored once (the caller writes it), so any epoch's integral is known in O(1): a
//! stored one, the clock's own, or — for an epoch with no change at all — its constant supply
//! times its length, which the distributor knows because it records epochs in order.

pub use crate::rewards::Overflow;

/// A pool's epoch grid: epoch `e` covers `[genesis + e * seconds, genesis + (e + 1) * seconds)`.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Schedule {
    pub genesis: u64,
    pub epoch_seconds: u64,
}

impl Schedule {
    /// The epoch containing `now` (0 before genesis).
    pub fn epoch_at(&self, now: u64) -> u64 {
        now.saturating_sub(self.genesis) / self.epoch_seconds.max(1)
    }

    pub fn start(&self, epoch: u64) -> Result<u64, Overflow> {
        epoch
            .checked_mul(self.epoch_seconds)
            .and_then(|offset| offset.checked_add(self.genesis))
            .ok_or(Overflow)
    }

    /// Where a deposit made at `now` stops streaming: the end of the epoch after the current
    /// one, so every stream lasts more than an epoch and all of an epoch's deposits end
    /// together.
    pub fn stream_end(&self, now: u64) -> Result<u64, Overflow> {
        self.start(self.epoch_at(now).checked_add(2).ok_or(Overflow)?)
    }
}

/// The running epoch's integral: `supply_seconds` from the epoch's start to `since`.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct SupplyClock {
    pub epoch: u64,
    pub supply_seconds: i128,
    pub since: u64,
}

/// `supply × seconds`, checked.
fn integral(supply: i128, seconds: u64) -> Result<i128, Overflow> {
    supply.checked_mul(i128::from(seconds)).ok_or(Overflow)
}

impl SupplyClock {
    /// A clock started at `now` with no supply.
    pub fn start(schedule: &Schedule, now: u64) -> SupplyClock {
        SupplyClock {
            epoch: schedule.epoch_at(now),
            supply_seconds: 0,
            since: now.max(schedule.genesis),
        }
    }

    /// Accounts `supply` (unchanged since `since`) up to `now`, just before it changes. When
    /// `now` lies in a later epoch, returns the finished epoch and its integral.
    pub fn advance(
        &mut self,
        schedule: &Schedule,
        supply: i128,
        now: u64,
    ) -> Result<Option<(u64, i128)>, Overflow> {
        let now = now.max(self.since);
        let epoch = schedule.epoch_at(now);
        if epoch == self.epoch {
            let held = integral(supply, now - self.since)?;
            self.supply_seconds = self.supply_seconds.checked_add(held).ok_or(Overflow)?;
            self.since = now;
            return Ok(None);
        }
        let finished = (self.epoch, self.total(schedule, supply)?);
        let start = schedule.start(epoch)?;
        *self = SupplyClock {
            epoch,
            supply_seconds: integral(supply, now - start)?,
            since: now,
        };
        Ok(Some(finished))
    }

    /// The clock epoch's whole integral if `supply` holds until its end.
    pub fn total(&self, schedule: &Schedule, supply: i128) -> Result<i128, Overflow> {
        let end = schedule.start(self.epoch.checked_add(1).ok_or(Overflow)?)?;
        let rest = integral(supply, end.saturating_sub(self.since))?;
        self.supply_seconds.checked_add(rest).ok_or(Overflow)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    const DAY: Schedule = Schedule {
        genesis: 1_000,
        epoch_seconds: 100,
    };

    #[test]
    fn streams_end_one_epoch_after_the_current_one() {
        assert_eq!(DAY.stream_end(1_000), Ok(1_200));
        assert_eq!(DAY.stream_end(1_099), Ok(1_200));
        assert_eq!(DAY.stream_end(1_100), Ok(1_300));
        assert_eq!(DAY.stream_end(0), Ok(1_200), "before genesis: epoch 0");
        let huge = Schedule {
            genesis: u64::MAX - 10,
            epoch_seconds: 100,
        };
        assert_eq!(huge.stream_end(u64::MAX), Err(Overflow));
    }

    #[test]
    fn an_epoch_integrates_the_supply_over_its_own_seconds() {
        let mut clock = SupplyClock::start(&DAY, 1_020);
        assert_eq!(clock.advance(&DAY, 0, 1_020), Ok(None)); // the first mint: 10
        assert_eq!(clock.advance(&DAY, 10, 1_070), Ok(None)); // a mint: 10 -> 30
        assert_eq!(clock.total(&DAY, 30), Ok(10 * 50 + 30 * 30));
        // The first change in epoch 3 finishes epoch 0 (epochs 1 and 2 had 30 throughout).
        assert_eq!(
            clock.advance(&DAY, 30, 1_350),
            Ok(Some((0, 10 * 50 + 30 * 30)))
        );
        assert_eq!(
            clock,
            SupplyClock {
                epoch: 3,
                supply_seconds: 30 * 50,
                since: 1_350
            }
        );
    }

    #[test]
    fn time_before_genesis_belongs_to_no_epoch() {
        let mut clock = SupplyClock::start(&DAY, 500);
        assert_eq!(clock.since, 1_000);
        assert_eq!(clock.advance(&DAY, 0, 600), Ok(None));
        assert_eq!(clock.advance(&DAY, 7, 1_010), Ok(None));
        assert_eq!(clock.total(&DAY, 7), Ok(7 * 100));
    }
}
