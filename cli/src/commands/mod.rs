//! The commands: argument checking, then a call into the embedded network or stellar-cli.
mod demo;
mod local;
mod testnet;

use crate::{
    cli::{Cli, Command, DeployArgs, Network, PoolArgs},
    error::CliError,
    ledger::Cost,
    output,
    suite::{OfferingParams, PoolParams, Session},
    units::{parse_duration, parse_hashrate, parse_units},
    wasm,
};

pub fn run(cli: Cli) -> Result<(), CliError> {
    let wasm_dir = cli.wasm_dir.clone().unwrap_or_else(wasm::default_dir);
    match (&cli.command, cli.network) {
        (Command::Demo, _) => demo::run(&wasm_dir),
        (Command::Local { .. }, Network::Testnet) => Err(CliError::LocalOnly("local")),
        (Command::AdvanceTime { .. }, Network::Testnet) => Err(CliError::LocalOnly("advance-time")),
        (_, Network::Testnet) => testnet::run(&cli, &wasm_dir),
        (_, Network::Local) => local::run(&cli, &wasm_dir),
    }
}

/// Runs `op` on `session` and prints it with its cost and the holdings it changed.
pub fn step(
    session: &mut Session,
    title: &str,
    op: impl FnOnce(&mut Session) -> Result<Cost, CliError>,
) -> Result<(), CliError> {
    let before = session.holdings()?;
    let cost = op(session)?;
    let after = session.holdings()?;
    output::step(title, &cost);
    output::changes(&before, &after);
    Ok(())
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

pub fn pool_params(args: &PoolArgs) -> Result<PoolParams, CliError> {
    Ok(PoolParams {
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
    })
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
