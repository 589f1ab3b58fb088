use hashshare_common::{admin, pause, ttl};
use hashshare_interfaces::{
    Books, EpochPayout, EpochReport, PayoutDistributor, PoolOracleClient, ShareTokenClient,
};
use soroban_sdk::{
    contract, contractimpl, panic_with_error, token::TokenClient, Address, BytesN, Env, Symbol,
};

use crate::{
    errors::DistributorError,
    events::{
        Claimed, Deposited, FeeRecipientSet, FeeSet, FeesWithdrawn, Missed, Recorded,
        TopUpCollected,
    },
    payout::{self, Books as Ledger},
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
    /// share token's admin must then `set_distributor` to this contract's address. Its first
    /// epoch is the one it is deployed in: no share exists before it.
    ///
    /// # Errors
    /// `InvalidFee` if `fee_bps > MAX_FEE_BPS` (20%); `InvalidRecipient` if `fee_recipient` is
    /// this contract; `InvalidConfig` if the share token sells another oracle's or pool's
    /// hashrate, or already has shares; the oracle's `PoolNotFound`.
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
        // Paying holders of one offering from another pool's reports would be silent theft;
        // and shares sold before this distributor existed would be owed nothing (its books
        // start at a supply of 0).
        if token.oracle() != oracle || token.pool() != pool || token.total_supply() != 0 {
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
            },
        );
        let first_epoch = payout::epoch_at(
            schedule.genesis,
            schedule.epoch_seconds,
            env.ledger().timestamp(),
        );
        storage::set_books(&env, &Ledger::new(first_epoch));
        ttl::bump_instance(&env);
    }
}

#[contractimpl]
impl PayoutDistributor for PayoutDistributorContract {
    /// Fixes what `epoch` owes the holders: `reward * min(sold, hashrate) / hashrate` of the
    /// epoch's effective report, where `sold` is the time-weighted hashrate of the share supply
    /// over the epoch itself (the token's supply-seconds). Epochs are recorded in order,
    /// starting with the one the distributor was deployed in; an epoch nothing was sold in
    /// needs no report, and one whose report is still missing past its staleness deadline
    /// (`max_age_epochs` after it) is closed owing 0, until a late report is recorded for it.
    /// Idempotent: a recorded epoch's payout is returned unchanged. Anyone may call it.
    ///
    /// # Errors
    /// `ReportNotEffective`, `EarlierEpochOpen`, `EpochAfterMaturity` (the epoch starts at or
    /// after the share token's maturity), `EpochBeforeOffering`, `Overflow`; the oracle's
    /// `PoolNotFound`.
    /// # Events
    /// `recorded` when the epoch's debt is fixed; `missed` when it is closed without a report.
    fn record(env: Env, epoch: u64) -> EpochPayout {
        ttl::bump_instance(&env);
        let config = config(&env);
        let mut books = books(&env);
        let (payout, _) = record_epoch(&env, &config, &mut books, epoch);
        storage::set_books(&env, &books);
        payout
    }

    /// Pays up to `amount` of the reward asset from `from` for `epoch`, recording the epoch
    /// first if needed. The payout must reach, in full, the shares it was sized for: when more
    /// shares exist now than the epoch's time-weighted average (or than its closing supply),
    /// each unit of debt costs `supply now / that` units, the excess (the top-up) paying the
    /// newer shares' part. What
    /// pays off the whole debt is taken, never more; the rest of `amount` stays with `from`.
    /// `fee_bps` of what is taken accrues to the fee recipient; the rest streams to holders
    /// until the end of the next epoch.
    ///
    /// # Auth
    /// `from`, for this call and for its sub-invocation
    /// `reward_token.transfer(from, distributor, amount)` (the unused rest is sent back).
    /// # Errors
    /// `InvalidAmount` (not positive), `Paused`, `NothingOwed`, `NoHolders` (no share held
    /// to receive it), `Overflow`, and those of `record`.
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
        let mut books = books(&env);
        let (mut payout, supply_at_end) = record_epoch(&env, &config, &mut books, epoch);
        let outstanding = payout.owed - payout.paid;
        if outstanding <= 0 {
            panic_with_error!(&env, DistributorError::NothingOwed);
        }
        let token = ShareTokenClient::new(&env, &config.share_token);
        let price = price_now(&env, &config, &token, &payout, supply_at_end);
        let split = checked(
            &env,
            payout::split(amount, outstanding, &price, config.fee_bps),
        );
        checked(&env, payout::apply(&mut payout, &split));
        checked(&env, books.deposit(&split));
        storage::set_payout(&env, epoch, &payout, supply_at_end);
        storage::set_books(&env, &books);

        // Take exactly what `from` signed for, and send back what the debt did not need: a
        // stranger paying part of the debt first never makes this deposit fail.
        let reward_token = TokenClient::new(&env, &config.reward_token);
        let this = env.current_contract_address();
        reward_token.transfer(&from, &this, &amount);
        if split.used < amount {
            reward_token.transfer(&this, &from, &(amount - split.used));
        }
        if split.streamed() > 0 {
            token.notify_reward(&split.streamed());
        }
        Deposited {
            epoch,
            from,
            amount: split.used,
            paid: split.debt,
            topup: split.topup,
            fee: split.fee,
        }
        .publish(&env);
    }

    /// `epoch`'s payout if it was recorded.
    fn epoch(env: Env, epoch: u64) -> Option<EpochPayout> {
        ttl::bump_instance(&env);
        storage::payout(&env, epoch).map(|(payout, _)| payout)
    }

    /// What a deposit paying the rest of `epoch`'s debt takes now, top-up included (for an
    /// epoch closed without a report, what its late report, once effective, makes it owe); 0
    /// for an epoch not yet recorded or fully paid. Errors: `NoHolders`.
    fn due(env: Env, epoch: u64) -> i128 {
        ttl::bump_instance(&env);
        let Some((mut payout, supply_at_end)) = storage::payout(&env, epoch) else {
            return 0;
        };
        let config = config(&env);
        if !payout.reported && payout.supply_seconds > 0 {
            // Closed without a report: a late one now effective is what a deposit would record.
            if let Some(report) = effective_report(&env, &config, epoch) {
                payout.owed = owed_by(&env, &config, &payout, &report).1;
            }
        }
        let outstanding = payout.owed - payout.paid;
        if outstanding <= 0 {
            return 0;
        }
        let token = ShareTokenClient::new(&env, &config.share_token);
        let price = price_now(&env, &config, &token, &payout, supply_at_end);
        checked(&env, payout::due(outstanding, &price))
    }

    /// The next epoch to record: every earlier one is.
    fn next_epoch(env: Env) -> u64 {
        ttl::bump_instance(&env);
        books(&env).next_epoch
    }

    /// Sum over recorded epochs of `owed - paid`: what the miner still owes the holders.
    fn arrears(env: Env) -> i128 {
        ttl::bump_instance(&env);
        books(&env).arrears
    }

    /// The books since construction. With this contract's reward-asset balance they close:
    /// everything received was claimed, withdrawn as fees, or is still held
    /// (`claimed == deposited - fees_withdrawn - balance`).
    fn totals(env: Env) -> Books {
        ttl::bump_instance(&env);
        let books = books(&env);
        Books {
            deposited: books.deposited,
            topups: books.topups,
            fees: books.fees,
            fees_withdrawn: books.fees_withdrawn,
        }
    }

    /// Takes a mint's top-up from `from`, on the allowance `from` gave this contract in the
    /// reward asset: `amount` (which the share token has added to its streams) grossed up by
    /// the fee, `ceil(amount * 10_000 / (10_000 - fee_bps))`, the difference accruing as fee —
    /// as for a deposit's top-up, so the order of a mint and a deposit changes no one's share.
    ///
    /// # Auth
    /// The share token.
    /// # Errors
    /// `InvalidAmount`, `Paused`, `TopUpNotApproved` (allowance or balance too small),
    /// `Overflow`.
    /// # Events
    /// `top_up_collected`, with the amount taken and its fee.
    fn collect_topup(env: Env, from: Address, amount: i128) {
        let config = config(&env);
        config.share_token.require_auth();
        ttl::bump_instance(&env);
        if amount <= 0 {
            panic_with_error!(&env, DistributorError::InvalidAmount);
        }
        check_not_paused(&env);
        let gross = checked(&env, payout::grossed_up(amount, config.fee_bps));
        let this = env.current_contract_address();
        let pulled = TokenClient::new(&env, &config.reward_token)
            .try_transfer_from(&this, &from, &this, &gross);
        if !matches!(pulled, Ok(Ok(()))) {
            panic_with_error!(&env, DistributorError::TopUpNotApproved);
        }
        let fee = gross - amount;
        let mut books = books(&env);
        checked(&env, books.received(gross, gross));
        checked(&env, books.accrue_fee(fee));
        storage::set_books(&env, &books);
        TopUpCollected {
            from,
            amount: gross,
            fee,
        }
        .publish(&env);
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

    /// Pays the fees accrued and not yet withdrawn to the fee recipient, and returns them.
    /// Fees never move during a deposit, so a recipient that cannot receive blocks only this.
    ///
    /// # Auth
    /// The fee recipient.
    /// # Errors
    /// `Paused`.
    /// # Events
    /// `fees_withdrawn`, when the amount is positive.
    fn withdraw_fees(env: Env) -> i128 {
        let config = config(&env);
        config.fee_recipient.require_auth();
        ttl::bump_instance(&env);
        check_not_paused(&env);
        let mut books = books(&env);
        let amount = books.fees_due();
        if amount > 0 {
            books.fees_withdrawn += amount;
            storage::set_books(&env, &books);
            TokenClient::new(&env, &config.reward_token).transfer(
                &env.current_contract_address(),
                &config.fee_recipient,
                &amount,
            );
            FeesWithdrawn {
                recipient: config.fee_recipient,
                amount,
            }
            .publish(&env);
        }
        amount
    }

    /// Names a new fee recipient; fees not yet withdrawn are the new recipient's to withdraw.
    /// Auth: the admin. Errors: `InvalidRecipient` (this contract). Events: `fee_recipient_set`.
    fn set_fee_recipient(env: Env, recipient: Address) {
        admin::require_admin(&env);
        ttl::bump_instance(&env);
        if recipient == env.current_contract_address() {
            panic_with_error!(&env, DistributorError::InvalidRecipient);
        }
        let mut config = config(&env);
        config.fee_recipient = recipient.clone();
        storage::set_config(&env, &config);
        FeeRecipientSet { recipient }.publish(&env);
    }

    fn fee_recipient(env: Env) -> Address {
        ttl::bump_instance(&env);
        config(&env).fee_recipient
    }

    /// The share token whose holders this distributor pays.
    fn share_token(env: Env) -> Address {
        ttl::bump_instance(&env);
        config(&env).share_token
    }

    /// The asset deposits, top-ups, claims and fees are paid in.
    fn reward_token(env: Env) -> Address {
        ttl::bump_instance(&env);
        config(&env).reward_token
    }

    /// Stops deposits, top-ups, claims and fee withdrawals. Auth: the admin. Events: `paused`.
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

fn books(env: &Env) -> Ledger {
    storage::books(env).unwrap_or_else(|| panic_with_error!(env, DistributorError::InvalidConfig))
}

/// What a unit of `payout`'s debt costs now (see [`payout::price`]).
fn price_now(
    env: &Env,
    config: &DistributorConfig,
    token: &ShareTokenClient,
    payout: &EpochPayout,
    supply_at_end: i128,
) -> payout::Price {
    let supply = token.total_supply();
    checked(
        env,
        payout::price(
            payout.supply_seconds,
            supply_at_end,
            supply,
            config.epoch_seconds,
        ),
    )
    .unwrap_or_else(|| panic_with_error!(env, DistributorError::NoHolders))
}

/// `epoch`'s payout and the supply it ended with, recording it first if it is the next
/// one (see [`PayoutDistributor::record`]). The caller stores `books`.
fn record_epoch(
    env: &Env,
    config: &DistributorConfig,
    books: &mut Ledger,
    epoch: u64,
) -> (EpochPayout, i128) {
    if let Some((mut payout, supply_at_end)) = storage::payout(env, epoch) {
        if !payout.reported && payout.supply_seconds > 0 {
            if let Some(report) = effective_report(env, config, epoch) {
                fix_owed(env, config, epoch, &mut payout, &report);
                checked(env, books.owe(payout.owed));
                storage::set_payout(env, epoch, &payout, supply_at_end);
            }
        }
        return (payout, supply_at_end);
    }
    if !payout::starts_before(config.genesis, config.epoch_seconds, epoch, config.maturity) {
        panic_with_error!(env, DistributorError::EpochAfterMaturity);
    }
    if epoch < books.next_epoch {
        panic_with_error!(env, DistributorError::EpochBeforeOffering);
    }
    if epoch > books.next_epoch {
        panic_with_error!(env, DistributorError::EarlierEpochOpen);
    }
    let now = env.ledger().timestamp();
    if !payout::has_ended(config.genesis, config.epoch_seconds, epoch, now) {
        panic_with_error!(env, DistributorError::ReportNotEffective);
    }
    let (supply_seconds, supply_at_end) =
        ShareTokenClient::new(env, &config.share_token).epoch_supply(&epoch, &books.supply_at_next);
    let mut payout = EpochPayout {
        owed: 0,
        paid: 0,
        topup: 0,
        fee: 0,
        supply_seconds,
        reported: false,
    };
    // An epoch nothing was sold in owes nothing, whatever its report says.
    if supply_seconds > 0 {
        match effective_report(env, config, epoch) {
            Some(report) => fix_owed(env, config, epoch, &mut payout, &report),
            None if past_deadline(env, config, epoch, now) => Missed {
                epoch,
                supply_seconds,
            }
            .publish(env),
            None => panic_with_error!(env, DistributorError::ReportNotEffective),
        }
    }
    checked(env, books.record(payout.owed, supply_at_end));
    storage::set_payout(env, epoch, &payout, supply_at_end);
    (payout, supply_at_end)
}

fn effective_report(env: &Env, config: &DistributorConfig, epoch: u64) -> Option<EpochReport> {
    PoolOracleClient::new(env, &config.oracle).report(&config.pool, &epoch)
}

/// Whether `epoch`'s report, still missing, would be stale on arrival: more than
/// `max_age_epochs` (the oracle's, now) behind the current epoch.
fn past_deadline(env: &Env, config: &DistributorConfig, epoch: u64, now: u64) -> bool {
    let max_age = PoolOracleClient::new(env, &config.oracle)
        .pool(&config.pool)
        .max_age_epochs;
    payout::epoch_at(config.genesis, config.epoch_seconds, now).saturating_sub(epoch) > max_age
}

/// `(sold, owed)` of an epoch with `payout`'s supply-seconds under `report`.
fn owed_by(
    env: &Env,
    config: &DistributorConfig,
    payout: &EpochPayout,
    report: &EpochReport,
) -> (i128, i128) {
    let sold = checked(
        env,
        payout::sold_hashrate(
            payout.supply_seconds,
            config.hashrate_per_share,
            config.epoch_seconds,
        ),
    );
    (
        sold,
        checked(env, payout::owed(report.reward, report.hashrate, sold)),
    )
}

/// Fixes `payout.owed` from `report` and the hashrate sold over the epoch; emits `recorded`.
fn fix_owed(
    env: &Env,
    config: &DistributorConfig,
    epoch: u64,
    payout: &mut EpochPayout,
    report: &EpochReport,
) {
    let (sold, owed) = owed_by(env, config, payout, report);
    payout.owed = owed;
    payout.reported = true;
    Recorded {
        epoch,
        owed: payout.owed,
        reward: report.reward,
        hashrate: report.hashrate,
        sold,
    }
    .publish(env);
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
