//! Reward accounting: a reward-per-share index streamed linearly over time (the
//! Funds-Distribution-Token pattern), with each holder's position kept beside its balance.
//!
//! The global index is a pure function of the stream and the clock while the supply does not
//! change, so transfers read it without writing global state; only mint, burn and a new stream
//! checkpoint it. Holders are rounded down everywhere; what rounding leaves stays in the
//! distributor's books as dust, never owed and never over-paid.
//!
//! The index is a wrapping `u128` scaled by [`SCALE`]: only differences between two readings
//! matter, and a difference is exact as long as a holder's unsettled rewards per base unit of
//! supply stay below `2^128 / SCALE` (3.4 × 10^20 reward units per base share unit).
use hashshare_common::math::mul_div_floor;
use soroban_sdk::Env;

/// Fixed-point scale of the reward-per-share index.
pub const SCALE: u128 = 1_000_000_000_000_000_000;

/// The token-wide reward state.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Rewards {
    pub supply: i128,
    /// Reward per base unit of supply, × [`SCALE`], as of `updated`.
    pub index: u128,
    /// When the index was last checkpointed.
    pub updated: u64,
    /// When the current stream has fully paid out.
    pub end: u64,
    /// What the current stream still has to pay out after `updated`.
    pub unstreamed: i128,
    /// Streamed while the supply was zero; joins the next stream.
    pub carried: i128,
}

/// A holder's position: its balance, the index it was last settled at, and the rewards it has
/// earned but not yet taken.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Holder {
    pub balance: i128,
    pub index: u128,
    pub accrued: i128,
}

/// Arithmetic beyond any amount a real asset can have.
#[derive(Debug, Eq, PartialEq)]
pub struct Overflow;

impl Rewards {
    /// Reward streamed between the checkpoint and `now`.
    fn streamed(&self, env: &Env, now: u64) -> Result<i128, Overflow> {
        if self.unstreamed <= 0 || now <= self.updated {
            return Ok(0);
        }
        if now >= self.end {
            return Ok(self.unstreamed);
        }
        let elapsed = u128::from(now - self.updated);
        let span = u128::from(self.end - self.updated);
        let part = mul_div_floor(env, self.unstreamed as u128, elapsed, span).ok_or(Overflow)?;
        i128::try_from(part).map_err(|_| Overflow)
    }

    /// Index increment that pays `amount` across the current supply.
    fn per_share(&self, env: &Env, amount: i128) -> Result<u128, Overflow> {
        if amount <= 0 || self.supply <= 0 {
            return Ok(0);
        }
        mul_div_floor(env, amount as u128, SCALE, self.supply as u128).ok_or(Overflow)
    }

    /// The index at `now`, without checkpointing.
    pub fn index_at(&self, env: &Env, now: u64) -> Result<u128, Overflow> {
        let streamed = self.streamed(env, now)?;
        Ok(self.index.wrapping_add(self.per_share(env, streamed)?))
    }

    /// Moves the checkpoint to `now`: what streamed since is credited to the index, or carried
    /// when there was no supply to credit it to. Required before the supply changes.
    pub fn checkpoint(&mut self, env: &Env, now: u64) -> Result<(), Overflow> {
        let streamed = self.streamed(env, now)?;
        if self.supply > 0 {
            self.index = self.index.wrapping_add(self.per_share(env, streamed)?);
        } else {
            self.carried = self.carried.checked_add(streamed).ok_or(Overflow)?;
        }
        self.unstreamed -= streamed;
        self.updated = self.updated.max(now);
        Ok(())
    }

    /// Starts a stream of `amount` plus whatever is unstreamed or carried, paying out linearly
    /// until `now + duration`, but never past `maturity`. With no time left (zero duration, or
    /// at or after maturity) everything is credited at once to the holders of this moment.
    pub fn notify(
        &mut self,
        env: &Env,
        amount: i128,
        duration: u64,
        maturity: u64,
        now: u64,
    ) -> Result<(), Overflow> {
        self.checkpoint(env, now)?;
        let total = self
            .unstreamed
            .checked_add(self.carried)
            .and_then(|t| t.checked_add(amount))
            .ok_or(Overflow)?;
        let end = now.saturating_add(duration).min(maturity);
        self.carried = 0;
        if end > now {
            self.unstreamed = total;
            self.end = end;
        } else if self.supply > 0 {
            self.index = self.index.wrapping_add(self.per_share(env, total)?);
            self.unstreamed = 0;
        } else {
            self.carried = total;
            self.unstreamed = 0;
        }
        Ok(())
    }
}

impl Holder {
    /// A new holder starts at the current index: it earns nothing from before it held.
    pub fn new(index: u128) -> Holder {
        Holder {
            balance: 0,
            index,
            accrued: 0,
        }
    }

    /// Credits what the balance earned since the holder's last settlement (rounded down).
    pub fn settle(&mut self, env: &Env, index: u128) -> Result<(), Overflow> {
        let delta = index.wrapping_sub(self.index);
        if delta != 0 && self.balance > 0 {
            let earned = mul_div_floor(env, self.balance as u128, delta, SCALE).ok_or(Overflow)?;
            let earned = i128::try_from(earned).map_err(|_| Overflow)?;
            self.accrued = self.accrued.checked_add(earned).ok_or(Overflow)?;
        }
        self.index = index;
        Ok(())
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn env() -> Env {
        Env::default()
    }

    #[test]
    fn a_stream_pays_linearly_and_completely() {
        let env = env();
        let mut r = Rewards {
            supply: 100,
            ..Default::default()
        };
        r.notify(&env, 1_000, 100, u64::MAX, 0).unwrap();
        let mut h = Holder::new(r.index);
        h.balance = 100;
        h.settle(&env, r.index_at(&env, 25).unwrap()).unwrap();
        assert_eq!(h.accrued, 250);
        h.settle(&env, r.index_at(&env, 1_000).unwrap()).unwrap();
        assert_eq!(h.accrued, 1_000);
    }

    #[test]
    fn zero_supply_carries_the_stream_into_the_next_one() {
        let env = env();
        let mut r = Rewards::default();
        r.notify(&env, 600, 60, u64::MAX, 0).unwrap();
        r.checkpoint(&env, 30).unwrap();
        assert_eq!((r.carried, r.unstreamed), (300, 300));
        r.notify(&env, 100, 10, u64::MAX, 30).unwrap();
        assert_eq!((r.carried, r.unstreamed, r.end), (0, 700, 40));
    }

    #[test]
    fn maturity_clamps_the_stream_and_credits_late_deposits_at_once() {
        let env = env();
        let mut r = Rewards {
            supply: 4,
            ..Default::default()
        };
        r.notify(&env, 80, 100, 40, 0).unwrap();
        assert_eq!(r.end, 40);
        assert_eq!(r.index_at(&env, 20).unwrap(), 10 * SCALE);
        assert_eq!(r.index_at(&env, 1_000).unwrap(), 20 * SCALE);
        r.notify(&env, 8, 100, 40, 50).unwrap();
        assert_eq!(r.unstreamed, 0);
        assert_eq!(r.index, 22 * SCALE);
    }

    #[test]
    fn holders_round_down() {
        let env = env();
        let mut r = Rewards {
            supply: 3,
            ..Default::default()
        };
        r.notify(&env, 10, 0, u64::MAX, 0).unwrap();
        let mut h = Holder::new(0);
        h.balance = 1;
        h.settle(&env, r.index).unwrap();
        assert_eq!(h.accrued, 3); // 10/3 rounded down
    }
}
