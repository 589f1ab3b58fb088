use soroban_sdk::{contractclient, Address, BytesN, Env};

use crate::types::{Books, EpochPayout};

/// payout-distributor: oracle-checked deposits, fees, arrears and wallet claims.
#[contractclient(name = "PayoutDistributorClient")]
pub trait PayoutDistributor {
    /// Fixes what `epoch` owes the holders, from its effective report and the time-weighted
    /// hashrate sold during it. Epochs are recorded in order.
    fn record(env: Env, epoch: u64) -> EpochPayout;
    /// Pays up to `amount` of the reward asset from `from` towards `epoch`'s debt (and the
    /// top-up for shares created since); the rest stays with `from`.
    fn deposit(env: Env, from: Address, epoch: u64, amount: i128);
    fn epoch(env: Env, epoch: u64) -> Option<EpochPayout>;
    /// What paying the rest of `epoch`'s debt costs now, top-up included.
    fn due(env: Env, epoch: u64) -> i128;
    /// The next epoch `record` will take: every earlier one is recorded.
    fn next_epoch(env: Env) -> u64;
    /// Sum over recorded epochs of `owed - paid`.
    fn arrears(env: Env) -> i128;
    /// The books since deployment (see [`Books`]).
    fn totals(env: Env) -> Books;
    /// Pulls a mint's top-up from `from` (on its allowance to this contract). Share token
    /// only.
    fn collect_topup(env: Env, from: Address, amount: i128);
    fn claimable(env: Env, holder: Address) -> i128;
    /// Pays the holder's accrued rewards to the holder. Holder auth.
    fn claim(env: Env, holder: Address) -> i128;
    /// Pays the holder's accrued rewards to `to`. Holder auth.
    fn claim_to(env: Env, holder: Address, to: Address) -> i128;

    fn set_fee(env: Env, fee_bps: u32);
    fn fee_bps(env: Env) -> u32;
    /// Pays the accrued fees to the fee recipient. Fee recipient auth.
    fn withdraw_fees(env: Env) -> i128;
    /// Replaces the fee recipient; fees not yet withdrawn go to the new one. Admin only.
    fn set_fee_recipient(env: Env, recipient: Address);
    fn fee_recipient(env: Env) -> Address;
    fn share_token(env: Env) -> Address;
    fn reward_token(env: Env) -> Address;
    fn pause(env: Env);
    fn unpause(env: Env);
    fn paused(env: Env) -> bool;
    fn admin(env: Env) -> Address;
    fn propose_admin(env: Env, new_admin: Address);
    fn accept_admin(env: Env);
    fn upgrade(env: Env, wasm_hash: BytesN<32>);
}
