//! `hashshare rig …`: the offering's rig certificates (rig-nft) over RPC. Each command is one
//! call of the vault, printed like every other; `show` reads a certificate by simulation.
use std::path::Path;

use stellar_xdr::ScVal;

use crate::{
    cli::{RigCommand, RigDeployArgs, RigRentArgs, RigWrapArgs},
    deployment::{Locked, Manifest},
    error::CliError,
    offering::{self, i128_val, string, VaultParams},
    output::{self, utc},
    units::{hashrate, parse_shares, shares},
};

use super::{account_or_contract, as_address, as_i128, as_u64, as_vec, field, parse_u32, Ctx};

pub fn run(ctx: &Ctx, command: &RigCommand, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let ids = &ctx.ids;
    match command {
        RigCommand::Deploy(args) => deploy(ctx, args, wasm_dir),
        RigCommand::Wrap(args) => wrap(ctx, args),
        RigCommand::AddShares(args) => {
            let (_, vault) = vault(ctx)?;
            let id = parse_id(&args.id)?;
            let amount = parse_shares(&args.shares, ctx.base_units)?;
            ctx.send(
                &format!("add {} shares to certificate {id}", shares(amount)),
                &ids.resolve(&args.source)?,
                &vault,
                "add_shares",
                vec![ScVal::U32(id), i128_val(amount)],
            )?;
            certificate_line(ctx, &vault, id)
        }
        RigCommand::Unwrap(args) => {
            let (_, vault) = vault(ctx)?;
            let id = parse_id(&args.id)?;
            let sent = ctx.send(
                &format!("unwrap certificate {id}"),
                &ids.resolve(&args.source)?,
                &vault,
                "unwrap",
                vec![ScVal::U32(id)],
            )?;
            let back = sent.return_value.as_ref().and_then(as_i128).unwrap_or(0);
            println!("    {} shares back to the owner", shares(back));
            Ok(())
        }
        RigCommand::Transfer(args) => {
            let (_, vault) = vault(ctx)?;
            let id = parse_id(&args.id)?;
            let source = ids.resolve(&args.source)?;
            let to = account_or_contract(&ids.address_of(&args.to)?)?;
            let (function, args_val, step) = match &args.from {
                None => (
                    "transfer",
                    vec![account_or_contract(&source.address())?, to, ScVal::U32(id)],
                    format!("transfer certificate {id} to {}", args.to),
                ),
                Some(from) => (
                    "transfer_from",
                    vec![
                        account_or_contract(&source.address())?,
                        account_or_contract(&ids.address_of(from)?)?,
                        to,
                        ScVal::U32(id),
                    ],
                    format!("transfer certificate {id} from {from} to {}", args.to),
                ),
            };
            ctx.send(&step, &source, &vault, function, args_val)?;
            Ok(())
        }
        RigCommand::Claim(args) => {
            let (m, vault) = vault(ctx)?;
            let id = parse_id(&args.id)?;
            let sent = ctx.send(
                &format!("claim certificate {id}"),
                &ids.resolve(&args.source)?,
                &vault,
                "claim",
                vec![ScVal::U32(id)],
            )?;
            let paid = sent.return_value.as_ref().map(pair).unwrap_or_default();
            println!(
                "    paid {} to the owner, {} to the user",
                ctx.reward_text(&m, paid.0)?,
                ctx.reward_text(&m, paid.1)?
            );
            Ok(())
        }
        RigCommand::ListRental(args) => {
            let (m, vault) = vault(ctx)?;
            let id = parse_id(&args.id)?;
            let price = ctx.reward_amount(&m, "price", &args.price)?;
            let max_epochs = parse_u32("max-epochs", &args.max_epochs)?;
            ctx.send(
                &format!(
                    "list certificate {id} for rent at {} per epoch, up to {max_epochs} epochs",
                    ctx.reward_text(&m, price)?
                ),
                &ids.resolve(&args.source)?,
                &vault,
                "list_rental",
                vec![ScVal::U32(id), i128_val(price), ScVal::U32(max_epochs)],
            )?;
            Ok(())
        }
        RigCommand::UnlistRental(args) => {
            let (_, vault) = vault(ctx)?;
            let id = parse_id(&args.id)?;
            ctx.send(
                &format!("take certificate {id}'s rental offer down"),
                &ids.resolve(&args.source)?,
                &vault,
                "unlist_rental",
                vec![ScVal::U32(id)],
            )?;
            Ok(())
        }
        RigCommand::Rent(args) => rent(ctx, args),
        RigCommand::Show { id } => show(ctx, parse_id(id)?),
    }
}

/// The manifest and the vault's id.
fn vault(ctx: &Ctx) -> Result<(Manifest, String), CliError> {
    let m = ctx.manifest()?;
    let vault = m
        .contracts
        .get("rig_nft")
        .cloned()
        .ok_or(CliError::NoVault)?;
    Ok((m, vault))
}

fn parse_id(text: &str) -> Result<u32, CliError> {
    parse_u32("certificate id", text)
}

/// `(i128, i128)` read back.
fn pair(value: &ScVal) -> (i128, i128) {
    match as_vec(value) {
        [a, b] => (as_i128(a).unwrap_or(0), as_i128(b).unwrap_or(0)),
        _ => (0, 0),
    }
}

fn text(value: Option<&ScVal>) -> String {
    match value {
        Some(ScVal::String(s)) => String::from_utf8_lossy(s.0.as_slice()).into_owned(),
        _ => String::new(),
    }
}

fn deploy(ctx: &Ctx, args: &RigDeployArgs, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let network = &ctx.client.network;
    let mut locked = Locked::open(&ctx.manifest_path, &network.name, &network.passphrase)?;
    let admin = ctx.ids.resolve(&args.source)?;
    let params = VaultParams {
        name: args.name.clone(),
        symbol: args.symbol.clone(),
        base_uri: args.base_uri.clone(),
    };
    let steps = offering::deploy_vault(&ctx.client, &mut locked, wasm_dir, &admin, &params)?;
    for (step, sent) in &steps {
        output::sent(step, sent);
    }
    if steps.is_empty() {
        println!("deployed already: nothing to send");
    }
    println!("{:<20} {}", "rig_nft", locked.manifest.contracts["rig_nft"]);
    Ok(())
}

fn wrap(ctx: &Ctx, args: &RigWrapArgs) -> Result<(), CliError> {
    let (_, vault) = vault(ctx)?;
    let amount = parse_shares(&args.shares, ctx.base_units)?;
    let joules = parse_u32("joules-per-th", &args.joules_per_th)?;
    let source = ctx.ids.resolve(&args.source)?;
    let rig = offering::record(vec![
        ("model", string(&args.model)?),
        ("joules_per_th", ScVal::U32(joules)),
        ("serial", string(&args.serial)?),
        ("location", string(&args.location)?),
    ])?;
    let sent = ctx.send(
        &format!(
            "wrap {} shares of {} in a certificate for {} {}",
            shares(amount),
            args.source,
            args.model,
            args.serial
        ),
        &source,
        &vault,
        "wrap",
        vec![
            account_or_contract(&source.address())?,
            i128_val(amount),
            rig,
        ],
    )?;
    let id = sent
        .return_value
        .as_ref()
        .and_then(as_u64)
        .ok_or_else(|| CliError::Network("wrap returned no certificate id".into()))?;
    println!("    certificate {id}");
    certificate_line(ctx, &vault, id as u32)
}

/// The certificate's shares and hashrate, one line.
fn certificate_line(ctx: &Ctx, vault: &str, id: u32) -> Result<(), CliError> {
    let certificate = ctx.read(vault, "rig", vec![ScVal::U32(id)])?;
    let locked = field(&certificate, "shares").and_then(as_i128).unwrap_or(0);
    let rate = field(&certificate, "hashrate")
        .and_then(as_i128)
        .unwrap_or(0);
    println!("    locks {} shares: {}", shares(locked), hashrate(rate));
    Ok(())
}

fn rent(ctx: &Ctx, args: &RigRentArgs) -> Result<(), CliError> {
    let (m, vault) = vault(ctx)?;
    let id = parse_id(&args.id)?;
    let epochs = parse_u32("epochs", &args.epochs)?;
    let max_price = match &args.max_price {
        Some(text) => ctx.reward_amount(&m, "max-price", text)?,
        // The price as listed now: the renter agrees to what it saw, no more.
        None => match ctx.read(&vault, "listing", vec![ScVal::U32(id)])? {
            ScVal::Void => {
                return Err(CliError::Refused(format!(
                    "certificate {id} is not listed for rent"
                )))
            }
            listing => field(&listing, "price_per_epoch")
                .and_then(as_i128)
                .and_then(|p| p.checked_mul(i128::from(epochs)))
                .unwrap_or(i128::MAX),
        },
    };
    let source = ctx.ids.resolve(&args.source)?;
    ctx.send(
        &format!(
            "rent certificate {id} for {epochs} epochs, paying at most {}",
            ctx.reward_text(&m, max_price)?
        ),
        &source,
        &vault,
        "rent",
        vec![
            account_or_contract(&source.address())?,
            ScVal::U32(id),
            ScVal::U32(epochs),
            i128_val(max_price),
        ],
    )?;
    let until = as_u64(&ctx.read(&vault, "user_expires", vec![ScVal::U32(id)])?).unwrap_or(0);
    println!(
        "    {} receives the certificate's rewards until {}",
        args.source,
        utc(until)
    );
    // The split rule: a later settlement divides the time since the last one.
    println!(
        "    claim then (anyone may: `hashshare rig claim --id {id}`) to take exactly the rewards of the period"
    );
    Ok(())
}

fn show(ctx: &Ctx, id: u32) -> Result<(), CliError> {
    let (m, vault) = vault(ctx)?;
    let at = || vec![ScVal::U32(id)];
    let owner = as_address(&ctx.read(&vault, "owner_of", at())?).unwrap_or_default();
    let certificate = ctx.read(&vault, "rig", at())?;
    let rig = field(&certificate, "rig").cloned().unwrap_or(ScVal::Void);
    let locked = field(&certificate, "shares").and_then(as_i128).unwrap_or(0);
    let rate = field(&certificate, "hashrate")
        .and_then(as_i128)
        .unwrap_or(0);
    println!("certificate {id} of vault {vault}");
    println!("  owner      {}", ctx.name_of(&owner));
    println!(
        "  rig        {}, {} J/TH, serial {}, {}",
        text(field(&rig, "model")),
        field(&rig, "joules_per_th").and_then(as_u64).unwrap_or(0),
        text(field(&rig, "serial")),
        text(field(&rig, "location"))
    );
    println!("  shares     {} ({})", shares(locked), hashrate(rate));
    match as_address(&ctx.read(&vault, "user_of", at())?) {
        Some(user) => {
            let until = as_u64(&ctx.read(&vault, "user_expires", at())?).unwrap_or(0);
            println!("  user       {} until {}", ctx.name_of(&user), utc(until));
        }
        None => println!("  user       none (the owner receives the rewards)"),
    }
    match ctx.read(&vault, "listing", at())? {
        ScVal::Void => println!("  for rent   no"),
        listing => {
            let price = field(&listing, "price_per_epoch")
                .and_then(as_i128)
                .unwrap_or(0);
            let most = field(&listing, "max_epochs").and_then(as_u64).unwrap_or(0);
            println!(
                "  for rent   {} per epoch, up to {most} epochs",
                ctx.reward_text(&m, price)?
            );
        }
    }
    if let Some(approved) = as_address(&ctx.read(&vault, "get_approved", at())?) {
        println!("  approved   {}", ctx.name_of(&approved));
    }
    let (owners, users) = pair(&ctx.read(&vault, "accrued", at())?);
    println!(
        "  earned     {} for the owner, {} for the user (not yet paid)",
        ctx.reward_text(&m, owners)?,
        ctx.reward_text(&m, users)?
    );
    let uri = text(Some(&ctx.read(&vault, "token_uri", at())?));
    println!("  metadata   {}", metadata(&uri));
    Ok(())
}

/// The JSON of a `data:application/json;base64,` token URI, as one line (marketplaces read
/// the same); any other URI as it is.
fn metadata(uri: &str) -> String {
    use base64::Engine as _;
    let decoded = uri
        .strip_prefix("data:application/json;base64,")
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    match decoded {
        Some(json) => json.to_string(),
        None => uri.to_string(),
    }
}
