use soroban_sdk::{contractclient, Address, BytesN, Env};

use crate::types::EpochPayout;

/// payout-distributor: oracle-checked deposits, fees, arrears and wallet claims.
#[contractclient(name = "PayoutDistributorClient")]
pub trait PayoutDistributor {
    /// Fixes what `epoch` owes the holders, from its effective report and the hashrate sold.
    fn record(env: Env, epoch: u64) -> EpochPayout;
    /// Pays `amount` of the reward asset from `from` towards `epoch`'s debt.
    fn deposit(env: Env, from: Address, epoch: u64, amount: i128);
    fn epoch(env: Env, epoch: u64) -> Option<EpochPayout>;
    /// Sum over recorded epochs of `owed - paid`.
    fn arrears(env: Env) -> i128;
    /// `(deposited, fees)` since deployment. With the distributor's reward balance they close
    /// the books: `claimed == deposited - fees - balance`.
    fn totals(env: Env) -> (i128, i128);
    fn claimable(env: Env, holder: Address) -> i128;
    /// Pays the holder's accrued rewards to the holder. Holder auth.
    fn claim(env: Env, holder: Address) -> i128;
    /// Pays the holder's accrued rewards to `to`. Holder auth.
    fn claim_to(env: Env, holder: Address, to: Address) -> i128;

    fn set_fee(env: Env, fee_bps: u32);
    fn fee_bps(env: Env) -> u32;
    fn pause(env: Env);
    fn unpause(env: Env);
    fn paused(env: Env) -> bool;
    fn admin(env: Env) -> Address;
    fn propose_admin(env: Env, new_admin: Address);
    fn accept_admin(env: Env);
    fn upgrade(env: Env, wasm_hash: BytesN<32>);
}
