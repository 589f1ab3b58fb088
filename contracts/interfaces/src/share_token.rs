use soroban_sdk::{contractclient, Address, BytesN, Env, Symbol};

/// share-token: the hashshare extensions to SEP-41 (the SEP-41 functions themselves are
/// `soroban_sdk::token::TokenInterface`, which the share token also implements).
#[contractclient(name = "ShareTokenClient")]
pub trait ShareToken {
    fn total_supply(env: Env) -> i128;
    /// Mints shares, capped by the oracle's sustained capacity. The pool's current operator
    /// only; it pays the top-up that keeps running streams' per-share rates.
    fn mint(env: Env, to: Address, amount: i128);
    /// Wires the payout distributor, exactly once. Admin only.
    fn set_distributor(env: Env, distributor: Address);
    fn distributor(env: Env) -> Option<Address>;
    /// Reward base units `holder` could claim now.
    fn accrued(env: Env, holder: Address) -> i128;
    /// Streams `amount` to holders until the end of the epoch after the current one, beside
    /// (never restarting) the streams already running. Distributor only.
    fn notify_reward(env: Env, amount: i128);
    /// Zeroes and returns `accrued(holder)`. Distributor only.
    fn take_accrued(env: Env, holder: Address) -> i128;
    /// `(supply_seconds, supply_at_end)` of an ended `epoch`, given the supply at its start
    /// (the distributor records epochs in order and carries it).
    fn epoch_supply(env: Env, epoch: u64, supply_at_start: i128) -> (i128, i128);
    fn maturity(env: Env) -> u64;
    fn hashrate_per_share(env: Env) -> i128;
    fn oracle(env: Env) -> Address;
    fn pool(env: Env) -> Symbol;
    fn operator(env: Env) -> Address;

    fn pause(env: Env);
    fn unpause(env: Env);
    fn paused(env: Env) -> bool;
    fn admin(env: Env) -> Address;
    fn propose_admin(env: Env, new_admin: Address);
    fn accept_admin(env: Env);
    fn upgrade(env: Env, wasm_hash: BytesN<32>);
}
