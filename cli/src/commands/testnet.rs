//! The operations on Stellar testnet, through stellar-cli.
use std::path::Path;

use crate::{
    cli::{Cli, Command, DeployArgs, PoolArgs, PoolCommand, ReportCommand},
    error::CliError,
    testnet::{Manifest, Stellar, TESTNET_PASSPHRASE},
    units::{parse_hashrate, parse_shares, parse_units},
    wasm::{sha256_hex, Artifacts},
};

use super::{offering_params, parse_pool, parse_u64, pool_params};

pub fn run(cli: &Cli, wasm_dir: &Path) -> Result<(), CliError> {
    let stellar = Stellar::new("testnet");
    match &cli.command {
        Command::Deploy(args) => deploy(&stellar, &cli.manifest, wasm_dir, args),
        Command::Verify => verify(&stellar, &cli.manifest, wasm_dir),
        Command::Pool {
            command: PoolCommand::Register(args),
        } => {
            let m = Manifest::load(&cli.manifest)?;
            let pool = parse_pool(&args.pool.pool)?;
            let config = pool_config_json(&stellar, &args.pool)?;
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
            stellar.invoke(
                &oracle,
                &args.source,
                "submit",
                &[
                    ("reporter", reporter),
                    ("pool", pool),
                    ("epoch", epoch.to_string()),
                    ("hashrate", hashrate.to_string()),
                    ("reward", reward.to_string()),
                ],
            )?;
            println!("submitted epoch {epoch}");
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
            stellar.invoke(
                &m.id("share_token")?,
                &args.source,
                "mint",
                &[("to", to), ("amount", amount.to_string())],
            )?;
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
        Command::Deposit(args) => {
            let m = Manifest::load(&cli.manifest)?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            let amount = parse_units("amount", &args.amount)?;
            let from = stellar.address(&args.source)?;
            stellar.invoke(
                &m.id("payout_distributor")?,
                &args.source,
                "deposit",
                &[
                    ("from", from),
                    ("epoch", epoch.to_string()),
                    ("amount", amount.to_string()),
                ],
            )?;
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
        Command::Status => {
            let m = Manifest::load(&cli.manifest)?;
            let pool = m.pool.clone().ok_or(CliError::NotDeployed)?;
            let source = m.admin.clone().ok_or(CliError::NotDeployed)?;
            let oracle = m.id("pool_oracle")?;
            let token = m.id("share_token")?;
            let distributor = m.id("payout_distributor")?;
            let p = || vec![("pool", pool.clone())];
            let reads: [Read; 5] = [
                ("current epoch", &oracle, "current_epoch", p()),
                ("capacity (H/s)", &oracle, "capacity", p()),
                ("latest report", &oracle, "latest", p()),
                ("total supply", &token, "total_supply", vec![]),
                ("arrears", &distributor, "arrears", vec![]),
            ];
            for (label, id, function, args) in reads {
                let value = stellar.invoke(id, &source, function, &args)?;
                println!("{label:<16} {value}");
            }
            Ok(())
        }
        Command::Demo | Command::Local { .. } | Command::AdvanceTime { .. } => Ok(()),
    }
}

/// One read for `status`: label, contract id, function, arguments.
type Read<'a> = (&'a str, &'a str, &'a str, Vec<(&'a str, String)>);

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
    wasm_dir: &Path,
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

    println!("pool_oracle        {oracle}");
    println!("share_token        {token}");
    println!("payout_distributor {distributor}");
    println!("reward_token       {reward_token}");
    println!("manifest           {}", manifest_path.display());
    Ok(())
}

fn set_id(m: &mut Manifest, name: &str, id: &str) {
    if let Some(record) = m.contracts.get_mut(name) {
        record.id = Some(id.to_string());
    }
}

/// Fetches each deployed contract's code and compares its sha256 with the local build.
fn verify(stellar: &Stellar, manifest_path: &Path, wasm_dir: &Path) -> Result<(), CliError> {
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
