//! The operations on the persistent local network: load, run on the WASM, print, save.
use std::path::Path;

use crate::{
    cli::{Cli, Command, LocalCommand, PoolCommand, ReportCommand},
    error::CliError,
    local::Store,
    output,
    suite::Session,
    units::{grouped, parse_duration, parse_hashrate, parse_shares, parse_units, shares},
    wasm::Artifacts,
};

use super::{
    deposit, finalize, mint, offering_params, parse_pool, parse_u64, pool_params, record_through,
    step, step_with, submit,
};

pub fn run(cli: &Cli, wasm_dir: Option<&Path>) -> Result<(), CliError> {
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

fn execute(cli: &Cli, wasm_dir: Option<&Path>, session: &mut Session) -> Result<(), CliError> {
    match &cli.command {
        Command::Deploy(args) => {
            let params = offering_params(args)?;
            let artifacts = Artifacts::load(wasm_dir)?;
            let costs = session.deploy(&artifacts, &args.source, &params)?;
            for (title, cost) in &costs {
                output::step(title, cost);
            }
            let status = session.status()?;
            let c = &status.config;
            println!(
                "pool {}: {} reporters, quorum {}, {} s epochs, {} s dispute window, max age {} epochs, capacity_epochs {}",
                status.pool,
                c.reporters.len(),
                c.quorum,
                c.epoch_seconds,
                c.dispute_seconds,
                c.max_age_epochs,
                c.capacity_epochs
            );
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
                    "register_pool {pool}: operator {}, {} reporters, quorum {}, capacity_epochs {} (signed by {})",
                    params.operator,
                    params.reporters.len(),
                    params.quorum,
                    params.capacity_epochs,
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
            submit(session, &args.source, epoch, hs, reward)?;
            println!("    capacity {}", session.capacity_view()?.capacity_line());
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Finalize(args),
        } => {
            let epoch = parse_u64("epoch", &args.epoch)?;
            finalize(session, &args.source, epoch)?;
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
            mint(session, &args.source, &args.to, amount).map(|_| ())
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
        Command::Record(args) => {
            let epoch = parse_u64("epoch", &args.epoch)?;
            let recorded = record_through(session, &args.source, epoch)?;
            if recorded.is_empty() {
                match session.payout(epoch)? {
                    Some(p) => println!(
                        "epoch {epoch} is already recorded: owed {}, paid {}, top-up {}, fee {}",
                        p.owed, p.paid, p.topup, p.fee
                    ),
                    None => println!("nothing to record"),
                }
            }
            let status = session.status()?;
            println!(
                "    next epoch to record {}, arrears {}",
                status.next_epoch, status.arrears
            );
            Ok(())
        }
        Command::Deposit(args) => {
            let epoch = parse_u64("epoch", &args.epoch)?;
            let amount = parse_units("amount", &args.amount)?;
            deposit(session, &args.source, epoch, amount).map(|_| ())
        }
        Command::WithdrawFees(args) => {
            let title = format!("withdraw_fees (signed by {})", args.source);
            let amount = step_with(session, &title, |s| s.withdraw_fees(&args.source))?;
            println!("    withdrew {amount}");
            Ok(())
        }
        Command::SetFeeRecipient(args) => {
            let title = format!("set_fee_recipient {} (signed by {})", args.to, args.source);
            step(session, &title, |s| {
                s.set_fee_recipient(&args.source, &args.to)
            })?;
            let status = session.status()?;
            println!(
                "    fees not yet withdrawn, {}, are now {}'s to withdraw",
                status.totals.fees - status.totals.fees_withdrawn,
                session.book.name_of(&status.fee_recipient)
            );
            Ok(())
        }
        Command::ApproveTopups(args) => {
            let (live_until, cost) = session.approve_topups(&args.source)?;
            output::step(
                &format!(
                    "approve: {} lets payout_distributor take mint top-ups in the reward asset (until ledger {live_until})",
                    args.source
                ),
                &cost,
            );
            Ok(())
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
            output::status(&status, &holdings, &session.book);
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
                    status.capacity_view.capacity_line()
                );
            }
            Ok(())
        }
        Command::Verify => Err(CliError::TestnetOnly("verify")),
        Command::Demo | Command::Local { .. } | Command::Node(_) | Command::Keys { .. } => Ok(()),
    }
}
