//! Multiply-then-divide that never overflows silently: `floor(a * b / d)` with the product in
//! 256 bits. The common case (the product fits in 128 bits) stays in plain integer arithmetic;
//! only a product beyond `u128::MAX` goes through the host's `U256`, which is exact.
use soroban_sdk::{Env, U256};

/// `floor(a * b / d)`, or `None` when `d == 0` or the quotient exceeds `u128::MAX`.
pub fn mul_div_floor(env: &Env, a: u128, b: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    match a.checked_mul(b) {
        Some(product) => Some(product / d),
        None => U256::from_u128(env, a)
            .mul(&U256::from_u128(env, b))
            .div(&U256::from_u128(env, d))
            .to_u128(),
    }
}

/// `floor(a * b / d)` for non-negative `i128`s; `None` for a negative input, `d == 0`, or a
/// quotient beyond `i128::MAX`.
pub fn mul_div_floor_i128(env: &Env, a: i128, b: i128, d: i128) -> Option<i128> {
    let (a, b, d) = (
        u128::try_from(a).ok()?,
        u128::try_from(b).ok()?,
        u128::try_from(d).ok()?,
    );
    mul_div_floor(env, a, b, d).and_then(|q| i128::try_from(q).ok())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn exact_in_both_paths() {
        let env = Env::default();
        assert_eq!(mul_div_floor(&env, 7, 3, 2), Some(10));
        assert_eq!(mul_div_floor(&env, 7, 3, 0), None);
        // Product of 2^127 * 2^64 needs 192 bits; the quotient fits again.
        let big = 1u128 << 127;
        assert_eq!(mul_div_floor(&env, big, 1 << 64, 1 << 64), Some(big));
        assert_eq!(
            mul_div_floor(&env, u128::MAX, u128::MAX, u128::MAX),
            Some(u128::MAX)
        );
        assert_eq!(mul_div_floor(&env, u128::MAX, 3, 2), None);
        // (2^128 - 1) * (10^18 + 1) / (10^18 + 7), checked against the identity q*d + r = a*b.
        let (a, b, d) = (
            u128::MAX,
            1_000_000_000_000_000_001,
            1_000_000_000_000_000_007,
        );
        let q = mul_div_floor(&env, a, b, d).unwrap();
        let lhs = U256::from_u128(&env, q).mul(&U256::from_u128(&env, d));
        let rhs = U256::from_u128(&env, a).mul(&U256::from_u128(&env, b));
        let r = rhs.sub(&lhs).to_u128().unwrap();
        assert!(r < d);
    }

    #[test]
    fn signed_wrapper_refuses_negative_and_oversized() {
        let env = Env::default();
        assert_eq!(mul_div_floor_i128(&env, -1, 1, 1), None);
        assert_eq!(mul_div_floor_i128(&env, i128::MAX, 2, 1), None);
        assert_eq!(mul_div_floor_i128(&env, i128::MAX, 2, 2), Some(i128::MAX));
    }
}
