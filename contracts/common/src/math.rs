//! Multiply-then-divide that never overflows silently, in plain integer arithmetic (no host
//! calls, so no imports that every call of a contract would pay to instantiate).
//!
//! Products are formed from 64-bit halves: Rust's overflow-checked `u128` multiply compiles to
//! a generic routine that costs thousands of WASM instructions, the widening product a few
//! dozen. A product that fits in 128 bits is then divided directly; a wider one is divided by
//! long division: slow, but only reached by amounts far beyond any real asset's.

/// `floor(a * b / d)`, or `None` when `d == 0` or the quotient exceeds `u128::MAX`.
pub fn mul_div_floor(a: u128, b: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    match mul_wide(a, b) {
        (0, product) => Some(product / d),
        wide => div_wide(wide, d),
    }
}

/// `ceil(a * b / d)`, or `None` when `d == 0` or the quotient exceeds `u128::MAX`.
pub fn mul_div_ceil(a: u128, b: u128, d: u128) -> Option<u128> {
    let floor = mul_div_floor(a, b, d)?;
    if mul_wide(floor, d) == mul_wide(a, b) {
        Some(floor)
    } else {
        floor.checked_add(1)
    }
}

/// `a * b`, or `None` past `u128::MAX`.
pub fn checked_mul(a: u128, b: u128) -> Option<u128> {
    match mul_wide(a, b) {
        (0, product) => Some(product),
        _ => None,
    }
}

/// `floor(a * b / d)` for non-negative `i128`s; `None` for a negative input, `d == 0`, or a
/// quotient beyond `i128::MAX`.
pub fn mul_div_floor_i128(a: i128, b: i128, d: i128) -> Option<i128> {
    let (a, b, d) = (
        u128::try_from(a).ok()?,
        u128::try_from(b).ok()?,
        u128::try_from(d).ok()?,
    );
    mul_div_floor(a, b, d).and_then(|q| i128::try_from(q).ok())
}

/// `ceil(a * b / d)` for non-negative `i128`s; `None` for a negative input, `d == 0`, or a
/// quotient beyond `i128::MAX`.
pub fn mul_div_ceil_i128(a: i128, b: i128, d: i128) -> Option<i128> {
    let (a, b, d) = (
        u128::try_from(a).ok()?,
        u128::try_from(b).ok()?,
        u128::try_from(d).ok()?,
    );
    mul_div_ceil(a, b, d).and_then(|q| i128::try_from(q).ok())
}

/// The full 256-bit product `a * b` as `(high, low)` 128-bit halves.
pub fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    if a_hi == 0 && b_hi == 0 {
        return (0, a_lo * b_lo); // the usual case: one 64 × 64-bit multiply
    }
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    // Middle column: at most 3 * (2^64 - 1), which fits in 128 bits.
    let middle = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (middle << 64) | (lo_lo & MASK);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

/// `floor((high * 2^128 + low) / d)` by restoring long division, `None` past `u128::MAX`.
fn div_wide((high, low): (u128, u128), d: u128) -> Option<u128> {
    if high >= d {
        return None; // the quotient would need more than 128 bits
    }
    let mut remainder = high;
    let mut quotient = 0u128;
    for bit in (0..128).rev() {
        // remainder < d, so remainder * 2 + 1 may carry out of 128 bits: track the carry.
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        if carry == 1 || remainder >= d {
            remainder = remainder.wrapping_sub(d);
            quotient |= 1 << bit;
        }
    }
    Some(quotient)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn narrow_products_divide_directly() {
        assert_eq!(mul_div_floor(7, 3, 2), Some(10));
        assert_eq!(mul_div_floor(7, 3, 0), None);
    }

    #[test]
    fn ceiling_rounds_up_only_a_remainder() {
        assert_eq!(mul_div_ceil(6, 2, 4), Some(3));
        assert_eq!(mul_div_ceil(7, 2, 4), Some(4));
        assert_eq!(mul_div_ceil(0, 5, 3), Some(0));
        assert_eq!(mul_div_ceil(u128::MAX, 1, 1), Some(u128::MAX));
        assert_eq!(mul_div_ceil(u128::MAX, 2, 2), Some(u128::MAX));
        assert_eq!(mul_div_ceil(u128::MAX, 3, 2), None);
        assert_eq!(mul_div_ceil(1, 1, 0), None);
    }

    #[test]
    fn checked_mul_matches_the_builtin() {
        for (a, b) in [
            (0, u128::MAX),
            (u128::MAX, 1),
            (1 << 64, 1 << 63),
            (1 << 64, 1 << 64),
            (3 << 100, 5),
            (u64::MAX as u128, u64::MAX as u128 + 2),
        ] {
            assert_eq!(checked_mul(a, b), a.checked_mul(b), "{a} * {b}");
        }
    }

    #[test]
    fn wide_products_are_exact() {
        let big = 1u128 << 127;
        assert_eq!(mul_div_floor(big, 1 << 64, 1 << 64), Some(big));
        assert_eq!(
            mul_div_floor(u128::MAX, u128::MAX, u128::MAX),
            Some(u128::MAX)
        );
        assert_eq!(mul_div_floor(u128::MAX, 3, 2), None);
        // (2^128 - 1)(2^128 - 1) = 2^256 - 2^129 + 1
        assert_eq!(mul_wide(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
    }

    /// Checks q = floor(a * b / d) through q * d <= a * b < (q + 1) * d, in 256 bits.
    fn check(a: u128, b: u128, d: u128) {
        let q = mul_div_floor(a, b, d).expect("quotient fits");
        let product = mul_wide(a, b);
        let below = mul_wide(q, d);
        assert!(below <= product, "{a} * {b} / {d}: q too big");
        let (hi, lo) = below;
        let (lo, carry) = lo.overflowing_add(d);
        let above = (hi + u128::from(carry), lo);
        assert!(product < above, "{a} * {b} / {d}: q too small");
    }

    #[test]
    fn long_division_matches_the_definition() {
        let mut x: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834;
        for _ in 0..2_000 {
            // xorshift: a spread of magnitudes for a, b and d
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let a = x >> (x % 64);
            let b = x.rotate_left(41) >> (x % 71);
            let d = (x.rotate_left(83) >> (x % 127)).max(1);
            if mul_div_floor(a, b, d).is_some() {
                check(a, b, d);
            }
        }
        check(
            u128::MAX,
            1_000_000_000_000_000_001,
            1_000_000_000_000_000_007,
        );
    }

    #[test]
    fn signed_wrappers_refuse_negative_and_oversized() {
        assert_eq!(mul_div_floor_i128(-1, 1, 1), None);
        assert_eq!(mul_div_floor_i128(i128::MAX, 2, 1), None);
        assert_eq!(mul_div_floor_i128(i128::MAX, 2, 2), Some(i128::MAX));
        assert_eq!(mul_div_ceil_i128(7, 2, 4), Some(4));
        assert_eq!(mul_div_ceil_i128(1, -1, 1), None);
        assert_eq!(mul_div_ceil_i128(i128::MAX, 2, 2), Some(i128::MAX));
        assert_eq!(mul_div_ceil_i128(i128::MAX, 3, 2), None);
    }
}
