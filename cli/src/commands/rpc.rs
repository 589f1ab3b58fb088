//! The commands on a Stellar network over RPC: `hashshare node` (`local`, the default),
//! testnet, mainnet or another. Each operation is one transaction, printed with its hash, the
//! fee charged, what it returned and its events; reads are simulations (nothing is paid).
use std::{
    cell::OnceCell,
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use stellar_xdr::{ScAddress, ScVal};

use crate::{
    capacity::CapacityView,
    cli::{Cli, Command, DeployArgs, PoolCommand, PoolUpdateArgs, ReportCommand, RigCommand},
    client::{Client, Sent},
    deployment::{self, Locked, Manifest},
    error::CliError,
    identity::{config_dir, Identities, Identity},
    offering::{self, account, call, contract, i128_val, symbol, DeployParams, Schedule},
    output::{self, json, utc, Finalized, OpenRound},
    units::{
        decimal, hashrate, parse_amount, parse_duration, parse_hashrate, parse_shares, shares,
    },
    wasm::Artifacts,
};

use super::{check_pool, parse_u32, parse_u64};

mod lease;
mod rig;

/// How long a reward-asset allowance to the distributor lasts: the longest an entry may live.
const ALLOWANCE_LEDGERS: u32 = 3_110_400 - 1;

pub struct Ctx {
    pub client: Client,
    ids: Identities,
    manifest_path: PathBuf,
    base_units: bool,
    /// `--sign-with`: who else signs the authorizations a call needs of them.
    signers: Vec<Identity>,
    /// The reward asset's decimals and symbol, read once.
    reward: OnceCell<(u32, String)>,
    /// `--pool` of a report command: another pool of the oracle than the deployment's.
    pool_override: Option<String>,
}

impl Ctx {
    fn manifest(&self) -> Result<Manifest, CliError> {
        deployment::read(&self.manifest_path)
    }

    fn id(&self, m: &Manifest, name: &str) -> Result<String, CliError> {
        m.contracts.get(name).cloned().ok_or(CliError::NotDeployed)
    }

    fn pool(&self, m: &Manifest) -> Result<ScVal, CliError> {
        match &self.pool_override {
            Some(pool) => symbol(&super::parse_pool(pool)?),
            None => symbol(m.parameters.get("pool").ok_or(CliError::NotDeployed)?),
        }
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
        let signers: Vec<&Identity> = self.signers.iter().collect();
        let sent = self
            .client
            .invoke(source, call(contract, function, args)?, &signers)
            .map_err(|e| match e {
                // The signer by its identity's name too, when it has one.
                CliError::NeedsSignature { signer, .. } => {
                    let address = signer.split(' ').next().unwrap_or_default();
                    let name = self.name_of(address);
                    CliError::NeedsSignature {
                        step: step.to_string(),
                        signer: if name == address {
                            signer
                        } else {
                            format!("{name} ({address}; pass --sign-with {name})")
                        },
                    }
                }
                other => named(step, other),
            })?;
        output::sent(step, &sent);
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

    fn read_i128(
        &self,
        contract: &str,
        function: &str,
        args: Vec<ScVal>,
    ) -> Result<i128, CliError> {
        Ok(as_i128(&self.read(contract, function, args)?).unwrap_or(0))
    }

    /// The reward asset's decimals and symbol (`XLM` for the native asset).
    fn reward_asset(&self, m: &Manifest) -> Result<&(u32, String), CliError> {
        if let Some(known) = self.reward.get() {
            return Ok(known);
        }
        let info = self.asset(&self.id(m, "reward_token")?)?;
        Ok(self.reward.get_or_init(|| info))
    }

    /// A SEP-41 token's decimals and symbol (`XLM` for the native asset).
    fn asset(&self, token: &str) -> Result<(u32, String), CliError> {
        // More than 38 decimals cannot be held in an i128 amount: no real asset has them.
        let decimals = match self.read(token, "decimals", vec![])? {
            ScVal::U32(d) if d <= crate::units::MAX_DECIMALS => d,
            other => {
                return Err(CliError::Network(format!(
                    "the reward token's decimals() gave {}: not an asset's",
                    json(&other)
                )))
            }
        };
        let name = match self.read(token, "symbol", vec![])? {
            ScVal::String(s) if s.0.as_slice() == b"native" => "XLM".to_string(),
            ScVal::String(s) => String::from_utf8_lossy(s.0.as_slice()).into_owned(),
            _ => String::new(),
        };
        Ok((decimals, name))
    }

    /// An amount of the reward asset given on the command line, in base units.
    fn reward_amount(
        &self,
        m: &Manifest,
        what: &'static str,
        text: &str,
    ) -> Result<i128, CliError> {
        let (decimals, _) = self.reward_asset(m)?;
        parse_amount(what, text, *decimals, self.base_units)
    }

    /// Base units of the reward asset as its decimal units and symbol (`12.5 XLM`).
    fn reward_text(&self, m: &Manifest, base_units: i128) -> Result<String, CliError> {
        let (decimals, name) = self.reward_asset(m)?;
        Ok(format!("{} {name}", decimal(base_units, *decimals)))
    }

    /// The identity name of an address (or the deployment's name of a contract), else the
    /// address.
    fn name_of(&self, address: &str) -> String {
        let contract = self.manifest().ok().and_then(|m| {
            m.contracts
                .iter()
                .find(|(_, id)| *id == address)
                .map(|(name, _)| name.clone())
        });
        if let Some(name) = contract {
            return name;
        }
        self.ids
            .list()
            .unwrap_or_default()
            .into_iter()
            .find(|n| self.ids.read(n).is_ok_and(|i| i.address() == address))
            .unwrap_or_else(|| address.to_string())
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

fn as_address(value: &ScVal) -> Option<String> {
    match value {
        ScVal::Address(ScAddress::Account(a)) => {
            let stellar_xdr::PublicKey::PublicKeyTypeEd25519(k) = &a.0;
            Some(stellar_strkey::ed25519::PublicKey(k.0).to_string())
        }
        ScVal::Address(ScAddress::Contract(c)) => {
            Some(stellar_strkey::Contract(c.0 .0).to_string())
        }
        _ => None,
    }
}

fn as_vec(value: &ScVal) -> &[ScVal] {
    match value {
        ScVal::Vec(Some(v)) => v.as_slice(),
        _ => &[],
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

/// The context of a command: the network the flags name, the identities, the manifest.
pub fn connect(cli: &Cli) -> Result<Ctx, CliError> {
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
    let signers = cli
        .sign_with
        .iter()
        .map(|name| ids.resolve(name))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Ctx {
        client: Client::connect(&network)?,
        ids,
        manifest_path,
        base_units: cli.base_units,
        signers,
        reward: OnceCell::new(),
        pool_override: match &cli.command {
            Command::Report {
                command: ReportCommand::Submit(a),
            } => a.pool.clone(),
            Command::Report {
                command: ReportCommand::Finalize(a) | ReportCommand::Dispute(a),
            } => a.pool.clone(),
            _ => None,
        },
    })
}

pub fn run(cli: &Cli) -> Result<(), CliError> {
    command(&connect(cli)?, cli)
}

/// The `--source` of a command, if it has one.
fn source_of(command: &Command) -> Option<&str> {
    match command {
        Command::Deploy(a) => Some(&a.source),
        Command::Pool {
            command: PoolCommand::Register(a),
        } => Some(&a.source),
        Command::Pool {
            command: PoolCommand::Update(a),
        } => Some(&a.source),
        Command::Report {
            command: ReportCommand::Submit(a),
        } => Some(&a.source),
        Command::Report {
            command: ReportCommand::Finalize(a) | ReportCommand::Dispute(a),
        } => Some(&a.source),
        Command::Fund(a) | Command::Mint(a) | Command::Transfer(a) => Some(&a.source),
        Command::Record(a) => Some(&a.source),
        Command::Deposit(a) => Some(&a.source),
        Command::Claim(a) => Some(&a.source),
        Command::WithdrawFees(a) | Command::ApproveTopups(a) => Some(&a.source),
        Command::SetFeeRecipient(a) => Some(&a.source),
        Command::Trust(a) => Some(&a.source),
        Command::Rig { command } => rig_source(command),
        Command::Lease { command } => lease::source(command),
        _ => None,
    }
}

pub fn command(ctx: &Ctx, cli: &Cli) -> Result<(), CliError> {
    let ids = &ctx.ids;
    match &cli.command {
        Command::Deploy(args) => deploy(ctx, args, &cli.sign_with, cli.wasm_dir.as_deref()),
        Command::Verify => verify(ctx, cli.wasm_dir.as_deref()),
        Command::Pool {
            command: PoolCommand::Register(args),
        } => {
            let m = ctx.manifest()?;
            let pool = super::parse_pool(&args.pool.pool)?;
            let schedule = super::schedule(
                &args.pool,
                |who| ids.address_of(who),
                || ctx.client.latest_close_time(),
            )?;
            ctx.send(
                &format!("register pool {pool}"),
                &ids.resolve(&args.source)?,
                &ctx.id(&m, "pool_oracle")?,
                "register_pool",
                vec![symbol(&pool)?, schedule.config()?],
            )?;
            Ok(())
        }
        Command::Pool {
            command: PoolCommand::Update(args),
        } => pool_update(ctx, args),
        Command::Report {
            command: ReportCommand::Submit(args),
        } => {
            let m = ctx.manifest()?;
            let (oracle, pool) = (ctx.id(&m, "pool_oracle")?, ctx.pool(&m)?);
            let reporter = ids.resolve(&args.source)?;
            let hashrate = parse_hashrate(&args.hashrate)?;
            let reward = ctx.reward_amount(&m, "reward", &args.reward)?;
            let epoch = match &args.epoch {
                Some(e) => parse_u64("epoch", e)?,
                None => {
                    let current = ctx.read(&oracle, "current_epoch", vec![pool.clone()])?;
                    as_u64(&current).unwrap_or(0).saturating_sub(1)
                }
            };
            ctx.send(
                &format!(
                    "submit epoch {epoch}: {}, reward {} (signed by {})",
                    crate::units::hashrate(hashrate),
                    ctx.reward_text(&m, reward)?,
                    args.source
                ),
                &reporter,
                &oracle,
                "submit",
                vec![
                    account(&reporter.address())?,
                    pool,
                    ScVal::U64(epoch),
                    i128_val(hashrate),
                    i128_val(reward),
                ],
            )?;
            println!(
                "    {}",
                round_line(ctx, &m, epoch, "every listed reporter has submitted")?
            );
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Finalize(args),
        } => {
            let m = ctx.manifest()?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            ctx.send(
                &format!("finalize epoch {epoch} (sent by {})", args.source),
                &ids.resolve(&args.source)?,
                &ctx.id(&m, "pool_oracle")?,
                "finalize",
                vec![ctx.pool(&m)?, ScVal::U64(epoch)],
            )?;
            println!(
                "    {}",
                round_line(
                    ctx,
                    &m,
                    epoch,
                    "its round's window has passed with a quorum in"
                )?
            );
            Ok(())
        }
        Command::Report {
            command: ReportCommand::Dispute(args),
        } => {
            let m = ctx.manifest()?;
            let epoch = parse_u64("epoch", &args.epoch)?;
            ctx.send(
                &format!("dispute epoch {epoch}"),
                &ids.resolve(&args.source)?,
                &ctx.id(&m, "pool_oracle")?,
                "dispute",
                vec![ctx.pool(&m)?, ScVal::U64(epoch)],
            )?;
            println!("    the report is struck: epoch {epoch} may be attested again");
            Ok(())
        }
        Command::Fund(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let to = ids.address_of(&args.to)?;
            let units = ctx.reward_amount(&m, "amount", &args.amount)?;
            ctx.send(
                &format!("fund {} with {}", args.to, ctx.reward_text(&m, units)?),
                &source,
                &ctx.id(&m, "reward_token")?,
                "mint",
                vec![account(&to)?, i128_val(units)],
            )?;
            Ok(())
        }
        Command::Mint(args) => {
            let amount = parse_shares(&args.amount, ctx.base_units)?;
            let to = ids.address_of(&args.to)?;
            let source = ids.resolve(&args.source)?;
            let m = ctx.manifest()?;
            let token = ctx.id(&m, "share_token")?;
            let distributor = ctx.id(&m, "payout_distributor")?;
            let deposited = books(ctx, &distributor)?.deposited;
            ctx.send(
                &format!(
                    "mint {} shares to {} (signed by {})",
                    shares(amount),
                    args.to,
                    args.source
                ),
                &source,
                &token,
                "mint",
                vec![account(&to)?, i128_val(amount)],
            )?;
            let topup = books(ctx, &distributor)?.deposited - deposited;
            println!(
                "    {}",
                if topup == 0 {
                    "top-up 0 (no stream was running)".to_string()
                } else {
                    format!(
                        "top-up {} taken from {} on its allowance to the distributor, into the running streams (the fee included)",
                        ctx.reward_text(&m, topup)?,
                        args.source
                    )
                }
            );
            println!("    {}", capacity_view(ctx, &m)?.room_line());
            Ok(())
        }
        Command::Transfer(args) => {
            let amount = parse_shares(&args.amount, ctx.base_units)?;
            let to = ids.address_of(&args.to)?;
            let source = ids.resolve(&args.source)?;
            let m = ctx.manifest()?;
            ctx.send(
                &format!("transfer {} shares to {}", shares(amount), args.to),
                &source,
                &ctx.id(&m, "share_token")?,
                "transfer",
                vec![account(&source.address())?, account(&to)?, i128_val(amount)],
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
        Command::Deposit(args) => deposit(ctx, args),
        Command::Claim(args) => {
            let m = ctx.manifest()?;
            let source = ids.resolve(&args.source)?;
            let holder = match &args.holder {
                Some(h) => ids.address_of(h)?,
                None => source.address(),
            };
            let sent = ctx.send(
                &format!(
                    "claim for {}",
                    args.holder.as_deref().unwrap_or(&args.source)
                ),
                &source,
                &ctx.id(&m, "payout_distributor")?,
                "claim",
                vec![account(&holder)?],
            )?;
            let paid = sent.return_value.as_ref().and_then(as_i128).unwrap_or(0);
            println!("    paid {} to the holder", ctx.reward_text(&m, paid)?);
            Ok(())
        }
        Command::Epoch(args) => epoch(ctx, args.epoch.as_deref()),
        Command::WithdrawFees(args) => {
            let m = ctx.manifest()?;
            let sent = ctx.send(
                "withdraw fees",
                &ids.resolve(&args.source)?,
                &ctx.id(&m, "payout_distributor")?,
                "withdraw_fees",
                vec![],
            )?;
            let paid = sent.return_value.as_ref().and_then(as_i128).unwrap_or(0);
            println!(
                "    paid {} to the fee recipient",
                ctx.reward_text(&m, paid)?
            );
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
        Command::Trust(args) => {
            let source = ids.resolve(&args.source)?;
            let text = match &args.asset {
                Some(asset) => asset.clone(),
                // A Stellar Asset Contract's name is its asset, as stellar-cli writes it.
                None => {
                    let m = ctx.manifest()?;
                    match ctx.read(&ctx.id(&m, "reward_token")?, "name", vec![])? {
                        ScVal::String(s) => String::from_utf8_lossy(s.0.as_slice()).into_owned(),
                        other => {
                            return Err(CliError::Network(format!("name() gave {}", json(&other))))
                        }
                    }
                }
            };
            let asset = offering::parse_asset(&text)?;
            // By default only the deployment's own asset: its contract must be that asset's.
            if args.asset.is_none() {
                let m = ctx.manifest()?;
                let expected = ctx.id(&m, "reward_token")?;
                let passphrase = &ctx.client.network.passphrase;
                if offering::asset_contract(passphrase, asset.clone()) != expected {
                    return Err(CliError::Refused(format!(
                        "the reward token {expected} is not the Stellar Asset Contract of {text} \
                         (its name): pass --asset CODE:ISSUER"
                    )));
                }
            }
            let sent = ctx.client.trust(&source, asset)?;
            output::sent(&format!("trust {text} (signed by {})", args.source), &sent);
            Ok(())
        }
        Command::Rig { command } => rig::run(ctx, command, cli.wasm_dir.as_deref()),
        Command::Lease { command } => lease::run(ctx, command, cli.wasm_dir.as_deref()),
        Command::Status => status(ctx),
        Command::AdvanceTime { duration } => {
            let seconds = parse_duration(duration)?;
            let closed = ctx.client.advance_time(seconds)?;
            println!("the network's clock moved {seconds} s: ledger {closed}");
            Ok(())
        }
        Command::Demo | Command::Node(_) | Command::Keys { .. } | Command::App(_) => Ok(()),
    }
}

fn rig_source(command: &RigCommand) -> Option<&str> {
    match command {
        RigCommand::Deploy(a) => Some(&a.source),
        RigCommand::Wrap(a) => Some(&a.source),
        RigCommand::AddShares(a) => Some(&a.source),
        RigCommand::Unwrap(a) | RigCommand::Claim(a) | RigCommand::UnlistRental(a) => {
            Some(&a.source)
        }
        RigCommand::Transfer(a) => Some(&a.source),
        RigCommand::ListRental(a) => Some(&a.source),
        RigCommand::Rent(a) => Some(&a.source),
        RigCommand::Show { .. } => None,
    }
}

/// The pool's registered config and the reporters in it, as addresses.
fn pool_config(ctx: &Ctx, m: &Manifest) -> Result<(ScVal, Vec<String>), CliError> {
    let config = ctx.read(&ctx.id(m, "pool_oracle")?, "pool", vec![ctx.pool(m)?])?;
    let reporters = field(&config, "reporters")
        .map(as_vec)
        .unwrap_or_default()
        .iter()
        .filter_map(as_address)
        .collect();
    Ok((config, reporters))
}

/// Where an epoch's round stands: finalized (`how`) and when effective, or open, who is in
/// and missing, and from when `finalize` may close it.
fn round_line(ctx: &Ctx, m: &Manifest, epoch: u64, how: &str) -> Result<String, CliError> {
    let round = ctx.read(
        &ctx.id(m, "pool_oracle")?,
        "round",
        vec![ctx.pool(m)?, ScVal::U64(epoch)],
    )?;
    let parts = as_vec(&round);
    let (config, reporters) = pool_config(ctx, m)?;
    let window = field(&config, "dispute_seconds")
        .and_then(as_u64)
        .unwrap_or(0);
    match parts.get(2) {
        Some(report @ ScVal::Map(_)) => {
            let of = |k| field(report, k);
            Ok(output::finalized(
                &Finalized {
                    epoch,
                    hashrate: of("hashrate").and_then(as_i128).unwrap_or(0),
                    reward: ctx.reward_text(m, of("reward").and_then(as_i128).unwrap_or(0))?,
                    submissions: of("submissions").and_then(as_u64).unwrap_or(0) as u32,
                    effective_at: of("finalized_at").and_then(as_u64).unwrap_or(0) + window,
                    window,
                },
                how,
            ))
        }
        _ if parts.first().and_then(as_u64).unwrap_or(0) == 0 => Ok(format!(
            "epoch {epoch}: no submission in an open round (the first of the {} listed reporters opens it; quorum {})",
            reporters.len(),
            field(&config, "quorum").and_then(as_u64).unwrap_or(0)
        )),
        _ => {
            let opened = parts.first().and_then(as_u64).unwrap_or(0);
            let submitted: Vec<String> = parts
                .get(1)
                .map(as_vec)
                .unwrap_or_default()
                .iter()
                .filter_map(as_address)
                .collect();
            let missing = reporters
                .iter()
                .filter(|r| !submitted.contains(r))
                .map(|r| ctx.name_of(r))
                .collect();
            Ok(output::open_round(&OpenRound {
                epoch,
                submitted: submitted.iter().map(|s| ctx.name_of(s)).collect(),
                missing,
                quorum: field(&config, "quorum").and_then(as_u64).unwrap_or(0) as u32,
                finalize_from: opened + window,
                window,
            }))
        }
    }
}

fn pool_update(ctx: &Ctx, args: &PoolUpdateArgs) -> Result<(), CliError> {
    let network = &ctx.client.network;
    let mut locked = Locked::open(&ctx.manifest_path, &network.name, &network.passphrase)?;
    let m = locked.manifest.clone();
    // What is not given stays as the manifest records it — not as an RPC reports the pool:
    // the admin signs this config, and an RPC must not slip a value into it.
    let recorded = |k: &str| -> Result<String, CliError> {
        m.parameters.get(k).cloned().ok_or(CliError::NotDeployed)
    };
    let number = |k: &str| -> Result<u64, CliError> {
        recorded(k)?.parse().map_err(|_| CliError::Corrupted {
            what: "deployment manifest",
            path: ctx.manifest_path.clone(),
            reason: format!("{k} is not a number"),
        })
    };
    let schedule = Schedule {
        operator: match &args.operator {
            Some(o) => ctx.ids.address_of(o)?,
            None => recorded("operator")?,
        },
        reporters: match &args.reporters {
            Some(names) => names
                .iter()
                .map(|r| ctx.ids.address_of(r))
                .collect::<Result<Vec<_>, _>>()?,
            None => recorded("reporters")?
                .split(',')
                .map(String::from)
                .collect(),
        },
        quorum: match &args.quorum {
            Some(q) => parse_u32("quorum", q)?,
            None => number("quorum")? as u32,
        },
        epoch_seconds: number("epoch_seconds")?,
        genesis: number("genesis")?,
        dispute_seconds: number("dispute_seconds")?,
        max_age_epochs: match &args.max_age_epochs {
            Some(a) => parse_u64("max-age-epochs", a)?,
            None => number("max_age_epochs")?,
        },
        capacity_epochs: number("capacity_epochs")? as u32,
    };
    check_pool(&schedule)?;
    ctx.send(
        "update the pool",
        &ctx.ids.resolve(&args.source)?,
        &ctx.id(&m, "pool_oracle")?,
        "update_pool",
        vec![ctx.pool(&m)?, schedule.config()?],
    )?;
    let parameters = &mut locked.manifest.parameters;
    parameters.insert("operator".into(), schedule.operator.clone());
    parameters.insert("reporters".into(), schedule.reporters.join(","));
    parameters.insert("quorum".into(), schedule.quorum.to_string());
    parameters.insert("max_age_epochs".into(), schedule.max_age_epochs.to_string());
    locked.save()?;
    println!(
        "    operator {}, {} reporters, quorum {}, max age {} epochs (recorded in {})",
        ctx.name_of(&schedule.operator),
        schedule.reporters.len(),
        schedule.quorum,
        schedule.max_age_epochs,
        ctx.manifest_path.display()
    );
    Ok(())
}

/// Records, in order, every unrecorded epoch up to `epoch`, each printed with what it owes;
/// how many.
fn record_through(
    ctx: &Ctx,
    m: &Manifest,
    source: &Identity,
    epoch: u64,
) -> Result<usize, CliError> {
    let distributor = ctx.id(m, "payout_distributor")?;
    let next = as_u64(&ctx.read(&distributor, "next_epoch", vec![])?).unwrap_or(0);
    let param = |k: &str| {
        m.parameters
            .get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let mut count = 0;
    for e in next..=epoch {
        let sent = ctx.send(
            &format!("record epoch {e}"),
            source,
            &distributor,
            "record",
            vec![ScVal::U64(e)],
        )?;
        if let Some(payout) = &sent.return_value {
            let supply_seconds = field(payout, "supply_seconds")
                .and_then(as_i128)
                .unwrap_or(0);
            let owed = field(payout, "owed").and_then(as_i128).unwrap_or(0);
            let reported = field(payout, "reported") == Some(&ScVal::Bool(true));
            let line = if supply_seconds <= 0 {
                "owes 0 (nothing sold)".to_string()
            } else if !reported {
                "closed without an effective report past its staleness deadline: owes 0 until a late report is recorded".to_string()
            } else {
                format!(
                    "owes {} for {} sold (time-weighted over the epoch)",
                    ctx.reward_text(m, owed)?,
                    hashrate(output::sold(
                        supply_seconds,
                        param("hashrate_per_share") as i128,
                        param("epoch_seconds")
                    ))
                )
            };
            println!("    epoch {e} {line}");
        }
        count += 1;
    }
    Ok(count)
}

fn deposit(ctx: &Ctx, args: &crate::cli::DepositArgs) -> Result<(), CliError> {
    let m = ctx.manifest()?;
    let source = ctx.ids.resolve(&args.source)?;
    let epoch = parse_u64("epoch", &args.epoch)?;
    let units = ctx.reward_amount(&m, "amount", &args.amount)?;
    let distributor = ctx.id(&m, "payout_distributor")?;
    let reward_token = ctx.id(&m, "reward_token")?;
    record_through(ctx, &m, &source, epoch)?;
    let due = ctx.read_i128(&distributor, "due", vec![ScVal::U64(epoch)])?;
    println!(
        "    epoch {epoch} is due {} now (its debt and the top-up for shares minted since)",
        ctx.reward_text(&m, due)?
    );
    let balance = || ctx.read_i128(&reward_token, "balance", vec![account(&source.address())?]);
    let before = balance()?;
    let sent = ctx.send(
        &format!("deposit {} for epoch {epoch}", ctx.reward_text(&m, units)?),
        &source,
        &distributor,
        "deposit",
        vec![
            account(&source.address())?,
            ScVal::U64(epoch),
            i128_val(units),
        ],
    )?;
    // The fee is paid in the reward asset only when that asset is the native one.
    let native = reward_token == offering::native_asset(&ctx.client.network.passphrase);
    let fee = if native {
        i128::from(sent.fee_charged)
    } else {
        0
    };
    let taken = before - balance()? - fee;
    let due = ctx.read_i128(&distributor, "due", vec![ScVal::U64(epoch)])?;
    let payout = ctx.read(&distributor, "epoch", vec![ScVal::U64(epoch)])?;
    let of = |k: &str| field(&payout, k).and_then(as_i128).unwrap_or(0);
    println!(
        "    taken {}, sent back {}",
        ctx.reward_text(&m, taken)?,
        ctx.reward_text(&m, units - taken)?
    );
    println!(
        "    epoch {epoch}: owed {}, paid {} (fee {}, top-ups {}); due now {}",
        ctx.reward_text(&m, of("owed"))?,
        ctx.reward_text(&m, of("paid"))?,
        ctx.reward_text(&m, of("fee"))?,
        ctx.reward_text(&m, of("topup"))?,
        ctx.reward_text(&m, due)?
    );
    Ok(())
}

/// One epoch: its round or report, and its payout.
fn epoch(ctx: &Ctx, epoch: Option<&str>) -> Result<(), CliError> {
    let m = ctx.manifest()?;
    let (oracle, distributor) = (
        ctx.id(&m, "pool_oracle")?,
        ctx.id(&m, "payout_distributor")?,
    );
    let current = as_u64(&ctx.read(&oracle, "current_epoch", vec![ctx.pool(&m)?])?).unwrap_or(0);
    let epoch = match epoch {
        Some(e) => parse_u64("epoch", e)?,
        None => current,
    };
    let genesis: u64 = m
        .parameters
        .get("genesis")
        .and_then(|g| g.parse().ok())
        .unwrap_or(0);
    let seconds: u64 = m
        .parameters
        .get("epoch_seconds")
        .and_then(|g| g.parse().ok())
        .unwrap_or(1);
    let start = epoch
        .checked_mul(seconds)
        .and_then(|offset| offset.checked_add(genesis))
        .filter(|start| start.checked_add(seconds).is_some())
        .ok_or_else(|| CliError::invalid("epoch", &epoch.to_string(), "beyond any time"))?;
    println!(
        "epoch {epoch}: {} to {}{}",
        utc(start),
        utc(start + seconds),
        match epoch.cmp(&current) {
            std::cmp::Ordering::Less => " (ended)",
            std::cmp::Ordering::Equal => " (current)",
            std::cmp::Ordering::Greater => " (to come)",
        }
    );
    if epoch < current {
        let effective = ctx.read(&oracle, "report", vec![ctx.pool(&m)?, ScVal::U64(epoch)])?;
        let how = if effective == ScVal::Void {
            "not effective yet: within its dispute window"
        } else {
            "effective"
        };
        println!("report   {}", round_line(ctx, &m, epoch, how)?);
    }
    match ctx.read(&distributor, "epoch", vec![ScVal::U64(epoch)])? {
        ScVal::Void => println!("payout   not recorded yet (`record --epoch {epoch}`)"),
        payout => {
            let of = |k: &str| field(&payout, k).and_then(as_i128).unwrap_or(0);
            let due = ctx.read_i128(&distributor, "due", vec![ScVal::U64(epoch)])?;
            println!(
                "payout   owed {}, paid {} (fee {}, top-ups {}), due now {}{}",
                ctx.reward_text(&m, of("owed"))?,
                ctx.reward_text(&m, of("paid"))?,
                ctx.reward_text(&m, of("fee"))?,
                ctx.reward_text(&m, of("topup"))?,
                ctx.reward_text(&m, due)?,
                if field(&payout, "reported") == Some(&ScVal::Bool(true)) {
                    ""
                } else {
                    " (no effective report when recorded)"
                }
            );
        }
    }
    Ok(())
}

fn deploy(
    ctx: &Ctx,
    args: &DeployArgs,
    sign_with: &[String],
    wasm_dir: Option<&Path>,
) -> Result<(), CliError> {
    let network = &ctx.client.network;
    // Held from here on: a deploy racing this one waits, then resumes what this one did.
    let mut locked = Locked::open(&ctx.manifest_path, &network.name, &network.passphrase)?;
    let ids = &ctx.ids;
    // A re-run resumes with the genesis the deployment was made with (the default is "now").
    let recorded = locked
        .manifest
        .parameters
        .get("genesis")
        .and_then(|g| g.parse().ok());
    let schedule = super::schedule(
        &args.pool,
        |who| ids.address_of(who),
        || match recorded {
            Some(genesis) => Ok(genesis),
            None => ctx.client.latest_close_time(),
        },
    )?;
    let pool = super::parse_pool(&args.pool.pool)?;
    let admin = ids.resolve(&args.source)?;
    // The operator's consent signs the share token's constructor: its identity, named by
    // --operator or among --sign-with.
    let operator = std::iter::once(args.pool.operator.as_str())
        .chain(sign_with.iter().map(String::as_str))
        .filter_map(|name| ids.resolve(name).ok())
        .find(|i| i.address() == schedule.operator)
        .ok_or_else(|| CliError::NeedsSignature {
            step: "deploying the share token".into(),
            signer: format!("the operator {} (pass --sign-with NAME)", schedule.operator),
        })?;
    let reward_token = Some(asset_token(
        ctx,
        &admin,
        &args.reward_asset,
        args.reward_token.as_deref(),
    )?);
    let deploy_params = DeployParams {
        pool,
        schedule,
        name: args.name.clone(),
        symbol: args.symbol.clone(),
        hashrate_per_share: parse_hashrate(&args.hashrate_per_share)?,
        term: parse_duration(&args.term)?,
        fee_bps: parse_u32("fee-bps", &args.fee_bps)?,
        fee_recipient: ids.address_of(&args.fee_recipient)?,
        reward_token,
    };
    let steps = offering::deploy(
        &ctx.client,
        &mut locked,
        wasm_dir,
        &admin,
        &operator,
        &deploy_params,
    )?;
    for (step, sent) in &steps {
        output::sent(step, sent);
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

/// An asset's contract: the given id (any SEP-41 token), or the Stellar Asset Contract of
/// `asset` (`native` or `CODE:ISSUER`), deployed now by `payer` if nobody has yet.
fn asset_token(
    ctx: &Ctx,
    payer: &Identity,
    asset: &str,
    token: Option<&str>,
) -> Result<String, CliError> {
    if let Some(id) = token {
        crate::client::contract_address(id)?;
        return Ok(id.to_string());
    }
    let parsed = offering::parse_asset(asset)?;
    let id = offering::asset_contract(&ctx.client.network.passphrase, parsed.clone());
    if !ctx.client.contract_exists(&id)? {
        let step = format!("deploy the Stellar Asset Contract of {asset}");
        let sent = ctx.client.deploy_asset_contract(payer, parsed)?;
        output::sent(&step, &sent);
    }
    Ok(id)
}

fn verify(ctx: &Ctx, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let m = ctx.manifest()?;
    let artifacts = Artifacts::load(wasm_dir)?;
    let mut checked: Vec<crate::wasm::Artifact> = artifacts.all().into_iter().cloned().collect();
    // The rig-nft vault and the lease market, once deployed.
    for later in ["rig_nft", "hashrate_lease"] {
        if m.contracts.contains_key(later) {
            checked.push(crate::wasm::Artifact::load(wasm_dir, later)?);
        }
    }
    let mut differ = Vec::new();
    for artifact in &checked {
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

/// The mint cap and what explains it, read call by call.
fn capacity_view(ctx: &Ctx, m: &Manifest) -> Result<CapacityView, CliError> {
    let (oracle, token) = (ctx.id(m, "pool_oracle")?, ctx.id(m, "share_token")?);
    let pool = ctx.pool(m)?;
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
        capacity: ctx.read_i128(&oracle, "capacity", vec![pool.clone()])?,
        latest,
        current_epoch: as_u64(&ctx.read(&oracle, "current_epoch", vec![pool])?).unwrap_or(0),
        max_age_epochs: param("max_age_epochs"),
        capacity_epochs,
        run,
        supply: ctx.read_i128(&token, "total_supply", vec![])?,
        hashrate_per_share: m
            .parameters
            .get("hashrate_per_share")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        maturity: param("genesis").saturating_add(param("term")),
        timestamp: ctx.client.latest_close_time()?,
    })
}

/// The distributor's books (`totals()`).
struct Books {
    deposited: i128,
    topups: i128,
    fees: i128,
    fees_withdrawn: i128,
}

fn books(ctx: &Ctx, distributor: &str) -> Result<Books, CliError> {
    let totals = ctx.read(distributor, "totals", vec![])?;
    let of = |k: &str| field(&totals, k).and_then(as_i128).unwrap_or(0);
    Ok(Books {
        deposited: of("deposited"),
        topups: of("topups"),
        fees: of("fees"),
        fees_withdrawn: of("fees_withdrawn"),
    })
}

/// Every address the share token's events name (mints, transfers, burns) since `from`.
fn holders(ctx: &Ctx, token: &str, from: u32) -> Result<BTreeSet<String>, CliError> {
    let known = ["mint", "transfer", "burn", "clawback"].map(|s| symbol(s).expect("a symbol"));
    Ok(ctx
        .client
        .contract_events(token, from)?
        .iter()
        .filter(|(topics, _)| topics.first().is_some_and(|t| known.contains(t)))
        .flat_map(|(topics, _)| topics[1..].iter().filter_map(as_address))
        .collect())
}

/// What holders claimed since `from`: the distributor's `claimed` events summed.
fn claimed(ctx: &Ctx, distributor: &str, from: u32) -> Result<i128, CliError> {
    let claimed = symbol("claimed")?;
    ctx.client
        .contract_events(distributor, from)?
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&claimed))
        .filter_map(|(_, data)| field(data, "amount").and_then(as_i128))
        .try_fold(0i128, |sum, amount| sum.checked_add(amount))
        .ok_or_else(|| CliError::Network("the claims' events sum beyond any amount".into()))
}

fn status(ctx: &Ctx) -> Result<(), CliError> {
    let m = ctx.manifest()?;
    let (oracle, token, distributor, reward_token) = (
        ctx.id(&m, "pool_oracle")?,
        ctx.id(&m, "share_token")?,
        ctx.id(&m, "payout_distributor")?,
        ctx.id(&m, "reward_token")?,
    );
    println!("network              {}", ctx.client.network.name);
    for (name, id) in &m.contracts {
        println!("{name:<20} {id}");
    }
    let now = ctx.client.latest_close_time()?;
    let view = capacity_view(ctx, &m)?;
    println!("ledger time          {}", utc(now));
    println!(
        "pool                 {}, epoch {} of {}",
        m.parameters.get("pool").map_or("", String::as_str),
        view.current_epoch,
        crate::units::duration(
            m.parameters
                .get("epoch_seconds")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0)
        )
    );
    match ctx.read(&oracle, "latest", vec![ctx.pool(&m)?])? {
        ScVal::Void => println!("latest report        none effective yet"),
        r => println!(
            "latest report        epoch {}: {}, reward {} ({} submissions)",
            field(&r, "epoch").and_then(as_u64).unwrap_or(0),
            hashrate(field(&r, "hashrate").and_then(as_i128).unwrap_or(0)),
            ctx.reward_text(&m, field(&r, "reward").and_then(as_i128).unwrap_or(0))?,
            field(&r, "submissions").and_then(as_u64).unwrap_or(0)
        ),
    }
    println!("sustained hashrate   {}", view.capacity_line());
    let sold = view
        .supply
        .checked_mul(view.hashrate_per_share)
        .map_or(i128::MAX, |h| h / hashshare_interfaces::SHARE_UNIT);
    println!(
        "supply               {} shares ({} sold), matures {}",
        shares(view.supply),
        hashrate(sold),
        utc(view.maturity)
    );
    println!("room                 {}", view.room_line());
    let next = as_u64(&ctx.read(&distributor, "next_epoch", vec![])?).unwrap_or(0);
    println!(
        "next epoch to record {next}; arrears {}",
        ctx.reward_text(&m, ctx.read_i128(&distributor, "arrears", vec![])?)?
    );

    // Holders, from the share token's events.
    let from = m.ledger.unwrap_or(1);
    match holders(ctx, &token, from) {
        Ok(holders) => {
            println!("{:<20} {:>16} {:>20}", "holder", "shares", "claimable");
            let mut rows = BTreeMap::new();
            for address in holders {
                let who = account_or_contract(&address)?;
                let balance = ctx.read_i128(&token, "balance", vec![who.clone()])?;
                let claimable = ctx.read_i128(&distributor, "claimable", vec![who])?;
                if balance != 0 || claimable != 0 {
                    rows.insert(ctx.name_of(&address), (balance, claimable));
                }
            }
            for (name, (balance, claimable)) in rows {
                println!(
                    "{name:<20} {:>16} {:>20}",
                    shares(balance),
                    ctx.reward_text(&m, claimable)?
                );
            }
        }
        Err(e) => println!("holders              not listed: {e}"),
    }

    // The books: what came in = what went out + what is held, each side read on its own.
    let b = books(ctx, &distributor)?;
    let held = ctx.read_i128(&reward_token, "balance", vec![contract(&distributor)?])?;
    println!(
        "books                deposited {} (top-ups {}), fees {} ({} withdrawn)",
        ctx.reward_text(&m, b.deposited)?,
        ctx.reward_text(&m, b.topups)?,
        ctx.reward_text(&m, b.fees)?,
        ctx.reward_text(&m, b.fees_withdrawn)?
    );
    let claimed = match claimed(ctx, &distributor, from) {
        Ok(claimed) => claimed,
        Err(e) => {
            println!("books close          not checked: the claims' events cannot be read ({e})");
            return Ok(());
        }
    };
    // What the distributor must hold: what came in through deposits and top-ups, less what
    // went out. Anyone may send it the asset directly: such a surplus is shown, not a failure.
    let owed = b
        .deposited
        .checked_sub(b.fees_withdrawn)
        .and_then(|rest| rest.checked_sub(claimed))
        .ok_or_else(|| CliError::Network("the books' figures are beyond any amount".into()))?;
    let line = format!(
        "deposited {} = fees withdrawn {} + claimed {} + held {}",
        ctx.reward_text(&m, b.deposited)?,
        ctx.reward_text(&m, b.fees_withdrawn)?,
        ctx.reward_text(&m, claimed)?,
        ctx.reward_text(&m, owed.min(held))?
    );
    if held < owed {
        println!("books DO NOT close   {line}");
        return Err(CliError::Conservation(format!(
            "the distributor holds {}, less than the {} deposited and not paid out",
            ctx.reward_text(&m, held)?,
            ctx.reward_text(&m, owed)?
        )));
    }
    println!("books close          {line}");
    if held > owed {
        println!(
            "                     and {} more held, sent to the distributor outside deposits",
            ctx.reward_text(&m, held - owed)?
        );
    }
    Ok(())
}

fn account_or_contract(address: &str) -> Result<ScVal, CliError> {
    if address.starts_with('C') {
        contract(address)
    } else {
        account(address)
    }
}
