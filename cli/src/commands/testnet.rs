//! The operations on Stellar testnet, through stellar-cli.
use std::path::Path;

use hashshare_interfaces::{Books, EpochPayout};

use crate::{
    capacity::CapacityView,
    cli::{Cli, Command, DeployArgs, PoolArgs, PoolCommand, ReportCommand},
    error::CliError,
    output,
    suite::{DepositOutcome, MintTopUp},
    testnet::{published, Manifest, Stellar, TESTNET_PASSPHRASE},
    units::{duration, parse_hashrate, parse_shares, parse_units, shares},
    wasm::{sha256_hex, Artifacts},
};

use super::{offering_params, parse_pool, parse_u64, pool_params};

pub fn run(cli: &Cli, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let stellar = &Stellar::new("testnet");
    match &cli.command {
        Command::Deploy(args) => deploy(stellar, &cli.manifest, wasm_dir, args),
        Command::Verify => verify(stellar, &cli.manifest, wasm_dir),
        Command::Pool {
            command: PoolCommand::Register(args),
        } => {
            let m = Manifest::load(&cli.manifest)?;
            let pool = parse_pool(&args.pool.pool)?;
            let config = pool_config_json(stellar, &args.pool)?;
            stellar.invoke(
                &m.id("pool_oracle")?,
                &args.source,
                "register_pool",
                &[("pool", pool), ("config", config)],
            )?;
            println!("registered");
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Submit(args),
        } => {
            let m = Manifest::load(&cli.manifest)?;
            let oracle = m.id("pool_oracle")?;
            let pool = m.pool.clone().ok_or(CliError::NotDeployed)?;
            let hashrate = parse_hashrate(&args.hashrate)?;
            let reward = parse_units("reward", &args.reward)?;
            let epoch = match &args.epoch {
                Some(e) => parse_u64("epoch", e)?,
                None => {
                    let current = stellar.invoke(
                        &oracle,
                        &args.source,
                        "current_epoch",
                        &[("pool", pool.clone())],
                    )?;
                    parse_u64("epoch", &current)?.saturating_sub(1)
                }
            };
            let reporter = stellar.address(&args.source)?;
            let (_, log) = stellar.invoke_logged(
                &oracle,
                &args.source,
                "submit",
                &[
                    ("reporter", reporter),
                    ("pool", pool.clone()),
                    ("epoch", epoch.to_string()),
                    ("hashrate", hashrate.to_string()),
                    ("reward", reward.to_string()),
                ],
            )?;
            let round = round_rules(stellar, &oracle, &args.source, &pool);
            if published(&log, "finalized") {
                println!(
                    "submitted epoch {epoch}: finalized (every listed reporter has submitted); {}",
                    effective_after(round.as_ref())
                );
            } else {
                // The round's window counts from its first submission: this one's at the latest.
                let (every, window, by, quorum) = match &round {
                    Some(r) => (
                        format!("all {} listed reporters", r.reporters),
                        duration(r.window),
                        output::utc(now().saturating_add(r.window)),
                        format!(", if at least {} have submitted by then", r.quorum),
                    ),
                    None => (
                        "every listed reporter".into(),
                        "the dispute window".into(),
                        "a dispute window from now".into(),
                        ", if at least the quorum have submitted by then".into(),
                    ),
                };
                println!("submitted epoch {epoch}: not finalized (no `finalized` event)");
                println!(
                    "it finalizes at once when {every} have submitted; else `hashshare --network testnet report finalize --epoch {epoch}` closes it once it has been open {window} since its first submission, by {by} at the latest{quorum}"
                );
            }
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Finalize(args),
        } => {
            let m = Manifest::load(&cli.manifest)?;
            let oracle = m.id("pool_oracle")?;
            let pool = m.pool.clone().ok_or(CliError::NotDeployed)?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            stellar.invoke(
                &oracle,
                &args.source,
                "finalize",
                &[("pool", pool.clone()), ("epoch", epoch.to_string())],
            )?;
            let round = round_rules(stellar, &oracle, &args.source, &pool);
            println!(
                "finalized epoch {epoch}; {}",
                effective_after(round.as_ref())
            );
            Ok(())
        }
        Command::Fund(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let token = m.reward_token.clone().ok_or(CliError::NotDeployed)?;
            let amount = parse_units("amount", &args.amount)?;
            let to = stellar.address(&args.to)?;
            stellar.invoke(
                &token,
                &args.source,
                "mint",
                &[("to", to), ("amount", amount.to_string())],
            )?;
            Ok(())
        }
        Command::Mint(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let amount = parse_shares(&args.amount)?;
            let to = stellar.address(&args.to)?;
            let distributor = m.id("payout_distributor")?;
            let before = books(stellar, &distributor, &args.source)?;
            stellar.invoke(
                &m.id("share_token")?,
                &args.source,
                "mint",
                &[("to", to), ("amount", amount.to_string())],
            )?;
            let after = books(stellar, &distributor, &args.source)?;
            // A mint's top-up is the only receipt a mint adds to the books: the change of
            // `topups` is what it took (grossed up by the fee), the change of `fees` its fee.
            let topup = MintTopUp {
                taken: after.topups - before.topups,
                fee: after.fees - before.fees,
            };
            println!("minted {} shares to {}", shares(amount), args.to);
            println!(
                "{}",
                output::mint_topup(&topup, &args.source, "the distributor")
            );
            let view = capacity_view(stellar, &m, &args.source, false)?;
            println!("{}", view.room_line());
            Ok(())
        }
        Command::Transfer(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let amount = parse_shares(&args.amount)?;
            let from = stellar.address(&args.source)?;
            let to = stellar.address(&args.to)?;
            stellar.invoke(
                &m.id("share_token")?,
                &args.source,
                "transfer",
                &[("from", from), ("to", to), ("amount", amount.to_string())],
            )?;
            Ok(())
        }
        Command::Record(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            let recorded = record_through(stellar, &m, &args.source, epoch)?;
            if recorded == 0 {
                println!("nothing to record: epoch {epoch} is recorded");
            }
            Ok(())
        }
        Command::Deposit(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            let amount = parse_units("amount", &args.amount)?;
            let from = stellar.address(&args.source)?;
            let distributor = m.id("payout_distributor")?;
            record_through(stellar, &m, &args.source, epoch)?;
            let before = payout(stellar, &distributor, &args.source, epoch)?;
            let due_before = due(stellar, &distributor, &args.source, epoch)?;
            stellar.invoke(
                &distributor,
                &args.source,
                "deposit",
                &[
                    ("from", from),
                    ("epoch", epoch.to_string()),
                    ("amount", amount.to_string()),
                ],
            )?;
            let after = payout(stellar, &distributor, &args.source, epoch)?.ok_or_else(|| {
                CliError::Stellar(format!("epoch {epoch} is not recorded after the deposit"))
            })?;
            let due_after = due(stellar, &distributor, &args.source, epoch)?;
            output::deposit(&DepositOutcome {
                epoch,
                offered: amount,
                before,
                due_before,
                after,
                due_after,
                stream_end: None,
            });
            Ok(())
        }
        Command::Claim(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let holder = stellar.address(args.holder.as_deref().unwrap_or(&args.source))?;
            let paid = stellar.invoke(
                &m.id("payout_distributor")?,
                &args.source,
                "claim",
                &[("holder", holder)],
            )?;
            println!("claimed {paid}");
            Ok(())
        }
        Command::WithdrawFees(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let paid = stellar.invoke(
                &m.id("payout_distributor")?,
                &args.source,
                "withdraw_fees",
                &[],
            )?;
            println!("withdrew {paid}");
            Ok(())
        }
        Command::SetFeeRecipient(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let recipient = stellar.address(&args.to)?;
            stellar.invoke(
                &m.id("payout_distributor")?,
                &args.source,
                "set_fee_recipient",
                &[("recipient", recipient)],
            )?;
            println!("fee recipient: {}", args.to);
            Ok(())
        }
        Command::ApproveTopups(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let reward_token = m.reward_token.clone().ok_or(CliError::NotDeployed)?;
            let until = approve_topups(
                stellar,
                &reward_token,
                &args.source,
                &m.id("payout_distributor")?,
            )?;
            println!(
                "the distributor may take {}'s mint top-ups until ledger {until}",
                args.source
            );
            Ok(())
        }
        Command::Status => {
            let m = Manifest::load(&cli.manifest)?;
            let pool = m.pool.clone().ok_or(CliError::NotDeployed)?;
            let source = m.admin.clone().ok_or(CliError::NotDeployed)?;
            let oracle = m.id("pool_oracle")?;
            let distributor = m.id("payout_distributor")?;
            let p = || vec![("pool", pool.clone())];
            let reads: [Read; 4] = [
                ("current epoch", &oracle, "current_epoch", p()),
                ("latest report", &oracle, "latest", p()),
                ("next epoch", &distributor, "next_epoch", vec![]),
                ("arrears", &distributor, "arrears", vec![]),
            ];
            for (label, id, function, args) in reads {
                let value = stellar.invoke(id, &source, function, &args)?;
                println!("{label:<16} {value}");
            }
            let view = capacity_view(stellar, &m, &source, true)?;
            println!(
                "{:<16} {} (capacity_epochs {})",
                "capacity",
                view.capacity_line(),
                view.capacity_epochs
            );
            println!(
                "{:<16} {} shares; {}",
                "total supply",
                shares(view.supply),
                view.room_line()
            );
            let b = books(stellar, &distributor, &source)?;
            println!(
                "{:<16} deposited {} (top-ups {}), fees {}, fees withdrawn {} ({} to withdraw)",
                "books",
                b.deposited,
                b.topups,
                b.fees,
                b.fees_withdrawn,
                b.fees - b.fees_withdrawn
            );
            let recipient = stellar.invoke(&distributor, &source, "fee_recipient", &[])?;
            println!("{:<16} {recipient}", "fee recipient");
            Ok(())
        }
        Command::Demo
        | Command::Local { .. }
        | Command::AdvanceTime { .. }
        | Command::Node(_)
        | Command::Keys { .. } => Ok(()),
    }
}

/// What a round of submissions needs, from the pool's config.
struct RoundRules {
    /// Listed reporters.
    reporters: usize,
    quorum: u32,
    /// The dispute window, seconds: the round's window, then the report's.
    window: u64,
}

/// The pool's round rules, or `None` if they cannot be read (the call before succeeded:
/// only the explanation is lost).
fn round_rules(stellar: &Stellar, oracle: &str, source: &str, pool: &str) -> Option<RoundRules> {
    let answer = stellar
        .invoke(oracle, source, "pool", &[("pool", pool.to_string())])
        .ok()?;
    let config = json("pool", &answer).ok()?;
    Some(RoundRules {
        reporters: config["reporters"].as_array()?.len(),
        quorum: u32::try_from(int("pool", &config["quorum"]).ok()?).ok()?,
        window: u64::try_from(int("pool", &config["dispute_seconds"]).ok()?).ok()?,
    })
}

/// When a report finalized now becomes effective.
fn effective_after(round: Option<&RoundRules>) -> String {
    match round {
        Some(r) => format!(
            "effective after the {} dispute window, at about {}",
            duration(r.window),
            output::utc(now().saturating_add(r.window))
        ),
        None => "effective after the pool's dispute window".into(),
    }
}

/// One read for `status`: label, contract id, function, arguments.
type Read<'a> = (&'a str, &'a str, &'a str, Vec<(&'a str, String)>);

/// The largest allowance the reward asset can hold.
const ALLOWANCE: i128 = i128::MAX;

/// The network's `max_entry_ttl` on testnet (and mainnet), in ledgers (about 180 days): the
/// longest an allowance may live is `latest ledger + max_entry_ttl - 1`.
pub const MAX_ENTRY_TTL: u32 = 3_110_400;

/// `operator` approves the distributor on the reward asset for its mint top-ups, as large and
/// for as long as the network allows. Returns the ledger the allowance lives until.
fn approve_topups(
    stellar: &Stellar,
    reward_token: &str,
    operator: &str,
    distributor: &str,
) -> Result<u32, CliError> {
    let from = stellar.address(operator)?;
    let until = stellar.latest_ledger()?.saturating_add(MAX_ENTRY_TTL - 1);
    stellar.invoke(
        reward_token,
        operator,
        "approve",
        &[
            ("from", from),
            ("spender", distributor.to_string()),
            ("amount", ALLOWANCE.to_string()),
            ("expiration_ledger", until.to_string()),
        ],
    )?;
    Ok(until)
}

/// A JSON answer of stellar-cli (`null` for `None`).
fn json(function: &str, answer: &str) -> Result<serde_json::Value, CliError> {
    serde_json::from_str(answer).map_err(|_| {
        CliError::Stellar(format!(
            "`{function}` answered `{answer}`, not the value it returns"
        ))
    })
}

/// An integer field (stellar-cli prints i128 as a JSON string, u32 and u64 as numbers).
fn int(function: &str, value: &serde_json::Value) -> Result<i128, CliError> {
    let parsed = match value {
        serde_json::Value::String(s) => s.parse().ok(),
        serde_json::Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    };
    parsed
        .ok_or_else(|| CliError::Stellar(format!("`{function}` answered `{value}`, not a number")))
}

/// A read-only call answering an integer.
fn read_int(
    stellar: &Stellar,
    id: &str,
    source: &str,
    function: &str,
    args: &[(&str, String)],
) -> Result<i128, CliError> {
    let answer = stellar.invoke(id, source, function, args)?;
    int(
        function,
        &json(function, &answer).unwrap_or(serde_json::Value::String(answer)),
    )
}

fn read_u64(
    stellar: &Stellar,
    id: &str,
    source: &str,
    function: &str,
    args: &[(&str, String)],
) -> Result<u64, CliError> {
    let value = read_int(stellar, id, source, function, args)?;
    u64::try_from(value).map_err(|_| CliError::Stellar(format!("`{function}` answered {value}")))
}

/// The distributor's `totals()`.
fn books(stellar: &Stellar, distributor: &str, source: &str) -> Result<Books, CliError> {
    let answer = stellar.invoke(distributor, source, "totals", &[])?;
    let v = json("totals", &answer)?;
    Ok(Books {
        deposited: int("totals", &v["deposited"])?,
        topups: int("totals", &v["topups"])?,
        fees: int("totals", &v["fees"])?,
        fees_withdrawn: int("totals", &v["fees_withdrawn"])?,
    })
}

/// The distributor's `epoch(epoch)`.
fn payout(
    stellar: &Stellar,
    distributor: &str,
    source: &str,
    epoch: u64,
) -> Result<Option<EpochPayout>, CliError> {
    let answer = stellar.invoke(
        distributor,
        source,
        "epoch",
        &[("epoch", epoch.to_string())],
    )?;
    let v = json("epoch", &answer)?;
    if v.is_null() {
        return Ok(None);
    }
    payout_of("epoch", &v).map(Some)
}

fn payout_of(function: &str, v: &serde_json::Value) -> Result<EpochPayout, CliError> {
    Ok(EpochPayout {
        owed: int(function, &v["owed"])?,
        paid: int(function, &v["paid"])?,
        topup: int(function, &v["topup"])?,
        fee: int(function, &v["fee"])?,
        supply_seconds: int(function, &v["supply_seconds"])?,
        reported: v["reported"].as_bool().unwrap_or(false),
    })
}

fn due(stellar: &Stellar, distributor: &str, source: &str, epoch: u64) -> Result<i128, CliError> {
    read_int(
        stellar,
        distributor,
        source,
        "due",
        &[("epoch", epoch.to_string())],
    )
}

/// Records, in order, every unrecorded epoch up to `epoch` (or `epoch` again if it was closed
/// without a report), each one `stellar contract invoke -- record`. Returns how many.
fn record_through(
    stellar: &Stellar,
    m: &Manifest,
    source: &str,
    epoch: u64,
) -> Result<usize, CliError> {
    let distributor = m.id("payout_distributor")?;
    let next = read_u64(stellar, &distributor, source, "next_epoch", &[])?;
    let epochs: Vec<u64> = if epoch >= next {
        (next..=epoch).collect()
    } else {
        match payout(stellar, &distributor, source, epoch)? {
            Some(p) if !p.reported && p.supply_seconds > 0 => vec![epoch],
            _ => Vec::new(),
        }
    };
    for e in &epochs {
        let answer = stellar.invoke(&distributor, source, "record", &[("epoch", e.to_string())])?;
        match json("record", &answer).and_then(|v| payout_of("record", &v)) {
            Ok(p) if p.supply_seconds <= 0 => println!("recorded epoch {e}: owes 0 (nothing sold)"),
            Ok(p) if !p.reported => println!(
                "recorded epoch {e}: closed without an effective report past its staleness deadline: owes 0 until a late report is recorded"
            ),
            Ok(p) => println!("recorded epoch {e}: owes {}", p.owed),
            Err(_) => println!("recorded epoch {e}"),
        }
    }
    Ok(epochs.len())
}

/// The mint cap and what explains it, read call by call. `full` reads everything (for
/// `status`); otherwise only what explains a room of 0.
fn capacity_view(
    stellar: &Stellar,
    m: &Manifest,
    source: &str,
    full: bool,
) -> Result<CapacityView, CliError> {
    let pool = m.pool.clone().ok_or(CliError::NotDeployed)?;
    let oracle = m.id("pool_oracle")?;
    let token = m.id("share_token")?;
    let p = || vec![("pool", pool.clone())];
    let mut view = CapacityView {
        capacity: read_int(stellar, &oracle, source, "capacity", &p())?,
        supply: read_int(stellar, &token, source, "total_supply", &[])?,
        hashrate_per_share: read_int(stellar, &token, source, "hashrate_per_share", &[])?,
        maturity: u64::MAX,
        timestamp: now(),
        ..CapacityView::default()
    };
    if full || (view.capacity > 0 && view.room() == 0) {
        view.maturity = read_u64(stellar, &token, source, "maturity", &[])?;
    }
    if full || view.capacity == 0 {
        let config = json("pool", &stellar.invoke(&oracle, source, "pool", &p())?)?;
        view.max_age_epochs = u64::try_from(int("pool", &config["max_age_epochs"])?).unwrap_or(0);
        view.capacity_epochs = u32::try_from(int("pool", &config["capacity_epochs"])?).unwrap_or(0);
        view.current_epoch = read_u64(stellar, &oracle, source, "current_epoch", &p())?;
        let latest = json("latest", &stellar.invoke(&oracle, source, "latest", &p())?)?;
        if !latest.is_null() {
            let latest = u64::try_from(int("latest", &latest["epoch"])?).unwrap_or(0);
            view.latest = Some(latest);
            let fresh = view.current_epoch.saturating_sub(latest) <= view.max_age_epochs;
            if view.capacity == 0 && fresh {
                let mut epoch = latest;
                while view.run < view.capacity_epochs {
                    let args = [("pool", pool.clone()), ("epoch", epoch.to_string())];
                    let report =
                        json("report", &stellar.invoke(&oracle, source, "report", &args)?)?;
                    if report.is_null() {
                        break;
                    }
                    view.run += 1;
                    match epoch.checked_sub(1) {
                        Some(earlier) => epoch = earlier,
                        None => break,
                    }
                }
            } else if view.capacity > 0 {
                view.run = view.capacity_epochs;
            }
        }
    }
    Ok(view)
}

/// A `PoolConfig` as the JSON stellar-cli takes for a struct argument.
fn pool_config_json(stellar: &Stellar, args: &PoolArgs) -> Result<String, CliError> {
    let params = pool_params(args)?;
    let reporters = params
        .reporters
        .iter()
        .map(|r| stellar.address(r))
        .collect::<Result<Vec<_>, _>>()?;
    let genesis = params.genesis.unwrap_or_else(now);
    let config = serde_json::json!({
        "operator": stellar.address(&params.operator)?,
        "reporters": reporters,
        "quorum": params.quorum,
        "epoch_seconds": params.epoch_seconds,
        "genesis": genesis,
        "dispute_seconds": params.dispute_seconds,
        "max_age_epochs": params.max_age_epochs,
        "capacity_epochs": params.capacity_epochs,
    });
    Ok(config.to_string())
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Uploads, deploys and wires the suite, step by step, recording each step in the manifest;
/// steps the manifest already records are reused, not repeated.
fn deploy(
    stellar: &Stellar,
    manifest_path: &Path,
    wasm_dir: Option<&Path>,
    args: &DeployArgs,
) -> Result<(), CliError> {
    let params = offering_params(args)?;
    let artifacts = Artifacts::load(wasm_dir)?;
    let mut m = Manifest::load_or_new(manifest_path, "testnet", TESTNET_PASSPHRASE)?;
    let admin = stellar.address(&args.source)?;
    let operator = stellar.address(&params.schedule.operator)?;
    m.admin = Some(admin.clone());
    m.operator = Some(operator.clone());
    m.pool = Some(params.pool.clone());
    m.save(manifest_path)?;

    let reward_token = match (&m.reward_token, &args.reward_token) {
        (Some(recorded), _) => recorded.clone(),
        (None, Some(given)) => given.clone(),
        (None, None) => stellar.asset_id(&args.reward_asset)?,
    };
    m.reward_token = Some(reward_token.clone());
    m.save(manifest_path)?;

    for artifact in artifacts.all() {
        let sha = artifact.sha256();
        let record = m.contracts.entry(artifact.name.to_string()).or_default();
        if record.id.is_some() {
            if record.wasm_sha256 != sha {
                println!(
                    "note: {} is deployed from an older build; `hashshare verify --network testnet` compares them",
                    artifact.name
                );
            }
            continue;
        }
        if record.wasm_hash.as_deref() == Some(sha.as_str()) {
            println!("reusing uploaded {} ({sha})", artifact.name);
            continue;
        }
        let hash = stellar.upload(&artifact.path, &args.source)?;
        if hash != sha {
            return Err(CliError::Stellar(format!(
                "the network hashed {} as {hash}, the local file is {sha}",
                artifact.name
            )));
        }
        record.wasm_hash = Some(hash);
        record.wasm_sha256 = sha;
        m.save(manifest_path)?;
    }

    let hash_of = |m: &Manifest, name: &str| {
        m.contracts
            .get(name)
            .and_then(|c| c.wasm_hash.clone())
            .ok_or(CliError::NotDeployed)
    };

    let oracle = match m.contracts.get("pool_oracle").and_then(|c| c.id.clone()) {
        Some(id) => {
            println!("reusing pool_oracle {id}");
            id
        }
        None => {
            let id = stellar.deploy(
                &hash_of(&m, "pool_oracle")?,
                &args.source,
                &[("admin", admin.clone())],
            )?;
            set_id(&mut m, "pool_oracle", &id);
            m.save(manifest_path)?;
            id
        }
    };

    let genesis = params.schedule.genesis.unwrap_or_else(now);
    if m.pool_registered {
        println!("reusing registered pool {}", params.pool);
    } else {
        let mut pool_args = args.pool.clone();
        pool_args.genesis = Some(genesis.to_string());
        stellar.invoke(
            &oracle,
            &args.source,
            "register_pool",
            &[
                ("pool", params.pool.clone()),
                ("config", pool_config_json(stellar, &pool_args)?),
            ],
        )?;
        m.pool_registered = true;
        m.save(manifest_path)?;
    }

    // The operator deploys the share token: its constructor binds the operator's pool.
    let token = match m.contracts.get("share_token").and_then(|c| c.id.clone()) {
        Some(id) => {
            println!("reusing share_token {id}");
            id
        }
        None => {
            let id = stellar.deploy(
                &hash_of(&m, "share_token")?,
                &params.schedule.operator,
                &[
                    ("admin", admin.clone()),
                    ("operator", operator.clone()),
                    ("oracle", oracle.clone()),
                    ("pool", params.pool.clone()),
                    ("name", params.name.clone()),
                    ("symbol", params.symbol.clone()),
                    ("hashrate_per_share", params.hashrate_per_share.to_string()),
                    ("maturity", genesis.saturating_add(params.term).to_string()),
                ],
            )?;
            set_id(&mut m, "share_token", &id);
            m.save(manifest_path)?;
            id
        }
    };

    let distributor = match m
        .contracts
        .get("payout_distributor")
        .and_then(|c| c.id.clone())
    {
        Some(id) => {
            println!("reusing payout_distributor {id}");
            id
        }
        None => {
            let id = stellar.deploy(
                &hash_of(&m, "payout_distributor")?,
                &args.source,
                &[
                    ("admin", admin.clone()),
                    ("share_token", token.clone()),
                    ("reward_token", reward_token.clone()),
                    ("oracle", oracle.clone()),
                    ("pool", params.pool.clone()),
                    ("fee_bps", params.fee_bps.to_string()),
                    ("fee_recipient", stellar.address(&params.fee_recipient)?),
                ],
            )?;
            set_id(&mut m, "payout_distributor", &id);
            m.save(manifest_path)?;
            id
        }
    };

    if m.distributor_set {
        println!("reusing the wired distributor");
    } else {
        stellar.invoke(
            &token,
            &args.source,
            "set_distributor",
            &[("distributor", distributor.clone())],
        )?;
        m.distributor_set = true;
        m.save(manifest_path)?;
    }

    // The operator's mints pay top-ups into running streams: the distributor takes them on
    // the operator's allowance in the reward asset.
    match m.topups_approved_until {
        Some(until) => println!("reusing the operator's top-up allowance (until ledger {until})"),
        None => {
            let until = approve_topups(
                stellar,
                &reward_token,
                &params.schedule.operator,
                &distributor,
            )?;
            m.topups_approved_until = Some(until);
            m.save(manifest_path)?;
        }
    }

    println!("pool_oracle        {oracle}");
    println!("share_token        {token}");
    println!("payout_distributor {distributor}");
    println!("reward_token       {reward_token}");
    if let Some(until) = m.topups_approved_until {
        println!("top-up allowance   until ledger {until}");
    }
    println!("manifest           {}", manifest_path.display());
    Ok(())
}

fn set_id(m: &mut Manifest, name: &str, id: &str) {
    if let Some(record) = m.contracts.get_mut(name) {
        record.id = Some(id.to_string());
    }
}

/// Fetches each deployed contract's code and compares its sha256 with the local build.
fn verify(
    stellar: &Stellar,
    manifest_path: &Path,
    wasm_dir: Option<&Path>,
) -> Result<(), CliError> {
    let m = Manifest::load(manifest_path)?;
    let artifacts = Artifacts::load(wasm_dir)?;
    let dir = std::env::temp_dir().join(format!("hashshare-verify-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| CliError::io(&dir, e))?;
    let mut mismatches = Vec::new();
    let result = (|| {
        for artifact in artifacts.all() {
            let id = m.id(artifact.name)?;
            let out = dir.join(format!("{}.wasm", artifact.name));
            stellar.fetch(&id, &out)?;
            let deployed = std::fs::read(&out).map_err(|e| CliError::io(&out, e))?;
            let deployed = sha256_hex(&deployed);
            let local = artifact.sha256();
            let verdict = if deployed == local {
                "match"
            } else {
                "MISMATCH"
            };
            println!(
                "{:<20} {id}  deployed {deployed}  local {local}  {verdict}",
                artifact.name
            );
            if deployed != local {
                mismatches.push(artifact.name);
            }
        }
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    if mismatches.is_empty() {
        println!("all deployed contracts match the local build");
        Ok(())
    } else {
        Err(CliError::Mismatch(mismatches.join(", ")))
    }
}
