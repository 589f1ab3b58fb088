//! The operations on the persistent local network: load, run on the WASM, print, save.
use std::path::Path;

use crate::{
    cli::{Cli, Command, LocalCommand, PoolCommand, ReportCommand},
    error::CliError,
    local::Store,
    output,
    suite::Session,
    units::{grouped, hashrate, parse_duration, parse_hashrate, parse_shares, parse_units, shares},
    wasm::Artifacts,
};

use super::{offering_params, parse_pool, parse_u64, pool_params, step};

pub fn run(cli: &Cli, wasm_dir: &Path) -> Result<(), CliError> {
    let store = Store::new(&cli.dir);
    if let Command::Local {
        command: LocalCommand::Init { force },
    } = &cli.command
    {
        let session = store.init(*force)?;
        println!("created a local network in {}", cli.dir.display());
        println!("accounts:");
        for (name, key) in session.book.names() {
            println!("  {name:<10} {key}");
        }
        println!("next: hashshare deploy --source admin");
        return Ok(());
    }
    let mut session = store.load()?;
    execute(cli, wasm_dir, &mut session)?;
    store.save(&session)
}

fn execute(cli: &Cli, wasm_dir: &Path, session: &mut Session) -> Result<(), CliError> {
    match &cli.command {
        Command::Deploy(args) => {
            let params = offering_params(args)?;
            let artifacts = Artifacts::load(wasm_dir)?;
            let costs = session.deploy(&artifacts, &args.source, &params)?;
            for (title, cost) in &costs {
                output::step(title, cost);
            }
            let d = session.deployment()?;
            println!("pool_oracle        {}", d.pool_oracle);
            println!("share_token        {}", d.share_token);
            println!("payout_distributor {}", d.payout_distributor);
            println!("reward_asset       {}", d.reward_asset);
            println!("pool               {}", d.pool);
            Ok(())
        }
        Command::Pool {
            command: PoolCommand::Register(args),
        } => {
            let pool = parse_pool(&args.pool.pool)?;
            let params = pool_params(&args.pool)?;
            let cost = session.register_pool(&args.source, &pool, &params)?;
            output::step(
                &format!(
                    "register_pool {pool}: operator {}, {} reporters, quorum {} (signed by {})",
                    params.operator,
                    params.reporters.len(),
                    params.quorum,
                    args.source
                ),
                &cost,
            );
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Submit(args),
        } => {
            let hs = parse_hashrate(&args.hashrate)?;
            let reward = parse_units("reward", &args.reward)?;
            let epoch = args
                .epoch
                .as_deref()
                .map(|e| parse_u64("epoch", e))
                .transpose()?;
            let (epoch, cost) = session.submit(&args.source, epoch, hs, reward)?;
            output::step(
                &format!(
                    "submit epoch {epoch}: {}, reward {reward} (signed by {})",
                    hashrate(hs),
                    args.source
                ),
                &cost,
            );
            let status = session.status()?;
            match status.latest {
                Some(r) if r.epoch == epoch => println!(
                    "    epoch {epoch} effective: {}, reward {}; capacity {}",
                    hashrate(r.hashrate),
                    r.reward,
                    hashrate(status.capacity)
                ),
                _ => println!(
                    "    capacity {} (a report counts once quorum is reached and its dispute window has passed)",
                    hashrate(status.capacity)
                ),
            }
            Ok(())
        }
        Command::Fund(args) => {
            let amount = parse_units("amount", &args.amount)?;
            let title = format!(
                "fund {} with {amount} reward units (signed by {})",
                args.to, args.source
            );
            step(session, &title, |s| s.fund(&args.source, &args.to, amount))
        }
        Command::Mint(args) => {
            let amount = parse_shares(&args.amount)?;
            let title = format!(
                "mint {} shares to {} (signed by {})",
                shares(amount),
                args.to,
                args.source
            );
            step(session, &title, |s| s.mint(&args.source, &args.to, amount))
        }
        Command::Transfer(args) => {
            let amount = parse_shares(&args.amount)?;
            let title = format!(
                "transfer {} shares from {} to {}",
                shares(amount),
                args.source,
                args.to
            );
            step(session, &title, |s| {
                s.transfer(&args.source, &args.to, amount)
            })
        }
        Command::Deposit(args) => {
            let epoch = parse_u64("epoch", &args.epoch)?;
            let amount = parse_units("amount", &args.amount)?;
            let title = format!(
                "deposit {amount} for epoch {epoch} (signed by {})",
                args.source
            );
            step(session, &title, |s| s.deposit(&args.source, epoch, amount))
        }
        Command::Claim(args) => {
            let holder = args.holder.clone().unwrap_or_else(|| args.source.clone());
            let mut claimed = 0;
            step(
                session,
                &format!("claim for {holder} (signed by {})", args.source),
                |s| {
                    let (amount, cost) = s.claim(&args.source, &holder)?;
                    claimed = amount;
                    Ok(cost)
                },
            )?;
            println!("    claimed {claimed}");
            Ok(())
        }
        Command::Status => {
            let status = session.status()?;
            let holdings = session.holdings()?;
            output::status(&status, &holdings);
            Ok(())
        }
        Command::AdvanceTime { duration } => {
            let seconds = parse_duration(duration)?;
            session.chain.advance(seconds);
            println!(
                "advanced {} s: ledger time {} ({})",
                grouped(seconds.into()),
                output::utc(session.chain.timestamp()),
                session.chain.timestamp()
            );
            if session.deployment.is_some() {
                let status = session.status()?;
                println!(
                    "    pool {} in epoch {}, capacity {}",
                    status.pool,
                    status.current_epoch,
                    hashrate(status.capacity)
                );
            }
            Ok(())
        }
        Command::Verify => Err(CliError::TestnetOnly("verify")),
        Command::Demo | Command::Local { .. } => Ok(()),
    }
}
