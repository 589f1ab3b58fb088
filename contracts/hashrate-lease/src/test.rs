//! The lease's arithmetic, exactly.
use crate::settlement::{price_per_epoch, short_for_close, split, TH};

#[test]
fn an_epoch_costs_the_offer_price_for_its_hashrate_rounded_up() {
    assert_eq!(price_per_epoch(1_000, 100 * TH), Some(100_000));
    // 1.5 TH/s at 3 units per TH/s: 4.5, rounded up to 5.
    assert_eq!(price_per_epoch(3, 3 * TH / 2), Some(5));
    assert_eq!(price_per_epoch(i128::MAX, 2 * TH), None);
}

#[test]
fn an_epoch_pays_the_provider_for_what_was_delivered_and_the_renter_the_rest() {
    // Full delivery (and more: capped at what was leased), 5% fee out of the provider's part.
    assert_eq!(
        split(100_000, 100 * TH, 100 * TH, 500),
        Some((100_000, 5_000, 0))
    );
    assert_eq!(
        split(100_000, 250 * TH, 100 * TH, 500),
        Some((100_000, 5_000, 0))
    );
    // 73.3...% delivered: the provider's part floored, the renter gets the rest to the unit.
    assert_eq!(
        split(100_001, 220 * TH, 300 * TH, 500),
        Some((73_334, 3_666, 26_667))
    );
    // Nothing delivered (or a negative report): everything back.
    assert_eq!(split(100_000, 0, 100 * TH, 500), Some((0, 0, 100_000)));
    assert_eq!(split(100_000, -5, 100 * TH, 500), Some((0, 0, 100_000)));
    for (price, delivered, leased) in [(7, 1, 3), (1, 1, 2), (999_999_999, 123, 1_000)] {
        let (part, fee, back) = split(price, delivered, leased, 1_234).expect("fits");
        assert_eq!(part + back, price, "nothing created or lost");
        assert!(fee <= part);
    }
}

#[test]
fn an_epoch_counts_for_a_close_below_ninety_percent() {
    assert!(short_for_close(89, 100));
    assert!(!short_for_close(90, 100));
    assert!(!short_for_close(100, 100));
    assert!(short_for_close(0, 100));
}
