//! The arithmetic of a lease, as plain functions: what an epoch costs, and how one settled
//! epoch divides its price between the provider, the market's fee and the renter.
use hashshare_common::math::{mul_div_ceil_i128, mul_div_floor_i128};

/// H/s in one TH/s: offers are priced per TH/s per epoch.
pub const TH: i128 = 1_000_000_000_000;
/// Epochs one `settle` call settles at most (each reads one report from the oracle, about
/// 1.3 MB of a transaction's 40 MiB): a lease settled late takes several bounded calls.
pub const MAX_SETTLE: u32 = 12;
/// A renter may close a lease once this many consecutive settled epochs were short ...
pub const CLOSE_AFTER_SHORT: u32 = 2;
/// ... each delivering less than this share of the leased hashrate (basis points: 90%).
pub const CLOSE_BELOW_BPS: i128 = 9_000;
/// The longest lease, in epochs (a year of daily epochs).
pub const MAX_EPOCHS: u32 = 366;

/// What one epoch of `hashrate` costs at `price_per_th_epoch`: rounded up, so the provider's
/// price is never rounded away (the renter sees the exact total before it signs).
pub fn price_per_epoch(price_per_th_epoch: i128, hashrate: i128) -> Option<i128> {
    mul_div_ceil_i128(price_per_th_epoch, hashrate, TH)
}

/// One settled epoch: `(paid to the provider, the fee out of it, refunded to the renter)`.
/// The provider's part is `price × min(delivered, leased) / leased`, floored; the fee
/// `part × fee_bps / 10^4`, floored; the renter gets the rest of the price. The three add up
/// to `price` exactly.
pub fn split(
    price: i128,
    delivered: i128,
    leased: i128,
    fee_bps: u32,
) -> Option<(i128, i128, i128)> {
    let delivered = delivered.clamp(0, leased);
    let part = mul_div_floor_i128(price, delivered, leased)?;
    let fee = mul_div_floor_i128(part, i128::from(fee_bps), 10_000)?;
    Some((part, fee, price - part))
}

/// Whether an epoch delivering `delivered` of `leased` counts against the provider for a
/// close (below 90%).
pub fn short_for_close(delivered: i128, leased: i128) -> bool {
    // delivered / leased < 0.9, without division: delivered × 10^4 < leased × 9,000.
    delivered.saturating_mul(10_000) < leased.saturating_mul(CLOSE_BELOW_BPS)
}
