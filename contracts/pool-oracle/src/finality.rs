//! Which finalized reports are effective, and the sustained capacity they attest.
//!
//! A report becomes effective `dispute_seconds` after it finalized, unless disputed first.
//! Reports can finalize out of order (a late epoch) and be disputed, so the head of a pool
//! keeps the recent finalized epochs — `(epoch, hashrate, effective_at)`, sorted by epoch —
//! that can still matter: every one inside its dispute window, and the effective ones within
//! the sustained-capacity window below the latest. Reads resolve the head against the clock
//! without writing; writes first drop what can no longer matter, which bounds the entry.
use soroban_sdk::{contracttype, Env, Vec};

/// Reports of one pool that may sit in their dispute window at once. Bounds the head entry;
/// reached only by a backlog of more than this many epochs finalized within one window.
pub const MAX_PENDING: u32 = 32;

/// One finalized epoch: `(epoch, hashrate, effective_at)`. A tuple serializes smaller than a
/// struct.
pub type Finalized = (u64, i128, u64);

#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PoolHead {
    /// Recent finalized epochs, ascending by epoch, each at most once.
    pub recent: Vec<Finalized>,
}

impl PoolHead {
    pub fn new(env: &Env) -> Self {
        PoolHead {
            recent: Vec::new(env),
        }
    }

    /// The highest effective epoch at `now`.
    pub fn latest_effective(&self, now: u64) -> Option<u64> {
        let mut latest = None;
        for (epoch, _, effective_at) in self.recent.iter() {
            if effective_at <= now {
                latest = Some(epoch); // ascending: the last one found is the highest
            }
        }
        latest
    }

    /// The lowest hashrate of the `window` consecutive epochs ending at the latest effective
    /// one, all effective at `now`, with that latest epoch; `None` when fewer exist or one of
    /// them is missing or not yet effective.
    pub fn sustained(&self, now: u64, window: u32) -> Option<(u64, i128)> {
        let latest = self.latest_effective(now)?;
        let first = latest.checked_sub(u64::from(window).checked_sub(1)?)?;
        let (mut expected, mut lowest) = (first, i128::MAX);
        for (epoch, hashrate, effective_at) in self.recent.iter() {
            if epoch < first || epoch > latest {
                continue;
            }
            if epoch != expected || effective_at > now {
                return None; // a gap, or an epoch still disputable
            }
            lowest = lowest.min(hashrate);
            expected += 1;
        }
        (expected == latest + 1).then_some((latest, lowest))
    }

    /// Drops the epochs that can no longer count at or after `now`: those at least `window`
    /// below the latest effective epoch (no window ending at or above it reaches them).
    pub fn settle(&mut self, now: u64, window: u32) {
        let Some(latest) = self.latest_effective(now) else {
            return;
        };
        let floor = latest.saturating_sub(u64::from(window).saturating_sub(1));
        while self
            .recent
            .first()
            .is_some_and(|(epoch, _, _)| epoch < floor)
        {
            self.recent.pop_front();
        }
    }

    /// Tracks a newly finalized epoch. Returns `false` if `MAX_PENDING` reports are already
    /// inside their dispute window at `now`.
    pub fn add(&mut self, now: u64, finalized: Finalized) -> bool {
        let pending = self.recent.iter().filter(|(_, _, at)| *at > now).count();
        if pending >= MAX_PENDING as usize {
            return false;
        }
        let position = self
            .recent
            .iter()
            .position(|(epoch, _, _)| epoch > finalized.0)
            .unwrap_or(self.recent.len() as usize);
        self.recent.insert(position as u32, finalized);
        true
    }

    /// Forgets a disputed epoch.
    pub fn remove(&mut self, epoch: u64) {
        if let Some(i) = self.recent.iter().position(|(e, _, _)| e == epoch) {
            self.recent.remove(i as u32);
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    const TH: i128 = 1_000_000_000_000;

    #[test]
    fn latest_effective_follows_the_clock_and_disputes() {
        let env = Env::default();
        let mut head = PoolHead::new(&env);
        assert_eq!(head.latest_effective(0), None);
        assert!(head.add(0, (3, TH, 100)));
        assert!(head.add(0, (1, TH, 50))); // a late report of an older epoch
        assert_eq!(head.latest_effective(49), None);
        assert_eq!(head.latest_effective(50), Some(1));
        assert_eq!(head.latest_effective(100), Some(3));
        head.remove(3);
        assert_eq!(head.latest_effective(1_000), Some(1));
    }

    #[test]
    fn sustained_is_the_lowest_of_a_full_consecutive_effective_window() {
        let env = Env::default();
        let mut head = PoolHead::new(&env);
        for (epoch, hashrate) in [(0, 100), (1, 120), (2, 90), (3, 300)] {
            assert!(head.add(0, (epoch, hashrate * TH, 10 * (epoch + 1))));
        }
        assert_eq!(head.sustained(40, 3), Some((3, 90 * TH)));
        assert_eq!(
            head.sustained(40, 1),
            Some((3, 300 * TH)),
            "one rented epoch"
        );
        assert_eq!(head.sustained(40, 4), Some((3, 90 * TH)));
        assert_eq!(head.sustained(40, 5), None, "fewer epochs than the window");
        // Epoch 3 still disputable: the window ends at 2.
        assert_eq!(head.sustained(35, 3), Some((2, 90 * TH)));
        // A gap: epoch 5 finalized, 4 missing.
        assert!(head.add(40, (5, 100 * TH, 60)));
        assert_eq!(head.sustained(60, 2), None);
        assert_eq!(head.sustained(60, 1), Some((5, 100 * TH)));
        // The late report of epoch 4 closes the gap once effective.
        assert!(head.add(60, (4, 110 * TH, 70)));
        assert_eq!(head.sustained(65, 2), None, "4 not yet effective");
        assert_eq!(head.sustained(70, 3), Some((5, 100 * TH)));
    }

    #[test]
    fn settle_drops_only_what_no_window_can_reach() {
        let env = Env::default();
        let mut head = PoolHead::new(&env);
        for epoch in 0..10 {
            head.add(0, (epoch, TH, epoch));
        }
        head.settle(9, 3);
        assert_eq!(head.recent.len(), 3);
        assert_eq!(head.sustained(9, 3), Some((9, TH)));
        // Pending epochs above the latest stay.
        head.add(9, (10, TH, 100));
        head.settle(50, 3);
        assert_eq!(head.recent.len(), 4);
    }

    #[test]
    fn head_is_bounded_by_pending_reports() {
        let env = Env::default();
        let mut head = PoolHead::new(&env);
        for e in 0..u64::from(MAX_PENDING) {
            assert!(head.add(0, (e, TH, 1_000)));
        }
        assert!(!head.add(0, (99, TH, 1_000)));
        head.settle(1_000, 1);
        assert_eq!(head.recent.len(), 1);
        assert!(head.add(1_000, (99, TH, 2_000)));
    }
}
