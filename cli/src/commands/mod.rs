//! The commands: arguments checked here, then one Stellar RPC client for every network
//! (`rpc`), the node itself (`node`), identities (`keys`) and the demo.
mod app;
mod demo;
mod keys;
mod node;
mod rpc;

use crate::{
    cli::{Cli, Command, PoolArgs},
    error::CliError,
    offering::Schedule,
    units::{parse_duration, parse_units},
};

pub fn run(cli: Cli) -> Result<(), CliError> {
    match &cli.command {
        Command::Keys { command } => keys::run(&cli, command),
        Command::Demo => demo::run(cli.wasm_dir.as_deref()),
        Command::Node(args) => node::run(args),
        Command::App(args) => app::run(&cli, args),
        _ => rpc::run(&cli),
    }
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

/// The pool's schedule from its flags — accounts resolved by `address_of`, genesis by default
/// `now()` — checked against the oracle's rules (see [`check_pool`]).
pub fn schedule(
    args: &PoolArgs,
    address_of: impl Fn(&str) -> Result<String, CliError>,
    now: impl FnOnce() -> Result<u64, CliError>,
) -> Result<Schedule, CliError> {
    let quorum = parse_u32("quorum", &args.quorum)?;
    let epoch_seconds = parse_duration(&args.epoch)?;
    let genesis = args
        .genesis
        .as_deref()
        .map(|g| parse_u64("genesis", g))
        .transpose()?;
    let dispute_seconds = parse_duration(&args.dispute_window)?;
    let max_age_epochs = parse_u64("max-age-epochs", &args.max_age_epochs)?;
    let capacity_epochs = parse_u32("capacity-epochs", &args.capacity_epochs)?;
    let schedule = Schedule {
        operator: address_of(&args.operator)?,
        reporters: args
            .reporters
            .iter()
            .map(|r| address_of(r))
            .collect::<Result<Vec<_>, _>>()?,
        quorum,
        epoch_seconds,
        genesis: match genesis {
            Some(g) => g,
            None => now()?,
        },
        dispute_seconds,
        max_age_epochs,
        capacity_epochs,
    };
    check_pool(&schedule)?;
    Ok(schedule)
}

/// A configuration the oracle would refuse (`InvalidConfig`) is reported as bad input, with
/// the rule it breaks, before anything is sent.
pub fn check_pool(params: &Schedule) -> Result<(), CliError> {
    let reporters = params.reporters.len();
    let quorum = params.quorum as usize;
    let listed = params.reporters.join(",");
    if reporters == 0 || reporters > hashshare_interfaces::MAX_REPORTERS as usize {
        return Err(CliError::invalid(
            "reporters",
            &listed,
            "a pool lists 1 to 16 reporters",
        ));
    }
    if quorum > reporters || 2 * quorum <= reporters || (reporters >= 3 && quorum < 3) {
        return Err(CliError::invalid(
            "quorum",
            &quorum.to_string(),
            format!(
                "{quorum} of {reporters} reporters is not an honest majority (more than half, \
and at least 3 once there are 3 or more: e.g. 3 of 5)"
            ),
        ));
    }
    if params.epoch_seconds == 0 {
        return Err(CliError::invalid(
            "duration",
            "0",
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
            &listed,
            format!("{twice} is listed twice"),
        ));
    }
    // The oracle's rules for the schedule, in its own arithmetic (an overflow is refused).
    let max_window = u64::from(pool_oracle::MAX_PENDING / 2);
    if params.dispute_seconds / params.epoch_seconds >= max_window {
        return Err(CliError::invalid(
            "duration",
            &params.dispute_seconds.to_string(),
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
            &params.max_age_epochs.to_string(),
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
            &params.capacity_epochs.to_string(),
            "the sustained-capacity window is 1 to 30 epochs",
        ));
    }
    Ok(())
}
