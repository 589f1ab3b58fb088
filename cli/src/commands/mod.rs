//! The commands: argument checking, then a call into the embedded network or stellar-cli.
mod demo;
mod keys;
mod local;
mod node;
mod rpc;

use hashshare_interfaces::EpochPayout;

use crate::{
    cli::{Cli, Command, DeployArgs, PoolArgs},
    error::CliError,
    ledger::Cost,
    output,
    suite::{DepositOutcome, Finalization, MintTopUp, OfferingParams, PoolParams, Round, Session},
    units::{parse_duration, parse_hashrate, parse_units},
};

pub fn run(cli: Cli) -> Result<(), CliError> {
    let wasm_dir = cli.wasm_dir.as_deref();
    if let Command::Keys { command } = &cli.command {
        return keys::run(&cli, command);
    }
    match &cli.command {
        Command::Demo => demo::run(wasm_dir),
        Command::Node(args) => node::run(&cli.dir, args),
        Command::Local { .. } if cli.on_rpc() => Err(CliError::LocalOnly("local")),
        _ if cli.on_rpc() => rpc::run(&cli, wasm_dir),
        _ => local::run(&cli, wasm_dir),
    }
}

/// Runs `op` on `session` and prints it with its cost and the holdings it changed.
pub fn step(
    session: &mut Session,
    title: &str,
    op: impl FnOnce(&mut Session) -> Result<Cost, CliError>,
) -> Result<(), CliError> {
    step_with(session, title, |s| op(s).map(|cost| ((), cost)))
}

/// As [`step`], for an operation that also returns a value.
pub fn step_with<T>(
    session: &mut Session,
    title: &str,
    op: impl FnOnce(&mut Session) -> Result<(T, Cost), CliError>,
) -> Result<T, CliError> {
    let before = session.holdings()?;
    let (value, cost) = op(session)?;
    let after = session.holdings()?;
    output::step(title, &cost);
    output::changes(&before, &after);
    Ok(value)
}

/// Records, in order, every unrecorded epoch up to `epoch` (or `epoch` again, if it was
/// closed without a report), each its own call signed by `source`; prints each.
pub fn record_through(
    session: &mut Session,
    source: &str,
    epoch: u64,
) -> Result<Vec<(u64, EpochPayout)>, CliError> {
    let status = session.status()?;
    let mut recorded = Vec::new();
    for e in session.records_needed(epoch)? {
        let (payout, cost) = session.record(source, e)?;
        let title = output::record_title(
            e,
            source,
            &payout,
            status.hashrate_per_share,
            status.config.epoch_seconds,
        );
        output::step(&title, &cost);
        recorded.push((e, payout));
    }
    Ok(recorded)
}

/// Records every earlier epoch, then deposits; prints what the deposit did.
pub fn deposit(
    session: &mut Session,
    source: &str,
    epoch: u64,
    amount: i128,
) -> Result<DepositOutcome, CliError> {
    record_through(session, source, epoch)?;
    let title = format!("deposit {amount} for epoch {epoch} (signed by {source})");
    let outcome = step_with(session, &title, |s| s.deposit(source, epoch, amount))?;
    output::deposit(&outcome);
    Ok(outcome)
}

/// Mints, then prints the top-up it paid (taken, and its fee) and the room left under the
/// sustained capacity.
pub fn mint(
    session: &mut Session,
    source: &str,
    to: &str,
    amount: i128,
) -> Result<MintTopUp, CliError> {
    let title = format!(
        "mint {} shares to {to} (signed by {source})",
        crate::units::shares(amount)
    );
    let topup = step_with(session, &title, |s| {
        s.mint(source, to, amount)
            .map(|(cost, topup)| (topup, cost))
    })?;
    println!(
        "    {}",
        output::mint_topup(&topup, source, "payout_distributor")
    );
    println!("    {}", session.capacity_view()?.room_line());
    Ok(topup)
}

/// `source` submits `epoch`; prints the submission and where the epoch's round stands.
pub fn submit(
    session: &mut Session,
    source: &str,
    epoch: Option<u64>,
    hs: i128,
    reward: i128,
) -> Result<Round, CliError> {
    let (round, cost) = session.submit(source, epoch, hs, reward)?;
    let epoch = match &round {
        Round::Finalized(f) => f.epoch,
        Round::Open(r) => r.epoch,
    };
    output::step(
        &format!(
            "submit epoch {epoch}: {}, reward {reward} (signed by {source})",
            crate::units::hashrate(hs)
        ),
        &cost,
    );
    output::round(&round);
    Ok(round)
}

/// `source` finalizes `epoch`; prints the report and when it becomes effective.
pub fn finalize(session: &mut Session, source: &str, epoch: u64) -> Result<Finalization, CliError> {
    let (finalized, cost) = session.finalize(source, epoch)?;
    output::step(&format!("finalize epoch {epoch} (sent by {source})"), &cost);
    println!(
        "    {}",
        output::finalized(&finalized, "its round's window has passed with a quorum in")
    );
    Ok(finalized)
}

/// A non-negative integer option.
pub fn parse_u64(what: &'static str, text: &str) -> Result<u64, CliError> {
    let value = parse_units(what, text)?;
    u64::try_from(value).map_err(|_| CliError::invalid(what, text, "too large"))
}

pub fn parse_u32(what: &'static str, text: &str) -> Result<u32, CliError> {
    let value = parse_units(what, text)?;
    u32::try_from(value).map_err(|_| CliError::invalid(what, text, "too large"))
}

/// A pool id: a Soroban symbol.
pub fn parse_pool(text: &str) -> Result<String, CliError> {
    if text.is_empty()
        || text.len() > 32
        || !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(CliError::invalid(
            "pool id",
            text,
            "letters, digits and `_`, at most 32",
        ));
    }
    Ok(text.to_string())
}

/// The pool parameters, checked against the oracle's rules so that a configuration it would
/// refuse (`InvalidConfig`) is reported as bad input, with the rule it breaks.
pub fn pool_params(args: &PoolArgs) -> Result<PoolParams, CliError> {
    let params = PoolParams {
        operator: args.operator.clone(),
        reporters: args.reporters.clone(),
        quorum: parse_u32("quorum", &args.quorum)?,
        epoch_seconds: parse_duration(&args.epoch)?,
        genesis: args
            .genesis
            .as_deref()
            .map(|g| parse_u64("genesis", g))
            .transpose()?,
        dispute_seconds: parse_duration(&args.dispute_window)?,
        max_age_epochs: parse_u64("max-age-epochs", &args.max_age_epochs)?,
        capacity_epochs: parse_u32("capacity-epochs", &args.capacity_epochs)?,
    };
    let reporters = params.reporters.len();
    let quorum = params.quorum as usize;
    if reporters == 0 || reporters > hashshare_interfaces::MAX_REPORTERS as usize {
        return Err(CliError::invalid(
            "reporters",
            &args.reporters.join(","),
            "a pool lists 1 to 16 reporters",
        ));
    }
    if quorum > reporters || 2 * quorum <= reporters || (reporters >= 3 && quorum < 3) {
        return Err(CliError::invalid(
            "quorum",
            &args.quorum,
            format!(
                "{quorum} of {reporters} reporters is not an honest majority (more than half, \
and at least 3 once there are 3 or more: e.g. 3 of 5)"
            ),
        ));
    }
    if params.epoch_seconds == 0 {
        return Err(CliError::invalid(
            "duration",
            &args.epoch,
            "an epoch lasts at least 1 s",
        ));
    }
    if let Some(twice) = params
        .reporters
        .iter()
        .enumerate()
        .find(|(i, r)| params.reporters[..*i].contains(r))
        .map(|(_, r)| r)
    {
        return Err(CliError::invalid(
            "reporters",
            &args.reporters.join(","),
            format!("{twice} is listed twice"),
        ));
    }
    // The oracle's rules for the schedule, in its own arithmetic (an overflow is refused).
    let max_window = u64::from(pool_oracle::MAX_PENDING / 2);
    if params.dispute_seconds / params.epoch_seconds >= max_window {
        return Err(CliError::invalid(
            "duration",
            &args.dispute_window,
            format!("a dispute window lasts less than {max_window} epochs"),
        ));
    }
    let stale_after = params.max_age_epochs.checked_mul(params.epoch_seconds);
    let latest_effective = params
        .dispute_seconds
        .checked_mul(2)
        .and_then(|windows| windows.checked_add(params.epoch_seconds));
    if !matches!((latest_effective, stale_after), (Some(late), Some(stale)) if late <= stale) {
        return Err(CliError::invalid(
            "max-age-epochs",
            &args.max_age_epochs,
            format!(
                "the oracle needs 2 × dispute window + epoch <= max-age-epochs × epoch \
(2 × {} + {} > {} × {} s): a round open for the dispute window, then disputable for as long, \
would leave a report stale when it becomes effective",
                params.dispute_seconds,
                params.epoch_seconds,
                params.max_age_epochs,
                params.epoch_seconds
            ),
        ));
    }
    if !(1..=hashshare_interfaces::MAX_CAPACITY_EPOCHS).contains(&params.capacity_epochs) {
        return Err(CliError::invalid(
            "capacity-epochs",
            &args.capacity_epochs,
            "the sustained-capacity window is 1 to 30 epochs",
        ));
    }
    Ok(params)
}

pub fn offering_params(args: &DeployArgs) -> Result<OfferingParams, CliError> {
    Ok(OfferingParams {
        pool: parse_pool(&args.pool.pool)?,
        schedule: pool_params(&args.pool)?,
        name: args.name.clone(),
        symbol: args.symbol.clone(),
        hashrate_per_share: parse_hashrate(&args.hashrate_per_share)?,
        term: parse_duration(&args.term)?,
        fee_bps: parse_u32("fee-bps", &args.fee_bps)?,
        fee_recipient: args.fee_recipient.clone(),
    })
}
