use soroban_sdk::{contractclient, Address, BytesN, Env, Symbol, Vec};

use crate::types::{EpochReport, PoolConfig};

/// pool-oracle: reporters attest a pool's hashrate and reward per epoch.
#[contractclient(name = "PoolOracleClient")]
pub trait PoolOracle {
    /// Registers a new pool. Admin only. Errors: `PoolExists`, `InvalidConfig`.
    fn register_pool(env: Env, pool: Symbol, config: PoolConfig);
    /// Replaces a pool's reporters, quorum, operator, dispute window or staleness bound; its
    /// epoch schedule (`genesis`, `epoch_seconds`) is immutable. Admin only.
    fn update_pool(env: Env, pool: Symbol, config: PoolConfig);
    fn pool(env: Env, pool: Symbol) -> PoolConfig;
    fn current_epoch(env: Env, pool: Symbol) -> u64;
    /// One reporter's attestation of an ended epoch; the one completing the round (every
    /// listed reporter in) finalizes the epoch with the medians of all.
    fn submit(env: Env, reporter: Address, pool: Symbol, epoch: u64, hashrate: i128, reward: i128);
    /// Finalizes an ended epoch with the medians of its round, once the round has been open
    /// `dispute_seconds` (or is complete) and at least `quorum` listed reporters submitted.
    /// Anyone may call it.
    fn finalize(env: Env, pool: Symbol, epoch: u64);
    /// `(opened_at, submitted, finalized)`: when the epoch's open round's first submission
    /// came (0 when none is open), who has submitted in it, and its finalized report, effective
    /// or not — what reporters and apps watch.
    fn round(env: Env, pool: Symbol, epoch: u64) -> (u64, Vec<Address>, Option<EpochReport>);
    /// Removes a finalized report still inside its dispute window and reopens the epoch.
    /// Admin only.
    fn dispute(env: Env, pool: Symbol, epoch: u64);
    /// The epoch's report once it is effective (finalized and past its dispute window).
    fn report(env: Env, pool: Symbol, epoch: u64) -> Option<EpochReport>;
    /// The effective report of the highest epoch.
    fn latest(env: Env, pool: Symbol) -> Option<EpochReport>;
    /// The sustained hashrate: the lowest of the last `capacity_epochs` consecutive effective
    /// epochs ending at the latest one; 0 when fewer exist, one is missing or the latest is
    /// stale.
    fn capacity(env: Env, pool: Symbol) -> i128;
    /// `(operator, capacity)` in one call: who may mint the pool's shares now, and the
    /// sustained hashrate they may be minted against.
    fn minter_capacity(env: Env, pool: Symbol) -> (Address, i128);
    /// Binds `pool` to its one consumer — the share token that sells its hashrate, minted by
    /// `operator` (who must be the pool's operator), or the lease market that rents it out —
    /// so the same attested hashrate can never be sold twice. Auth: `token` itself (a share token binds from its constructor) and the
    /// pool's operator. Returns the pool's schedule `(genesis, epoch_seconds)`, which never
    /// changes, for the token to keep.
    fn bind_token(env: Env, pool: Symbol, token: Address, operator: Address) -> (u64, u64);
    /// The pool's one consumer, if any: the share token bound to it, or the contract that
    /// registered it or leases its hashrate (the hashrate-lease market).
    fn token(env: Env, pool: Symbol) -> Option<Address>;
    /// Allows (or stops) `registrar` to register pools (`register_pool_by`). Admin only.
    fn set_registrar(env: Env, registrar: Address, allowed: bool);
    fn is_registrar(env: Env, registrar: Address) -> bool;
    /// Registers a pool as `register_pool` does, by an allowed registrar, which becomes the
    /// pool's consumer at once (the lease market registers one delivery pool per lease);
    /// returns its id, `reg_<n>`, numbered by the oracle. Auth: `registrar`. Errors:
    /// `NotRegistrar`, `InvalidConfig`.
    fn register_pool_by(env: Env, registrar: Address, config: PoolConfig) -> Symbol;

    fn admin(env: Env) -> Address;
    /// Step one of an admin transfer. Admin only.
    fn propose_admin(env: Env, new_admin: Address);
    /// Step two: the proposed admin accepts. Proposed admin only.
    fn accept_admin(env: Env);
    /// Replaces the contract's code, keeping its storage. Admin only.
    fn upgrade(env: Env, wasm_hash: BytesN<32>);
}
