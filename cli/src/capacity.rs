//! The mint cap and why it is what it is: the oracle's sustained capacity (the lowest hashrate
//! of the last `capacity_epochs` consecutive effective epochs, 0 when fewer exist or the latest
//! is stale), the supply it allows and the room left under it.
use hashshare_interfaces::SHARE_UNIT;

use crate::units::{hashrate, shares};

/// What explains the mint cap, read from the ledger in one go (locally) or call by call
/// (testnet).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CapacityView {
    /// The oracle's `capacity(pool)`, H/s.
    pub capacity: i128,
    /// The highest effective epoch, if any.
    pub latest: Option<u64>,
    pub current_epoch: u64,
    pub max_age_epochs: u64,
    pub capacity_epochs: u32,
    /// Consecutive effective epochs ending at `latest`, counted up to `capacity_epochs`.
    pub run: u32,
    /// Share supply, base units.
    pub supply: i128,
    pub hashrate_per_share: i128,
    pub maturity: u64,
    /// Ledger time of the reading.
    pub timestamp: u64,
}

impl CapacityView {
    /// The largest supply the capacity allows, base units: `capacity * 10^7 /
    /// hashrate_per_share`, rounded down (the share token's own rule).
    pub fn max_supply(&self) -> i128 {
        if self.hashrate_per_share <= 0 || self.capacity <= 0 {
            return 0;
        }
        self.capacity
            .checked_mul(SHARE_UNIT)
            .map_or(i128::MAX, |c| c / self.hashrate_per_share)
    }

    /// Shares (base units) that may still be minted now.
    pub fn room(&self) -> i128 {
        if self.timestamp >= self.maturity {
            return 0;
        }
        (self.max_supply() - self.supply).max(0)
    }

    /// Why the sustained capacity is 0, or `None` if it is not.
    pub fn why_no_capacity(&self) -> Option<String> {
        if self.capacity > 0 {
            return None;
        }
        let needed = self.capacity_epochs;
        Some(match self.latest {
            None => "no attestation yet: no epoch has an effective report".to_string(),
            Some(latest) if self.current_epoch.saturating_sub(latest) > self.max_age_epochs => {
                format!(
                    "stale: the latest effective epoch, {latest}, is more than max_age_epochs \
({}) behind the current epoch {}",
                    self.max_age_epochs, self.current_epoch
                )
            }
            Some(latest) if self.run < needed => format!(
                "fewer than capacity_epochs ({needed}) consecutive effective epochs: {} end at \
epoch {latest}",
                self.run
            ),
            Some(_) => format!("the lowest hashrate attested over the last {needed} epochs is 0"),
        })
    }

    /// Why nothing may be minted now, or `None` if something may.
    pub fn why_no_room(&self) -> Option<String> {
        if self.room() > 0 {
            return None;
        }
        if self.timestamp >= self.maturity {
            return Some("the shares have matured: no mint at or after maturity".into());
        }
        if let Some(why) = self.why_no_capacity() {
            return Some(why);
        }
        Some(format!(
            "sold out: the supply of {} shares sells all {} of sustained capacity",
            shares(self.supply),
            hashrate(self.capacity)
        ))
    }

    /// One line: the capacity, and why it is 0 when it is.
    pub fn capacity_line(&self) -> String {
        match self.why_no_capacity() {
            None => format!(
                "{} sustained over {} epochs",
                hashrate(self.capacity),
                self.capacity_epochs
            ),
            Some(why) => format!("0 ({why})"),
        }
    }

    /// One line: the room left under the capacity, and why it is 0 when it is.
    pub fn room_line(&self) -> String {
        let room = self.room();
        let sells = room
            .checked_mul(self.hashrate_per_share)
            .map_or(0, |h| h / SHARE_UNIT);
        match self.why_no_room() {
            None => format!(
                "room left: {} shares ({}) under the sustained capacity of {}",
                shares(room),
                hashrate(sells),
                hashrate(self.capacity)
            ),
            Some(why) => format!("room left: 0 shares ({why})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TH: i128 = 1_000_000_000_000;

    fn view() -> CapacityView {
        CapacityView {
            capacity: 100 * TH,
            latest: Some(6),
            current_epoch: 7,
            max_age_epochs: 2,
            capacity_epochs: 7,
            run: 7,
            supply: 90 * SHARE_UNIT,
            hashrate_per_share: TH,
            maturity: 1_000,
            timestamp: 10,
        }
    }

    #[test]
    fn room_and_its_reasons() {
        let v = view();
        assert_eq!(v.room(), 10 * SHARE_UNIT);
        assert_eq!(
            v.room_line(),
            "room left: 10 shares (10 TH/s) under the sustained capacity of 100 TH/s"
        );
        let sold_out = CapacityView {
            supply: 100 * SHARE_UNIT,
            ..view()
        };
        assert!(
            sold_out.room_line().contains("sold out"),
            "{}",
            sold_out.room_line()
        );
        let none = CapacityView {
            capacity: 0,
            latest: None,
            run: 0,
            ..view()
        };
        assert!(none.room_line().contains("no attestation yet"));
        let short = CapacityView {
            capacity: 0,
            run: 3,
            ..view()
        };
        assert_eq!(
            short.capacity_line(),
            "0 (fewer than capacity_epochs (7) consecutive effective epochs: 3 end at epoch 6)"
        );
        let stale = CapacityView {
            capacity: 0,
            current_epoch: 9,
            ..view()
        };
        assert!(
            stale.capacity_line().contains("stale"),
            "{}",
            stale.capacity_line()
        );
        let matured = CapacityView {
            timestamp: 1_000,
            ..view()
        };
        assert!(matured.room_line().contains("matured"));
    }
}
