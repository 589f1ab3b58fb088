use hashshare_common::{admin, pause, ttl};
use hashshare_interfaces::{EpochPayout, PayoutDistributor, PoolOracleClient, ShareTokenClient};
use soroban_sdk::{
    contract, contractimpl, panic_with_error, token::TokenClient, Address, BytesN, Env, Symbol,
};

use crate::{
    errors::DistributorError,
    events::{Claimed, Deposited, FeeSet, Recorded},
    payout::{self, Totals},
    storage::{self, DistributorConfig},
};

#[contract]
pub struct PayoutDistributorContract;

#[contractimpl]
impl PayoutDistributorContract {
    /// Creates the distributor of one offering: it pays the holders of `share_token` in
    /// `reward_token` what `pool`'s effective reports on `oracle` say they earned, keeping
    /// `fee_bps` of every deposit for `fee_recipient`.
    ///
    /// Deploy it after the pool is registered and the share token deployed: it caches the
    /// pool's schedule and the token's maturity and hashrate per share, which never change. The
    /// share token's admin must then `set_distributor` to this contract's address.
    ///
    /// # Errors
    /// `InvalidFee` if `fee_bps > MAX_FEE_BPS` (20%); `InvalidRecipient` if `fee_recipient` is
    /// this contract; `InvalidConfig` if the share token sells another oracle's or pool's
    /// hashrate; the oracle's `PoolNotFound`.
    #[allow(clippy::too_many_arguments)]
    pub fn __constructor(
        env: Env,
        admin: Address,
        share_token: Address,
        reward_token: Address,
        oracle: Address,
        pool: Symbol,
        fee_bps: u32,
        fee_recipient: Address,
    ) {
        checked(&env, payout::check_fee(fee_bps));
        if fee_recipient == env.current_contract_address() {
            panic_with_error!(&env, DistributorError::InvalidRecipient);
        }
        let schedule = PoolOracleClient::new(&env, &oracle).pool(&pool);
        let token = ShareTokenClient::new(&env, &share_token);
        // Paying holders of one offering from another pool's reports would be silent theft.
        if token.oracle() != oracle || token.pool() != pool {
            panic_with_error!(&env, DistributorError::InvalidConfig);
        }
        admin::init(&env, &admin);
        storage::set_config(
            &env,
            &DistributorConfig {
                maturity: token.maturity(),
                hashrate_per_share: token.hashrate_per_share(),
                share_token,
                reward_token,
                oracle,
                pool,
                fee_bps,
                fee_recipient,
                genesis: schedule.genesis,
                epoch_seconds: schedule.epoch_seconds,
                deployed_at: env.ledger().timestamp(),
            },
        );
        ttl::bump_instance(&env);
    }
}

#[contractimpl]
impl PayoutDistributor for PayoutDistributorContract {
    /// Fixes what `epoch` owes the holders: `reward * min(sold, hashrate) / hashrate` of the
    /// epoch's effective report, where `sold = total_supply * hashrate_per_share / 10^7` is
    /// read from the share token now. Idempotent: once recorded, the stored payout is returned
    /// unchanged. Anyone may call it.
    ///
    /// # Errors
    /// `ReportNotEffective`, `EpochAfterMaturity` (the epoch starts at or after the share
    /// token's maturity), `EpochBeforeOffering` (it ended before this distributor existed, so
    /// before any share), `Overflow`; the oracle's `PoolNotFound`.
    /// # Events
    /// `recorded`, on the first record only.
    fn record(env: Env, epoch: u64) -> EpochPayout {
        ttl::bump_instance(&env);
        if let Some(recorded) = storage::payout(&env, epoch) {
            return recorded;
        }
        let config = config(&env);
        let mut totals = storage::totals(&env);
        let payout = record_payout(&env, &config, epoch, &mut totals);
        storage::set_payout(&env, epoch, &payout);
        storage::set_totals(&env, &totals);
        payout
    }

    /// Pays `amount` of the reward asset from `from` towards `epoch`'s debt, recording the
    /// epoch first if needed. `amount * fee_bps / 10_000` (rounded down) goes to the fee
    /// recipient; the rest streams to the holders over one epoch's duration.
    ///
    /// # Auth
    /// `from`, for this call and for its sub-invocation
    /// `reward_token.transfer(from, distributor, amount)`.
    /// # Errors
    /// `InvalidAmount` (not positive), `Paused`, `Overpayment` (more than `owed - paid`),
    /// `Overflow`, and those of `record`.
    /// # Events
    /// `deposited` (and `recorded` when the epoch was not recorded yet).
    fn deposit(env: Env, from: Address, epoch: u64, amount: i128) {
        from.require_auth();
        ttl::bump_instance(&env);
        if amount <= 0 {
            panic_with_error!(&env, DistributorError::InvalidAmount);
        }
        check_not_paused(&env);
        let config = config(&env);
        let mut totals = storage::totals(&env);
        let mut payout = storage::payout(&env, epoch)
            .unwrap_or_else(|| record_payout(&env, &config, epoch, &mut totals));
        let fee = checked(&env, payout::deposit(&mut payout, amount, config.fee_bps));
        checked(&env, totals.deposit(amount, fee));
        storage::set_payout(&env, epoch, &payout);
        storage::set_totals(&env, &totals);

        let reward_token = TokenClient::new(&env, &config.reward_token);
        let this = env.current_contract_address();
        reward_token.transfer(&from, &this, &amount);
        if fee > 0 {
            reward_token.transfer(&this, &config.fee_recipient, &fee);
        }
        // 0 <= fee <= amount (fee_bps <= 20%): cannot overflow.
        let streamed = amount - fee;
        if streamed > 0 {
            ShareTokenClient::new(&env, &config.share_token)
                .notify_reward(&streamed, &config.epoch_seconds);
        }
        Deposited {
            epoch,
            from,
            amount,
            fee,
        }
        .publish(&env);
    }

    /// `epoch`'s payout if it was recorded.
    fn epoch(env: Env, epoch: u64) -> Option<EpochPayout> {
        ttl::bump_instance(&env);
        storage::payout(&env, epoch)
    }

    /// Sum over recorded epochs of `owed - paid`: what the miner still owes the holders.
    fn arrears(env: Env) -> i128 {
        ttl::bump_instance(&env);
        storage::totals(&env).arrears
    }

    /// The running totals `(deposited, fees)` since construction. With the reward asset
    /// balance of this contract they close the books: everything deposited is fees, claims
    /// paid, or still held (`claimed == deposited - fees - balance`).
    fn totals(env: Env) -> (i128, i128) {
        ttl::bump_instance(&env);
        let totals = storage::totals(&env);
        (totals.deposited, totals.fees)
    }

    /// Reward base units `holder` could claim now (the share token's `accrued`).
    fn claimable(env: Env, holder: Address) -> i128 {
        ttl::bump_instance(&env);
        ShareTokenClient::new(&env, &config(&env).share_token).accrued(&holder)
    }

    /// Pays `holder` its accrued rewards and returns the amount (0 when there is none).
    /// Constant cost: one `take_accrued` on the share token, one transfer.
    ///
    /// # Auth
    /// `holder`.
    /// # Errors
    /// `Paused`, `Overflow`.
    /// # Events
    /// `claimed`, when the amount is positive.
    fn claim(env: Env, holder: Address) -> i128 {
        holder.require_auth();
        ttl::bump_instance(&env);
        pay_claim(&env, holder.clone(), holder)
    }

    /// As `claim`, paying to `to` instead of the holder.
    ///
    /// # Auth
    /// `holder`.
    /// # Errors
    /// As `claim`, and `InvalidRecipient` if `to` is the distributor itself.
    fn claim_to(env: Env, holder: Address, to: Address) -> i128 {
        holder.require_auth();
        ttl::bump_instance(&env);
        if to == env.current_contract_address() {
            panic_with_error!(&env, DistributorError::InvalidRecipient);
        }
        pay_claim(&env, holder, to)
    }

    /// Sets the fee taken from future deposits. Auth: the admin.
    /// Errors: `InvalidFee` (above 20%). Events: `fee_set`.
    fn set_fee(env: Env, fee_bps: u32) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        checked(&env, payout::check_fee(fee_bps));
        let mut config = config(&env);
        config.fee_bps = fee_bps;
        storage::set_config(&env, &config);
        FeeSet { fee_bps }.publish(&env);
    }

    fn fee_bps(env: Env) -> u32 {
        ttl::bump_instance(&env);
        config(&env).fee_bps
    }

    /// Stops deposits and claims. Auth: the admin. Events: `paused`.
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
            panic_with_error!(&env, DistributorError::NoPendingAdmin);
        }
    }

    /// Replaces the WASM, keeping every payout, total and the funds. Auth: the admin.
    fn upgrade(env: Env, wasm_hash: BytesN<32>) {
        ttl::bump_instance(&env);
        admin::upgrade(&env, &wasm_hash);
    }
}

/// The constructor always stores the configuration; its absence is a broken instance.
fn config(env: &Env) -> DistributorConfig {
    storage::config(env).unwrap_or_else(|| panic_with_error!(env, DistributorError::InvalidConfig))
}

/// The value of a domain result, or the contract error it carries.
fn checked<T>(env: &Env, result: Result<T, DistributorError>) -> T {
    result.unwrap_or_else(|error| panic_with_error!(env, error))
}

fn check_not_paused(env: &Env) {
    if pause::is_paused(env) {
        panic_with_error!(env, DistributorError::Paused);
    }
}

/// Computes a not yet recorded epoch's payout from its effective report and the hashrate sold
/// now, adds it to the arrears and emits `recorded`. The caller stores the payout and totals.
fn record_payout(
    env: &Env,
    config: &DistributorConfig,
    epoch: u64,
    totals: &mut Totals,
) -> EpochPayout {
    let Some(report) = PoolOracleClient::new(env, &config.oracle).report(&config.pool, &epoch)
    else {
        panic_with_error!(env, DistributorError::ReportNotEffective);
    };
    if !payout::starts_before(config.genesis, config.epoch_seconds, epoch, config.maturity) {
        panic_with_error!(env, DistributorError::EpochAfterMaturity);
    }
    // No share can have existed in an epoch that ended before this distributor (mints need it):
    // the pool's older history is not the offering's debt.
    if !payout::ends_after(
        config.genesis,
        config.epoch_seconds,
        epoch,
        config.deployed_at,
    ) {
        panic_with_error!(env, DistributorError::EpochBeforeOffering);
    }
    let supply = ShareTokenClient::new(env, &config.share_token).total_supply();
    let sold = checked(
        env,
        payout::sold_hashrate(supply, config.hashrate_per_share),
    );
    let owed = checked(env, payout::owed(report.reward, report.hashrate, sold));
    checked(env, totals.record(owed));
    Recorded {
        epoch,
        owed,
        reward: report.reward,
        hashrate: report.hashrate,
        sold,
    }
    .publish(env);
    EpochPayout {
        owed,
        paid: 0,
        fee: 0,
    }
}

/// Takes `holder`'s accrued rewards from the share token and pays them to `to`.
fn pay_claim(env: &Env, holder: Address, to: Address) -> i128 {
    check_not_paused(env);
    let config = config(env);
    let amount = ShareTokenClient::new(env, &config.share_token).take_accrued(&holder);
    if amount > 0 {
        TokenClient::new(env, &config.reward_token).transfer(
            &env.current_contract_address(),
            &to,
            &amount,
        );
        Claimed { holder, to, amount }.publish(env);
    }
    amount
}

/// The upgrade tests' "next version": everything above plus this function.
#[cfg(feature = "next-version")]
#[contractimpl]
impl PayoutDistributorContract {
    pub fn version(_env: Env) -> u32 {
        2
    }
}
