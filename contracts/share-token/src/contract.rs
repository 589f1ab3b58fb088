use hashshare_common::{admin, math::mul_div_floor_i128, pause, ttl};
use hashshare_interfaces::{PoolOracleClient, ShareToken, SHARE_UNIT};
use soroban_sdk::{
    contract, contractimpl, panic_with_error, token::TokenInterface, Address, BytesN, Env,
    MuxedAddress, String, Symbol,
};
use soroban_token_sdk::events::{
    Approve, Burn, MintWithAmountOnly, Transfer, TransferWithAmountOnly,
};

use crate::{
    accounting,
    errors::ShareTokenError,
    events::{DistributorSet, RewardNotified, RewardsTaken},
    storage::{self, TokenConfig},
};

#[contract]
pub struct ShareTokenContract;

#[contractimpl]
impl ShareTokenContract {
    /// Creates one offering: shares of `pool`'s hashrate, each whole share (10^7 base units)
    /// standing for `hashrate_per_share` H/s, mintable by `operator` until `maturity`. Binds
    /// the pool to this token on the oracle, which the pool's operator must authorize: one
    /// pool's hashrate is never sold by two tokens.
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
        PoolOracleClient::new(&env, &oracle).bind_token(
            &pool,
            &env.current_contract_address(),
            &operator,
        );
        admin::init(&env, &admin);
        storage::set_config(
            &env,
            &TokenConfig {
                operator,
                oracle,
                pool,
                hashrate_per_share,
                maturity,
            },
        );
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

    /// Moves `amount` shares, with the rewards they earned so far staying with `from`.
    /// Auth: `from`. Errors: `InvalidAmount`, `SelfTransfer`, `InsufficientBalance`, `Paused`.
    /// Events: SEP-41 `transfer` (with `to_muxed_id` when `to` is muxed).
    fn transfer(env: Env, from: Address, to: MuxedAddress, amount: i128) {
        from.require_auth();
        ttl::bump_instance(&env);
        let to_address = to.address();
        check_movable(&env, &from, &to_address, amount);
        accounting::transfer(&env, &from, &to_address, amount);
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

    /// Moves `amount` of `from`'s shares on `spender`'s allowance. Auth: `spender`.
    /// Errors: as `transfer`, and `InsufficientAllowance`. Events: SEP-41 `transfer`.
    fn transfer_from(env: Env, spender: Address, from: Address, to: Address, amount: i128) {
        spender.require_auth();
        ttl::bump_instance(&env);
        check_movable(&env, &from, &to, amount);
        accounting::spend_allowance(&env, &from, &spender, amount);
        accounting::transfer(&env, &from, &to, amount);
        TransferWithAmountOnly { from, to, amount }.publish(&env);
    }

    /// Destroys `amount` of `from`'s shares. Auth: `from`. Errors: `InvalidAmount`,
    /// `InsufficientBalance`, `Paused`. Events: SEP-41 `burn`.
    fn burn(env: Env, from: Address, amount: i128) {
        from.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        accounting::burn(&env, &from, amount);
        Burn { from, amount }.publish(&env);
    }

    /// Destroys `amount` of `from`'s shares on `spender`'s allowance. Auth: `spender`.
    fn burn_from(env: Env, spender: Address, from: Address, amount: i128) {
        spender.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        accounting::spend_allowance(&env, &from, &spender, amount);
        accounting::burn(&env, &from, amount);
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
        storage::rewards(&env).supply
    }

    /// Mints `amount` shares to `to`. The supply after the mint, in hashrate, may not exceed
    /// what the oracle attests: `(total_supply + amount) * hashrate_per_share <=
    /// capacity * 10^7`.
    ///
    /// # Auth
    /// The operator.
    /// # Errors
    /// `InvalidAmount`, `Paused`, `DistributorNotSet`, `Matured`, `CapacityExceeded`.
    /// # Events
    /// SEP-41 `mint`.
    fn mint(env: Env, to: Address, amount: i128) {
        let config = config(&env);
        config.operator.require_auth();
        ttl::bump_instance(&env);
        check_amount(&env, amount);
        if storage::distributor(&env).is_none() {
            panic_with_error!(&env, ShareTokenError::DistributorNotSet);
        }
        if env.ledger().timestamp() >= config.maturity {
            panic_with_error!(&env, ShareTokenError::Matured);
        }
        let capacity = PoolOracleClient::new(&env, &config.oracle).capacity(&config.pool);
        // (supply) * h <= C * 10^7  ⟺  supply <= floor(C * 10^7 / h), for integers, h > 0.
        let max_supply = mul_div_floor_i128(capacity.max(0), SHARE_UNIT, config.hashrate_per_share)
            .unwrap_or(i128::MAX);
        accounting::mint(&env, &to, amount, max_supply);
        MintWithAmountOnly { to, amount }.publish(&env);
    }

    /// Wires the payout distributor, exactly once; minting is refused until then.
    /// Auth: the admin. Errors: `DistributorAlreadySet`. Events: `distributor_set`.
    fn set_distributor(env: Env, distributor: Address) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        if storage::distributor(&env).is_some() {
            panic_with_error!(&env, ShareTokenError::DistributorAlreadySet);
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

    /// Streams `amount` (plus whatever is unstreamed or was carried over a zero-supply period)
    /// to holders, linearly until `now + duration` but never past maturity; at or after
    /// maturity, credits it at once to the holders of this moment.
    ///
    /// # Auth
    /// The distributor. Errors: `DistributorNotSet`, `InvalidAmount`. Events: `reward_notified`.
    fn notify_reward(env: Env, amount: i128, duration: u64) {
        require_distributor(&env);
        ttl::bump_instance(&env);
        check_positive(&env, amount);
        let rewards = accounting::notify(&env, amount, duration, config(&env).maturity);
        RewardNotified {
            amount,
            unstreamed: rewards.unstreamed,
            end: rewards.end,
        }
        .publish(&env);
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

    fn operator(env: Env) -> Address {
        ttl::bump_instance(&env);
        config(&env).operator
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

/// The checks every balance change makes first.
fn check_amount(env: &Env, amount: i128) {
    check_positive(env, amount);
    if pause::is_paused(env) {
        panic_with_error!(env, ShareTokenError::Paused);
    }
}

/// The checks every transfer makes before touching balances.
fn check_movable(env: &Env, from: &Address, to: &Address, amount: i128) {
    check_amount(env, amount);
    if from == to {
        panic_with_error!(env, ShareTokenError::SelfTransfer);
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
