//! Which finalized report is the latest *effective* one.
//!
//! A report becomes effective `dispute_seconds` after it finalized, unless disputed first.
//! Reports can finalize out of order (a late epoch) and be disputed, so the head of a pool keeps
//! the highest epoch known effective plus the few finalized epochs above it that are still in
//! their window. Reads resolve the head against the clock without writing; writes first fold
//! whatever has become effective into `last_effective`, which keeps `pending` short.
use soroban_sdk::{contracttype, Env, Vec};

/// Reports of one pool that may sit in their dispute window at once, above the latest
/// effective epoch. Bounds the head entry; reached only by a backlog of more than this many
/// epochs finalized within one dispute window.
pub const MAX_PENDING: u32 = 32;

#[contracttype]
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct PoolHead {
    /// The highest epoch whose report is known to be effective.
    pub last_effective: Option<u64>,
    /// `(epoch, effective_at)` of finalized reports above `last_effective`, any order.
    pub pending: Vec<(u64, u64)>,
}

impl PoolHead {
    pub fn new(env: &Env) -> Self {
        PoolHead {
            last_effective: None,
            pending: Vec::new(env),
        }
    }

    /// The highest effective epoch at `now`.
    pub fn latest_effective(&self, now: u64) -> Option<u64> {
        let mut latest = self.last_effective;
        for (epoch, effective_at) in self.pending.iter() {
            if effective_at <= now && latest.is_none_or(|l| epoch > l) {
                latest = Some(epoch);
            }
        }
        latest
    }

    /// Folds reports that became effective by `now` into `last_effective` and forgets the
    /// pending ones below it: a lower epoch can never again be the latest.
    pub fn settle(&mut self, now: u64) {
        self.last_effective = self.latest_effective(now);
        if let Some(floor) = self.last_effective {
            self.retain(|epoch| epoch > floor);
        }
    }

    /// Tracks a newly finalized epoch. Returns `false` if the head is full.
    pub fn add(&mut self, epoch: u64, effective_at: u64) -> bool {
        if self.last_effective.is_some_and(|floor| epoch <= floor) {
            return true; // effective or not, it can never be the latest
        }
        if self.pending.len() >= MAX_PENDING {
            return false;
        }
        self.pending.push_back((epoch, effective_at));
        true
    }

    /// Forgets a disputed epoch.
    pub fn remove(&mut self, epoch: u64) {
        self.retain(|e| e != epoch);
    }

    fn retain(&mut self, keep: impl Fn(u64) -> bool) {
        let mut i = 0;
        while i < self.pending.len() {
            match self.pending.get(i) {
                Some((epoch, _)) if !keep(epoch) => {
                    self.pending.remove(i);
                }
                _ => i += 1,
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn latest_effective_follows_the_clock_and_disputes() {
        let env = Env::default();
        let mut head = PoolHead::new(&env);
        assert_eq!(head.latest_effective(0), None);
        assert!(head.add(3, 100));
        assert!(head.add(1, 50)); // a late report of an older epoch
        assert_eq!(head.latest_effective(49), None);
        assert_eq!(head.latest_effective(50), Some(1));
        assert_eq!(head.latest_effective(100), Some(3));
        head.remove(3);
        assert_eq!(head.latest_effective(1_000), Some(1));
    }

    #[test]
    fn settle_folds_effective_reports_and_drops_what_they_dominate() {
        let env = Env::default();
        let mut head = PoolHead::new(&env);
        head.add(1, 10);
        head.add(2, 20);
        head.add(3, 30);
        head.settle(25);
        assert_eq!(head.last_effective, Some(2));
        assert_eq!(head.pending.len(), 1);
        // An epoch below the floor is never tracked again.
        assert!(head.add(1, 40));
        assert_eq!(head.pending.len(), 1);
        head.settle(30);
        assert_eq!(head.last_effective, Some(3));
        assert!(head.pending.is_empty());
    }

    #[test]
    fn head_is_bounded() {
        let env = Env::default();
        let mut head = PoolHead::new(&env);
        for e in 0..u64::from(MAX_PENDING) {
            assert!(head.add(e, 1_000));
        }
        assert!(!head.add(99, 1_000));
        head.settle(1_000);
        assert!(head.add(99, 2_000));
    }
}
