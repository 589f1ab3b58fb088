//! The commands on a Stellar network over RPC (`--network`, or `--rpc-url` with
//! `--network-passphrase`): `hashshare node`, testnet, mainnet or another. Each operation is
//! one transaction, printed with its hash, the fee charged, what it returned and its events.
use std::path::{Path, PathBuf};

use stellar_xdr::{ContractEvent, ContractEventBody, ScVal};

use crate::{
    capacity::CapacityView,
    cli::{Cli, Command, DeployArgs, PoolCommand, ReportCommand},
    client::{Client, Sent},
    deployment::{self, Locked, Manifest},
    error::CliError,
    identity::{config_dir, Identities, Identity},
    offering::{self, account, call, contract, i128_val, symbol, DeployParams, Schedule},
    units::{parse_duration, parse_hashrate, parse_shares, parse_units},
    wasm::Artifacts,
};

use super::{offering_params, parse_u64};

/// How long a reward-asset allowance to the distributor lasts: the longest an entry may live.
const ALLOWANCE_LEDGERS: u32 = 3_110_400 - 1;

struct Ctx {
    client: Client,
    ids: Identities,
    manifest_path: PathBuf,
}

impl Ctx {
    fn manifest(&self) -> Result<Manifest, CliError> {
        deployment::read(&self.manifest_path)
    }

    fn id(&self, m: &Manifest, name: &str) -> Result<String, CliError> {
        m.contracts.get(name).cloned().ok_or(CliError::NotDeployed)
    }

    fn pool(&self, m: &Manifest) -> Result<String, CliError> {
        m.parameters
            .get("pool")
            .cloned()
            .ok_or(CliError::NotDeployed)
    }

    /// Sends a call of `contract.function(args)` from `source`, printed under `step`.
    fn send(
        &self,
        step: &str,
        source: &Identity,
        contract: &str,
        function: &str,
        args: Vec<ScVal>,
    ) -> Result<Sent, CliError> {
        let sent = self
            .client
            .invoke(source, call(contract, function, args)?, &[])
            .map_err(|e| named(step, e))?;
        print_sent(step, &sent);
        Ok(sent)
    }

    /// Reads `contract.function(args)` by simulation (nothing sent).
    fn read(&self, contract: &str, function: &str, args: Vec<ScVal>) -> Result<ScVal, CliError> {
        // Any funded account may simulate; the deployer's address is always there.
        let reader = self.manifest()?.parameters.get("admin").cloned();
        let reader = reader.ok_or(CliError::NotDeployed)?;
        self.client
            .read(&reader, call(contract, function, args)?)
            .map_err(|e| named(function, e))
    }
}

/// Names the step a contract error happened in.
fn named(step: &str, error: CliError) -> CliError {
    match error {
        CliError::Call { error, .. } => CliError::Call {
            step: step.to_string(),
            error,
        },
        other => other,
    }
}

fn json(value: &ScVal) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
}

fn print_sent(step: &str, sent: &Sent) {
    println!("==> {step}");
    println!("    tx {} · fee {} stroops", sent.hash, sent.fee_charged);
    if let Some(value) = sent.return_value.as_ref().filter(|v| **v != ScVal::Void) {
        println!("    returned {}", json(value));
    }
    for event in &sent.events {
        println!("    event {}", event_line(event));
    }
}

fn event_line(event: &ContractEvent) -> String {
    let ContractEventBody::V0(body) = &event.body;
    let contract = event
        .contract_id
        .as_ref()
        .map(|c| stellar_strkey::Contract(c.0 .0).to_string())
        .unwrap_or_default();
    let topics: Vec<String> = body.topics.iter().map(json).collect();
    format!("{contract} [{}] = {}", topics.join(", "), json(&body.data))
}

fn as_u64(value: &ScVal) -> Option<u64> {
    match value {
        ScVal::U64(v) => Some(*v),
        ScVal::U32(v) => Some(*v as u64),
        _ => None,
    }
}

fn as_i128(value: &ScVal) -> Option<i128> {
    match value {
        ScVal::I128(p) => Some(((p.hi as i128) << 64) | p.lo as i128),
        _ => None,
    }
}

pub fn run(cli: &Cli, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let config = match &cli.config_dir {
        Some(dir) => dir.clone(),
        None => config_dir()?,
    };
    let network = cli.network.resolve(&config)?;
    let manifest_path = cli
        .manifest
        .clone()
        .unwrap_or_else(|| deployment::path_for(Path::new("deployments"), &network.name));
    let ids = Identities::at(&config);
    // Names resolve before anything is sent.
    if let Some(source) = source_of(&cli.command) {
        ids.resolve(source)?;
    }
    let ctx = Ctx {
        client: Client::connect(&network)?,
        ids,
        manifest_path,
    };
    command(&ctx, cli, wasm_dir)
}

/// The `--source` of a command, if it has one.
fn source_of(command: &Command) -> Option<&str> {
    match command {
        Command::Deploy(a) => Some(&a.source),
        Command::Pool {
            command: PoolCommand::Register(a),
        } => Some(&a.source),
        Command::Report {
            command: ReportCommand::Submit(a),
        } => Some(&a.source),
        Command::Report {
            command: ReportCommand::Finalize(a),
        } => Some(&a.source),
        Command::Fund(a) | Command::Mint(a) | Command::Transfer(a) => Some(&a.source),
        Command::Record(a) => Some(&a.source),
        Command::Deposit(a) => Some(&a.source),
        Command::Claim(a) => Some(&a.source),
        Command::WithdrawFees(a) | Command::ApproveTopups(a) => Some(&a.source),
        Command::SetFeeRecipient(a) => Some(&a.source),
        _ => None,
    }
}

fn command(ctx: &Ctx, cli: &Cli, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let ids = &ctx.ids;
    match &cli.command {
        Command::Deploy(args) => deploy(ctx, args, &cli.sign_with, wasm_dir),
        Command::Verify => verify(ctx, wasm_dir),
        Command::Pool {
            command: PoolCommand::Register(args),
        } => {
            let m = ctx.manifest()?;
            let pool = super::parse_pool(&args.pool.pool)?;
            let schedule = schedule(ctx, &super::pool_params(&args.pool)?)?;
            ctx.send(
                &format!("register pool {pool}"),
                &ids.resolve(&args.source)?,
                &ctx.id(&m, "pool_oracle")?,
                "register_pool",
                vec![symbol(&pool)?, schedule.config()?],
            )?;
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Submit(args),
        } => {
            let m = ctx.manifest()?;
            let (oracle, pool) = (ctx.id(&m, "pool_oracle")?, ctx.pool(&m)?);
            let reporter = ids.resolve(&args.source)?;
            let hashrate = parse_hashrate(&args.hashrate)?;
            let reward = parse_units("reward", &args.reward)?;
            let epoch = match &args.epoch {
                Some(e) => parse_u64("epoch", e)?,
                None => {
                    let current = ctx.read(&oracle, "current_epoch", vec![symbol(&pool)?])?;
                    as_u64(&current).unwrap_or(0).saturating_sub(1)
                }
            };
            let sent = ctx.send(
                &format!("submit epoch {epoch} by {}", args.source),
                &reporter,
                &oracle,
                "submit",
                vec![
                    account(&reporter.address())?,
                    symbol(&pool)?,
                    ScVal::U64(epoch),
                    i128_val(hashrate),
                    i128_val(reward),
                ],
            )?;
            let finalized = sent.events.iter().any(|e| {
                let ContractEventBody::V0(body) = &e.body;
                body.topics.first() == Some(&symbol("finalized").expect("a symbol"))
            });
            println!(
                "    {}",
                if finalized {
                    "every listed reporter has submitted: the epoch is finalized, effective a dispute window later"
                } else {
                    "not finalized yet: it finalizes when every listed reporter has submitted, or `report finalize` after the dispute window with a quorum in"
                }
            );
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Finalize(args),
        } => {
            let m = ctx.manifest()?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            let source = ids.resolve(&args.source)?;
            ctx.send(
                &format!("finalize epoch {epoch}"),
                &source,
                &ctx.id(&m, "pool_oracle")?,
                "finalize",
                vec![symbol(&ctx.pool(&m)?)?, ScVal::U64(epoch)],
            )?;
            Ok(())
        }
        Command::Fund(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let to = ids.address_of(&args.to)?;
            let units = parse_units("amount", &args.amount)?;
            ctx.send(
                &format!("fund {} with {units} reward units", args.to),
                &source,
                &ctx.id(&m, "reward_token")?,
                "mint",
                vec![account(&to)?, i128_val(units)],
            )?;
            Ok(())
        }
        Command::Mint(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let to = ids.address_of(&args.to)?;
            let shares = parse_shares(&args.amount)?;
            let token = ctx.id(&m, "share_token")?;
            ctx.send(
                &format!("mint {} shares to {}", args.amount, args.to),
                &source,
                &token,
                "mint",
                vec![account(&to)?, i128_val(shares)],
            )?;
            println!("    {}", capacity_view(ctx, &m)?.room_line());
            Ok(())
        }
        Command::Transfer(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let to = ids.address_of(&args.to)?;
            let shares = parse_shares(&args.amount)?;
            ctx.send(
                &format!("transfer {} shares to {}", args.amount, args.to),
                &source,
                &ctx.id(&m, "share_token")?,
                "transfer",
                vec![account(&source.address())?, account(&to)?, i128_val(shares)],
            )?;
            Ok(())
        }
        Command::Record(args) => {
            let m = ctx.manifest()?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            let recorded = record_through(ctx, &m, &ids.resolve(&args.source)?, epoch)?;
            if recorded == 0 {
                println!("nothing to record: epoch {epoch} is recorded");
            }
            Ok(())
        }
        Command::Deposit(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            let units = parse_units("amount", &args.amount)?;
            let distributor = ctx.id(&m, "payout_distributor")?;
            record_through(ctx, &m, &source, epoch)?;
            let due = ctx.read(&distributor, "due", vec![ScVal::U64(epoch)])?;
            println!(
                "    epoch {epoch} is owed {} more",
                as_i128(&due).unwrap_or(0)
            );
            ctx.send(
                &format!("deposit {units} for epoch {epoch}"),
                &source,
                &distributor,
                "deposit",
                vec![
                    account(&source.address())?,
                    ScVal::U64(epoch),
                    i128_val(units),
                ],
            )?;
            let due = ctx.read(&distributor, "due", vec![ScVal::U64(epoch)])?;
            let payout = ctx.read(&distributor, "epoch", vec![ScVal::U64(epoch)])?;
            let of = |k: &str| field(&payout, k).and_then(as_i128).unwrap_or(0);
            println!(
                "    epoch {epoch}: owed {}, paid {} (fee {}, top-ups {}); now owed {} more",
                of("owed"),
                of("paid"),
                of("fee"),
                of("topup"),
                as_i128(&due).unwrap_or(0)
            );
            Ok(())
        }
        Command::Claim(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let holder = match &args.holder {
                Some(h) => ids.address_of(h)?,
                None => source.address(),
            };
            ctx.send(
                "claim",
                &source,
                &ctx.id(&m, "payout_distributor")?,
                "claim",
                vec![account(&holder)?],
            )?;
            Ok(())
        }
        Command::WithdrawFees(args) => {
            let m = ctx.manifest()?;
            ctx.send(
                "withdraw fees",
                &ids.resolve(&args.source)?,
                &ctx.id(&m, "payout_distributor")?,
                "withdraw_fees",
                vec![],
            )?;
            Ok(())
        }
        Command::SetFeeRecipient(args) => {
            let m = ctx.manifest()?;
            let to = ids.address_of(&args.to)?;
            ctx.send(
                &format!("set the fee recipient to {}", args.to),
                &ids.resolve(&args.source)?,
                &ctx.id(&m, "payout_distributor")?,
                "set_fee_recipient",
                vec![account(&to)?],
            )?;
            Ok(())
        }
        Command::ApproveTopups(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let until = ctx.client.latest_ledger()? + ALLOWANCE_LEDGERS;
            ctx.send(
                "approve the distributor to take mint top-ups",
                &source,
                &ctx.id(&m, "reward_token")?,
                "approve",
                vec![
                    account(&source.address())?,
                    contract(&ctx.id(&m, "payout_distributor")?)?,
                    i128_val(i128::MAX),
                    ScVal::U32(until),
                ],
            )?;
            println!("    until ledger {until}");
            Ok(())
        }
        Command::Status => status(ctx),
        Command::AdvanceTime { duration } => {
            let seconds = parse_duration(duration)?;
            let closed = ctx.client.advance_time(seconds)?;
            println!("the network's clock moved {seconds} s: ledger {closed}");
            Ok(())
        }
        Command::Demo | Command::Local { .. } | Command::Node(_) | Command::Keys { .. } => Ok(()),
    }
}

/// Records, in order, every unrecorded epoch up to `epoch`; how many.
fn record_through(
    ctx: &Ctx,
    m: &Manifest,
    source: &Identity,
    epoch: u64,
) -> Result<usize, CliError> {
    let distributor = ctx.id(m, "payout_distributor")?;
    let next = as_u64(&ctx.read(&distributor, "next_epoch", vec![])?).unwrap_or(0);
    let mut count = 0;
    for e in next..=epoch {
        ctx.send(
            &format!("record epoch {e}"),
            source,
            &distributor,
            "record",
            vec![ScVal::U64(e)],
        )?;
        count += 1;
    }
    Ok(count)
}

fn deploy(
    ctx: &Ctx,
    args: &DeployArgs,
    sign_with: &[String],
    wasm_dir: Option<&Path>,
) -> Result<(), CliError> {
    let mut params = offering_params(args)?;
    // A re-run resumes with the genesis the deployment was made with (the default is "now").
    if params.schedule.genesis.is_none() {
        if let Ok(m) = deployment::read(&ctx.manifest_path) {
            params.schedule.genesis = m.parameters.get("genesis").and_then(|g| g.parse().ok());
        }
    }
    let ids = &ctx.ids;
    let admin = ids.resolve(&args.source)?;
    let operator_address = ids.address_of(&params.schedule.operator)?;
    // The operator's consent signs the share token's constructor: its identity, named by
    // --operator or among --sign-with.
    let operator = std::iter::once(params.schedule.operator.as_str())
        .chain(sign_with.iter().map(String::as_str))
        .filter_map(|name| ids.resolve(name).ok())
        .find(|i| i.address() == operator_address)
        .ok_or_else(|| CliError::NeedsSignature {
            step: "deploying the share token".into(),
            signer: format!("the operator {operator_address} (pass --sign-with NAME)"),
        })?;
    let schedule = schedule(ctx, &params.schedule)?;
    let reward_token = match (&args.reward_token, args.reward_asset.as_str()) {
        (Some(id), _) => Some(id.clone()),
        (None, "native") => None,
        (None, other) => {
            return Err(CliError::invalid(
                "reward asset",
                other,
                "pass its contract id with --reward-token (or `native`)",
            ))
        }
    };
    let deploy_params = DeployParams {
        pool: params.pool.clone(),
        schedule,
        name: params.name.clone(),
        symbol: params.symbol.clone(),
        hashrate_per_share: params.hashrate_per_share,
        term: params.term,
        fee_bps: params.fee_bps,
        fee_recipient: ids.address_of(&params.fee_recipient)?,
        reward_token,
    };
    let network = &ctx.client.network;
    let mut locked = Locked::open(&ctx.manifest_path, &network.name, &network.passphrase)?;
    let steps = offering::deploy(
        &ctx.client,
        &mut locked,
        wasm_dir,
        &admin,
        &operator,
        &deploy_params,
    )?;
    for (step, sent) in &steps {
        print_sent(step, sent);
    }
    if steps.is_empty() {
        println!("deployed already: nothing to send");
    }
    for (name, id) in &locked.manifest.contracts {
        println!("{name:<20} {id}");
    }
    println!("manifest {}", ctx.manifest_path.display());
    Ok(())
}

/// The schedule of `params` with its accounts as addresses and genesis, by default, now
/// (the network's latest close time).
fn schedule(ctx: &Ctx, params: &crate::suite::PoolParams) -> Result<Schedule, CliError> {
    Ok(Schedule {
        operator: ctx.ids.address_of(&params.operator)?,
        reporters: params
            .reporters
            .iter()
            .map(|r| ctx.ids.address_of(r))
            .collect::<Result<Vec<_>, _>>()?,
        quorum: params.quorum,
        epoch_seconds: params.epoch_seconds,
        genesis: match params.genesis {
            Some(g) => g,
            None => ctx.client.latest_close_time()?,
        },
        dispute_seconds: params.dispute_seconds,
        max_age_epochs: params.max_age_epochs,
        capacity_epochs: params.capacity_epochs,
    })
}

fn verify(ctx: &Ctx, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let m = ctx.manifest()?;
    let artifacts = Artifacts::load(wasm_dir)?;
    let mut differ = Vec::new();
    for artifact in artifacts.all() {
        let id = ctx.id(&m, artifact.name)?;
        let deployed = ctx.client.wasm_hash_of(&id)?;
        let local = artifact.sha256();
        let same = deployed == local;
        println!(
            "{:<20} {} {}",
            artifact.name,
            if same { "same code as" } else { "DIFFERS from" },
            artifact.path.display()
        );
        if !same {
            differ.push(artifact.name.to_string());
        }
    }
    if differ.is_empty() {
        Ok(())
    } else {
        Err(CliError::Mismatch(differ.join(", ")))
    }
}

/// A field of a contract type read back (a map keyed by field name).
fn field<'a>(value: &'a ScVal, name: &str) -> Option<&'a ScVal> {
    let ScVal::Map(Some(map)) = value else {
        return None;
    };
    map.iter()
        .find(|e| matches!(&e.key, ScVal::Symbol(s) if s.0.as_slice() == name.as_bytes()))
        .map(|e| &e.val)
}

/// The mint cap and what explains it, read call by call.
fn capacity_view(ctx: &Ctx, m: &Manifest) -> Result<CapacityView, CliError> {
    let (oracle, token) = (ctx.id(m, "pool_oracle")?, ctx.id(m, "share_token")?);
    let pool = symbol(&ctx.pool(m)?)?;
    let param = |k: &str| -> u64 {
        m.parameters
            .get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let latest = ctx.read(&oracle, "latest", vec![pool.clone()])?;
    let latest = field(&latest, "epoch").and_then(as_u64);
    let capacity_epochs = param("capacity_epochs") as u32;
    // Consecutive effective epochs ending at the latest, up to the window.
    let mut run = 0;
    if let Some(latest) = latest {
        while run < capacity_epochs && u64::from(run) <= latest {
            let e = latest - u64::from(run);
            if ctx.read(&oracle, "report", vec![pool.clone(), ScVal::U64(e)])? == ScVal::Void {
                break;
            }
            run += 1;
        }
    }
    Ok(CapacityView {
        capacity: as_i128(&ctx.read(&oracle, "capacity", vec![pool.clone()])?).unwrap_or(0),
        latest,
        current_epoch: as_u64(&ctx.read(&oracle, "current_epoch", vec![pool])?).unwrap_or(0),
        max_age_epochs: param("max_age_epochs"),
        capacity_epochs,
        run,
        supply: as_i128(&ctx.read(&token, "total_supply", vec![])?).unwrap_or(0),
        hashrate_per_share: m
            .parameters
            .get("hashrate_per_share")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        maturity: param("genesis").saturating_add(param("term")),
        timestamp: ctx.client.latest_close_time()?,
    })
}

fn status(ctx: &Ctx) -> Result<(), CliError> {
    let m = ctx.manifest()?;
    let (oracle, token, distributor) = (
        ctx.id(&m, "pool_oracle")?,
        ctx.id(&m, "share_token")?,
        ctx.id(&m, "payout_distributor")?,
    );
    for (name, id) in &m.contracts {
        println!("{name:<20} {id}");
    }
    let pool = symbol(&ctx.pool(&m)?)?;
    let reads: [(&str, &str, &str, Vec<ScVal>); 7] = [
        (
            "current epoch",
            &oracle,
            "current_epoch",
            vec![pool.clone()],
        ),
        ("latest report", &oracle, "latest", vec![pool.clone()]),
        ("capacity (H/s)", &oracle, "capacity", vec![pool.clone()]),
        ("total supply", &token, "total_supply", vec![]),
        ("next epoch", &distributor, "next_epoch", vec![]),
        ("arrears", &distributor, "arrears", vec![]),
        ("books", &distributor, "totals", vec![]),
    ];
    for (label, id, function, args) in reads {
        println!("{label:<20} {}", json(&ctx.read(id, function, args)?));
    }
    let view = capacity_view(ctx, &m)?;
    println!("{:<20} {}", "mint cap", view.capacity_line());
    println!("{:<20} {}", "room", view.room_line());
    Ok(())
}
