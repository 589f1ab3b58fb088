//! Epoch arithmetic. Epoch `e` covers `[genesis + e * epoch_seconds, genesis + (e + 1) *
//! epoch_seconds)`; all of it is checked, so absurd epochs are simply "not ended", never a wrap.

/// The epoch containing `now`; 0 before genesis.
pub fn current_epoch(genesis: u64, epoch_seconds: u64, now: u64) -> u64 {
    now.saturating_sub(genesis) / epoch_seconds.max(1)
}

/// Whether epoch `epoch` is over at `now`.
pub fn has_ended(genesis: u64, epoch_seconds: u64, epoch: u64, now: u64) -> bool {
    epoch
        .checked_add(1)
        .and_then(|n| n.checked_mul(epoch_seconds))
        .and_then(|d| d.checked_add(genesis))
        .is_some_and(|end| end <= now)
}

/// Whether a report of `report_epoch` is too old to stand for today's hashrate.
pub fn is_stale(report_epoch: u64, current_epoch: u64, max_age_epochs: u64) -> bool {
    current_epoch.saturating_sub(report_epoch) > max_age_epochs
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn epochs_follow_genesis_and_length() {
        assert_eq!(current_epoch(1_000, 100, 0), 0);
        assert_eq!(current_epoch(1_000, 100, 1_099), 0);
        assert_eq!(current_epoch(1_000, 100, 1_100), 1);
        assert!(!has_ended(1_000, 100, 0, 1_099));
        assert!(has_ended(1_000, 100, 0, 1_100));
        assert!(!has_ended(1_000, 100, u64::MAX, u64::MAX));
        assert!(!has_ended(u64::MAX, 1, 0, u64::MAX));
    }

    #[test]
    fn staleness_counts_whole_epochs_behind() {
        assert!(!is_stale(5, 6, 1));
        assert!(is_stale(5, 7, 1));
        assert!(!is_stale(5, 5, 0));
        assert!(!is_stale(9, 5, 0));
    }
}
