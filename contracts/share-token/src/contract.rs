use hashshare_common::{admin, math::mul_div_floor_i128, pause, ttl};
use hashshare_interfaces::{PayoutDistributorClient, PoolOracleClient, ShareToken, SHARE_UNIT};
use soroban_sdk::{
    contract, contractimpl, panic_with_error, token::TokenInterface, Address, BytesN, Env,
    MuxedAddress, String, Symbol, Vec,
};
use soroban_token_sdk::events::{
    Approve, Burn, MintWithAmountOnly, Transfer, TransferWithAmountOnly,
};

use crate::{
    accounting,
    errors::ShareTokenError,
    events::{DistributorSet, RewardNotified, RewardsTaken},
    rewards::Rewards,
    storage::{self, TokenConfig},
    supply::{Schedule, SupplyClock},
};

#[contract]
pub struct ShareTokenContract;

#[contractimpl]
impl ShareTokenContract {
    /// Creates one offering: shares of `pool`'s hashrate, each whole share (10^7 base units)
    /// standing for `hashrate_per_share` H/s, mintable until `maturity` by the pool's operator
    /// on the oracle (`operator` now; whoever the oracle names later). Binds the pool to this
    /// token on the oracle, which the pool's operator must authorize: one pool's hashrate is
    /// never sold by two tokens.
    ///
    /// # Errors
    /// `InvalidConfig` if `hashrate_per_share <= 0`; the oracle's `PoolNotFound`,
    /// `PoolAlreadyBound` and `OperatorMismatch` (`operator` is not the pool's operator).
    #[allow(clippy::too_many_arguments)]
    pub fn __constructor(
        env: Env,
        admin: Address,
        operator: Address,
        oracle: Address,
        pool: Symbol,
        name: String,
        symbol: String,
        hashrate_per_share: i128,
        maturity: u64,
    ) {
        if hashrate_per_share <= 0 {
            panic_with_error!(&env, ShareTokenError::InvalidConfig);
        }
        // The oracle checks that the minter is the pool's operator (comparing here would
        // import the struct conversion into every call of the token).
        let (genesis, epoch_seconds) = PoolOracleClient::new(&env, &oracle).bind_token(
            &pool,
            &env.current_contract_address(),
            &operator,
        );
        admin::init(&env, &admin);
        let schedule = Schedule {
            genesis,
            epoch_seconds,
        };
        let clock = SupplyClock::start(&schedule, env.ledger().timestamp());
        storage::set_config(
            &env,
            &TokenConfig {
                oracle,
                pool,
                hashrate_per_share,
                maturity,
                schedule,
            },
        );
        storage::set_rewards(&env, &Rewards::default(), &clock);
        storage::set_metadata(&env, &name, &symbol);
        ttl::bump_instance(&env);
    }
}

#[contractimpl]
impl TokenInterface for ShareTokenContract {
    /// What `spender` may still move out of `from`'s balance; 0 once expired.
    fn allowance(env: Env, from: Address, spender: Address) -> i128 {
        ttl::bump_instance(&env);
        storage::allowance(&env, &from, &spender).map_or(0, |(amount, _)| amount)
    }

    /// Sets (overwrites) `spender`'s allowance over `from`'s shares until
    /// `live_until_ledger`. Auth: `from`. Errors: `InvalidAmount` (negative),
    /// `InvalidExpiration` (a non-zero allowance already expired or beyond the maximum TTL).
    /// Events: SEP-41 `approve`.
    fn approve(env: Env, from: Address, spender: Address, amount: i128, live_until_ledger: u32) {
        from.require_auth();
        ttl::bump_instance(&env);
        if amount < 0 {
            panic_with_error!(&env, ShareTokenError::InvalidAmount);
        }
        let ledger = env.ledger().sequence();
        let latest = ledger.saturating_add(env.storage().max_ttl());
        if amount > 0 && (live_until_ledger < ledger || live_until_ledger > latest) {
            panic_with_error!(&env, ShareTokenError::InvalidExpiration);
        }
        storage::set_allowance(&env, &from, &spender, amount, live_until_ledger);
        Approve {
            from,
            spender,
            amount,
            expiration_ledger: live_until_ledger,
        }
        .publish(&env);
    }

    fn balance(env: Env, id: Address) -> i128 {
        ttl::bump_instance(&env);
        storage::holder(&env, &id).map_or(0, |h| h.balance)
    }

    /// Moves `amount` shares, with the rewards they earned so far staying with `from`. A zero
    /// amount or `to == from` changes nothing but is not refused (as the Stellar Asset
    /// Contract). Auth: `from`. Errors: `InvalidAmount` (negative), `InsufficientBalance`,
    /// `Paused`. Events: SEP-41 `transfer` (with `to_muxed_id` when `to` is muxed).
    fn transfer(env: Env, from: Address, to: MuxedAddress, amount: i128) {
        from.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        let to_address = to.address();
        move_shares(&env, &from, &to_address, amount);
        match to.id() {
            Some(id) => Transfer {
                from,
                to: to_address,
                to_muxed_id: Some(id),
                amount,
            }
            .publish(&env),
            None => TransferWithAmountOnly {
                from,
                to: to_address,
                amount,
            }
            .publish(&env),
        }
    }

    /// Moves `amount` of `from`'s shares on `spender`'s allowance (none needed for 0).
    /// Auth: `spender`. Errors: as `transfer`, and `InsufficientAllowance`.
    /// Events: SEP-41 `transfer`.
    fn transfer_from(env: Env, spender: Address, from: Address, to: Address, amount: i128) {
        spender.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        accounting::spend_allowance(&env, &from, &spender, amount);
        move_shares(&env, &from, &to, amount);
        TransferWithAmountOnly { from, to, amount }.publish(&env);
    }

    /// Destroys `amount` of `from`'s shares (0: nothing). The streams' rests go to the
    /// remaining holders. Auth: `from`. Errors: `InvalidAmount` (negative),
    /// `InsufficientBalance`, `Paused`. Events: SEP-41 `burn`.
    fn burn(env: Env, from: Address, amount: i128) {
        from.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        burn_shares(&env, &from, amount);
        Burn { from, amount }.publish(&env);
    }

    /// Destroys `amount` of `from`'s shares on `spender`'s allowance. Auth: `spender`.
    fn burn_from(env: Env, spender: Address, from: Address, amount: i128) {
        spender.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        accounting::spend_allowance(&env, &from, &spender, amount);
        burn_shares(&env, &from, amount);
        Burn { from, amount }.publish(&env);
    }

    fn decimals(_env: Env) -> u32 {
        7
    }

    fn name(env: Env) -> String {
        ttl::bump_instance(&env);
        metadata(&env).0
    }

    fn symbol(env: Env) -> String {
        ttl::bump_instance(&env);
        metadata(&env).1
    }
}

#[contractimpl]
impl ShareToken for ShareTokenContract {
    fn total_supply(env: Env) -> i128 {
        ttl::bump_instance(&env);
        accounting::supply(&env)
    }

    /// Mints `amount` shares to `to`. The supply after the mint, in hashrate, may not exceed
    /// the oracle's sustained capacity: `(total_supply + amount) * hashrate_per_share <=
    /// capacity * 10^7`. Streams running at the mint keep their per-share rates: the minter
    /// pays each one the new shares' part of its rest (the top-up), taken by the distributor
    /// on the minter's reward-asset allowance to it.
    ///
    /// # Auth
    /// The pool's current operator on the oracle.
    /// # Errors
    /// `InvalidAmount`, `Paused`, `DistributorNotSet`, `Matured`, `CapacityExceeded`; the
    /// distributor's `TopUpNotApproved` and `Paused` when a top-up is due.
    /// # Events
    /// SEP-41 `mint`; the distributor's `top_up_collected` when a top-up is due.
    fn mint(env: Env, to: Address, amount: i128) {
        let config = config(&env);
        let (operator, capacity) =
            PoolOracleClient::new(&env, &config.oracle).minter_capacity(&config.pool);
        operator.require_auth();
        ttl::bump_instance(&env);
        check_positive(&env, amount);
        check_not_paused(&env);
        let Some(distributor) = storage::distributor(&env) else {
            panic_with_error!(&env, ShareTokenError::DistributorNotSet);
        };
        if env.ledger().timestamp() >= config.maturity {
            panic_with_error!(&env, ShareTokenError::Matured);
        }
        // (supply) * h <= C * 10^7  ⟺  supply <= floor(C * 10^7 / h), for integers, h > 0.
        let max_supply = mul_div_floor_i128(capacity.max(0), SHARE_UNIT, config.hashrate_per_share)
            .unwrap_or(i128::MAX);
        let topup = accounting::mint(&env, &config, &to, amount, max_supply);
        if topup > 0 {
            PayoutDistributorClient::new(&env, &distributor).collect_topup(&operator, &topup);
        }
        MintWithAmountOnly { to, amount }.publish(&env);
    }

    /// Wires the payout distributor, exactly once; minting is refused until then. It must be a
    /// deployed distributor of this token (asked through its `share_token()`), so that no share
    /// can be sold before the distributor that owes its payouts exists.
    /// Auth: the admin. Errors: `DistributorAlreadySet`, `InvalidConfig` (the distributor pays
    /// another token's holders). Events: `distributor_set`.
    fn set_distributor(env: Env, distributor: Address) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        if storage::distributor(&env).is_some() {
            panic_with_error!(&env, ShareTokenError::DistributorAlreadySet);
        }
        // `distributor.share_token()`, with its (empty) argument vector built from an array: the
        // generated client's `Vec::new` would import `vec_new`, and every import makes every
        // call of this contract dearer (transfers included).
        let pays: Address = env.invoke_contract(
            &distributor,
            &Symbol::new(&env, "share_token"),
            Vec::<soroban_sdk::Val>::from_array(&env, []),
        );
        if pays != env.current_contract_address() {
            panic_with_error!(&env, ShareTokenError::InvalidConfig);
        }
        storage::set_distributor(&env, &distributor);
        DistributorSet { distributor }.publish(&env);
    }

    fn distributor(env: Env) -> Option<Address> {
        ttl::bump_instance(&env);
        storage::distributor(&env)
    }

    /// Reward base units `holder` has earned and not yet been paid.
    fn accrued(env: Env, holder: Address) -> i128 {
        ttl::bump_instance(&env);
        accounting::accrued(&env, &holder)
    }

    /// Streams `amount` (and whatever was carried) to holders, linearly until the end of the
    /// epoch after the current one, beside the stream of the previous epoch's deposits, which
    /// it never delays. Maturity changes nothing: the last epochs' payouts stream too.
    ///
    /// # Auth
    /// The distributor. Errors: `DistributorNotSet`, `InvalidAmount`. Events: `reward_notified`.
    fn notify_reward(env: Env, amount: i128) {
        require_distributor(&env);
        ttl::bump_instance(&env);
        check_positive(&env, amount);
        let end = accounting::notify(&env, &config(&env), amount);
        RewardNotified { amount, end }.publish(&env);
    }

    /// Zeroes and returns `holder`'s accrued rewards, for the distributor to pay out.
    /// Auth: the distributor. Errors: `DistributorNotSet`. Events: `rewards_taken`.
    fn take_accrued(env: Env, holder: Address) -> i128 {
        require_distributor(&env);
        ttl::bump_instance(&env);
        let amount = accounting::take_accrued(&env, &holder);
        if amount > 0 {
            RewardsTaken { holder, amount }.publish(&env);
        }
        amount
    }

    /// The supply integrated over the ended `epoch` (base units × seconds) and the supply it
    /// ended with, given the supply at its start: the distributor records epochs in order and
    /// carries it. Only meaningful for an ended epoch.
    fn epoch_supply(env: Env, epoch: u64, supply_at_start: i128) -> (i128, i128) {
        ttl::bump_instance(&env);
        accounting::epoch_supply(&env, &config(&env), epoch, supply_at_start)
    }

    fn maturity(env: Env) -> u64 {
        ttl::bump_instance(&env);
        config(&env).maturity
    }

    fn hashrate_per_share(env: Env) -> i128 {
        ttl::bump_instance(&env);
        config(&env).hashrate_per_share
    }

    fn oracle(env: Env) -> Address {
        ttl::bump_instance(&env);
        config(&env).oracle
    }

    fn pool(env: Env) -> Symbol {
        ttl::bump_instance(&env);
        config(&env).pool
    }

    /// The pool's current operator on the oracle: who may mint.
    fn operator(env: Env) -> Address {
        ttl::bump_instance(&env);
        let config = config(&env);
        PoolOracleClient::new(&env, &config.oracle)
            .minter_capacity(&config.pool)
            .0
    }

    /// Stops transfers, mints and burns. Auth: the admin. Events: `paused`.
    fn pause(env: Env) {
        ttl::bump_instance(&env);
        pause::set_paused(&env, true);
    }

    /// Auth: the admin. Events: `unpaused`.
    fn unpause(env: Env) {
        ttl::bump_instance(&env);
        pause::set_paused(&env, false);
    }

    fn paused(env: Env) -> bool {
        ttl::bump_instance(&env);
        pause::is_paused(&env)
    }

    fn admin(env: Env) -> Address {
        ttl::bump_instance(&env);
        admin::admin(&env)
    }

    /// Step one of an admin transfer. Auth: the admin.
    fn propose_admin(env: Env, new_admin: Address) {
        ttl::bump_instance(&env);
        admin::propose(&env, &new_admin);
    }

    /// Step two. Auth: the proposed admin. Errors: `NoPendingAdmin`.
    fn accept_admin(env: Env) {
        ttl::bump_instance(&env);
        if !admin::accept(&env) {
            panic_with_error!(&env, ShareTokenError::NoPendingAdmin);
        }
    }

    /// Replaces the WASM, keeping every balance and reward position. Auth: the admin.
    fn upgrade(env: Env, wasm_hash: BytesN<32>) {
        ttl::bump_instance(&env);
        admin::upgrade(&env, &wasm_hash);
    }
}

/// The constructor always stores the configuration; its absence is a broken instance.
fn config(env: &Env) -> TokenConfig {
    storage::config(env).unwrap_or_else(|| panic_with_error!(env, ShareTokenError::InvalidConfig))
}

fn metadata(env: &Env) -> (String, String) {
    storage::metadata(env).unwrap_or_else(|| panic_with_error!(env, ShareTokenError::InvalidConfig))
}

fn require_distributor(env: &Env) {
    match storage::distributor(env) {
        Some(distributor) => distributor.require_auth(),
        None => panic_with_error!(env, ShareTokenError::DistributorNotSet),
    }
}

fn check_positive(env: &Env, amount: i128) {
    if amount <= 0 {
        panic_with_error!(env, ShareTokenError::InvalidAmount);
    }
}

fn check_not_paused(env: &Env) {
    if pause::is_paused(env) {
        panic_with_error!(env, ShareTokenError::Paused);
    }
}

/// The checks every transfer and burn makes first: a non-negative amount, not paused.
fn check_amount(env: &Env, amount: i128) {
    if amount < 0 {
        panic_with_error!(env, ShareTokenError::InvalidAmount);
    }
    check_not_paused(env);
}

/// Moves shares between holders; moving nothing, or to oneself, changes nothing.
fn move_shares(env: &Env, from: &Address, to: &Address, amount: i128) {
    if from == to {
        accounting::check_balance(env, from, amount);
    } else if amount > 0 {
        accounting::transfer(env, from, to, amount);
    }
}

fn burn_shares(env: &Env, from: &Address, amount: i128) {
    if amount > 0 {
        accounting::burn(env, &config(env), from, amount);
    }
}

/// The upgrade tests' "next version": everything above plus this function.
#[cfg(feature = "next-version")]
#[contractimpl]
impl ShareTokenContract {
    pub fn version(_env: Env) -> u32 {
        2
    }
}
