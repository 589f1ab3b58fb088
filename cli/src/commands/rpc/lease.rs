//! `hashshare lease …`: hashrate rented by the epoch (hashrate-lease) over RPC. Amounts are in
//! the payment asset's own decimals; hashrate with its unit.
use std::path::Path;

use stellar_xdr::{ScVal, ScVec};

use crate::{
    cli::{LeaseCommand, LeaseDeployArgs, LeaseOfferArgs, LeaseRentArgs},
    deployment::{Locked, Manifest},
    error::CliError,
    offering::{self, account, i128_val, record, symbol, MarketParams},
    output,
    units::{decimal, hashrate, parse_amount, parse_hashrate},
};

use super::{as_address, as_i128, as_u64, as_vec, field, parse_u32, parse_u64, Ctx};

/// H/s in one TH/s: offers are priced per TH/s per epoch.
const TH: i128 = 1_000_000_000_000;

pub fn source(command: &LeaseCommand) -> Option<&str> {
    match command {
        LeaseCommand::Deploy(a) => Some(&a.source),
        LeaseCommand::Offer(a) => Some(&a.source),
        LeaseCommand::Withdraw(a) | LeaseCommand::Settle(a) | LeaseCommand::Close(a) => {
            Some(&a.source)
        }
        LeaseCommand::Rent(a) => Some(&a.source),
        LeaseCommand::Show { .. } => None,
    }
}

pub fn run(ctx: &Ctx, command: &LeaseCommand, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    match command {
        LeaseCommand::Deploy(args) => deploy(ctx, args, wasm_dir),
        LeaseCommand::Offer(args) => offer(ctx, args),
        LeaseCommand::Withdraw(args) => {
            let (_, market) = market(ctx)?;
            let id = parse_u64("offer id", &args.id)?;
            ctx.send(
                &format!("withdraw offer {id}"),
                &ctx.ids.resolve(&args.source)?,
                &market,
                "withdraw_offer",
                vec![ScVal::U64(id)],
            )?;
            Ok(())
        }
        LeaseCommand::Rent(args) => rent(ctx, args),
        LeaseCommand::Settle(args) => {
            let (m, market) = market(ctx)?;
            let id = parse_u64("lease id", &args.id)?;
            let sent = ctx.send(
                &format!("settle lease {id}"),
                &ctx.ids.resolve(&args.source)?,
                &market,
                "settle",
                vec![ScVal::U64(id)],
            )?;
            let (paid, refunded) = sent.return_value.as_ref().map(pair).unwrap_or_default();
            println!(
                "    paid {} to the provider (the market's fee out of it), refunded {} to the renter",
                amount(ctx, &m, paid)?,
                amount(ctx, &m, refunded)?
            );
            Ok(())
        }
        LeaseCommand::Close(args) => {
            let (_, market) = market(ctx)?;
            let id = parse_u64("lease id", &args.id)?;
            ctx.send(
                &format!("close lease {id}"),
                &ctx.ids.resolve(&args.source)?,
                &market,
                "close",
                vec![ScVal::U64(id)],
            )?;
            Ok(())
        }
        LeaseCommand::Show { id, offer } => match (id, offer) {
            (Some(id), None) => show_lease(ctx, parse_u64("lease id", id)?),
            (None, Some(offer)) => show_offer(ctx, parse_u64("offer id", offer)?),
            _ => Err(CliError::invalid(
                "arguments",
                "",
                "give --id LEASE or --offer OFFER",
            )),
        },
    }
}

/// The manifest and the market's id.
fn market(ctx: &Ctx) -> Result<(Manifest, String), CliError> {
    let m = ctx.manifest()?;
    let market = m.contracts.get("hashrate_lease").cloned().ok_or_else(|| {
        CliError::Refused(
            "no lease market in this deployment: run `hashshare lease deploy` first".into(),
        )
    })?;
    Ok((m, market))
}

fn payment_token(m: &Manifest) -> Result<String, CliError> {
    m.contracts
        .get("payment_token")
        .cloned()
        .ok_or(CliError::NotDeployed)
}

/// An amount of the payment asset given on the command line, in base units.
fn parse_payment(
    ctx: &Ctx,
    m: &Manifest,
    what: &'static str,
    text: &str,
) -> Result<i128, CliError> {
    let (decimals, _) = ctx.asset(&payment_token(m)?)?;
    parse_amount(what, text, decimals, ctx.base_units)
}

/// Base units of the payment asset in its decimals and symbol.
fn amount(ctx: &Ctx, m: &Manifest, base_units: i128) -> Result<String, CliError> {
    let (decimals, name) = ctx.asset(&payment_token(m)?)?;
    Ok(format!("{} {name}", decimal(base_units, decimals)))
}

fn pair(value: &ScVal) -> (i128, i128) {
    match as_vec(value) {
        [a, b] => (as_i128(a).unwrap_or(0), as_i128(b).unwrap_or(0)),
        _ => (0, 0),
    }
}

fn deploy(ctx: &Ctx, args: &LeaseDeployArgs, wasm_dir: Option<&Path>) -> Result<(), CliError> {
    let network = &ctx.client.network;
    let admin = ctx.ids.resolve(&args.source)?;
    let payment_token = super::asset_token(
        ctx,
        &admin,
        &args.payment_asset,
        args.payment_token.as_deref(),
    )?;
    let params = MarketParams {
        payment_token,
        fee_bps: parse_u32("fee-bps", &args.fee_bps)?,
        fee_recipient: ctx.ids.address_of(&args.fee_recipient)?,
    };
    let mut locked = Locked::open(&ctx.manifest_path, &network.name, &network.passphrase)?;
    let steps = offering::deploy_market(&ctx.client, &mut locked, wasm_dir, &admin, &params)?;
    for (step, sent) in &steps {
        output::sent(step, sent);
    }
    if steps.is_empty() {
        println!("deployed already: nothing to send");
    }
    println!(
        "{:<20} {}",
        "hashrate_lease", locked.manifest.contracts["hashrate_lease"]
    );
    Ok(())
}

fn offer(ctx: &Ctx, args: &LeaseOfferArgs) -> Result<(), CliError> {
    let (m, market) = market(ctx)?;
    let provider = ctx.ids.resolve(&args.source)?;
    let validators = args
        .validators
        .iter()
        .map(|v| account(&ctx.ids.address_of(v)?))
        .collect::<Result<Vec<_>, _>>()?;
    let rate = parse_hashrate(&args.hashrate)?;
    let price = parse_payment(ctx, &m, "price", &args.price)?;
    let terms = record(vec![
        ("provider", account(&provider.address())?),
        ("pool", symbol(&super::super::parse_pool(&args.pool)?)?),
        ("hashrate", i128_val(rate)),
        ("price_per_th_epoch", i128_val(price)),
        (
            "min_epochs",
            ScVal::U32(parse_u32("min-epochs", &args.min_epochs)?),
        ),
        (
            "max_epochs",
            ScVal::U32(parse_u32("max-epochs", &args.max_epochs)?),
        ),
        (
            "validators",
            ScVal::Vec(Some(ScVec(
                validators
                    .try_into()
                    .map_err(|_| CliError::invalid("validators", "", "at most 16"))?,
            ))),
        ),
        ("quorum", ScVal::U32(parse_u32("quorum", &args.quorum)?)),
        ("version", ScVal::U32(0)),
    ])?;
    let what = format!(
        "{} of {} at {} per TH/s per epoch",
        hashrate(rate),
        args.pool,
        amount(ctx, &m, price)?
    );
    match &args.id {
        None => {
            let sent = ctx.send(
                &format!("offer {what}"),
                &provider,
                &market,
                "post_offer",
                vec![account(&provider.address())?, terms],
            )?;
            let id = sent.return_value.as_ref().and_then(as_u64).unwrap_or(0);
            println!("    offer {id}, version 1");
        }
        Some(id) => {
            let id = parse_u64("offer id", id)?;
            ctx.send(
                &format!("new terms for offer {id}: {what}"),
                &provider,
                &market,
                "update_offer",
                vec![ScVal::U64(id), terms],
            )?;
            let offer = ctx.read(&market, "get_offer", vec![ScVal::U64(id)])?;
            let version = field(&offer, "version").and_then(as_u64).unwrap_or(0);
            println!("    offer {id}, version {version}");
        }
    }
    Ok(())
}

fn rent(ctx: &Ctx, args: &LeaseRentArgs) -> Result<(), CliError> {
    let (m, market) = market(ctx)?;
    let offer_id = parse_u64("offer id", &args.offer)?;
    let rate = parse_hashrate(&args.hashrate)?;
    let epochs = parse_u32("epochs", &args.epochs)?;
    // The terms as read now: their version goes with the rent, so changed terms refuse it.
    let offer = match ctx.read(&market, "get_offer", vec![ScVal::U64(offer_id)])? {
        ScVal::Void => {
            return Err(CliError::Refused(format!(
                "offer {offer_id} does not exist (or was withdrawn)"
            )))
        }
        offer => offer,
    };
    let version = field(&offer, "version").and_then(as_u64).unwrap_or(0) as u32;
    let per_th = field(&offer, "price_per_th_epoch")
        .and_then(as_i128)
        .unwrap_or(0);
    // As the market computes it: rounded up per epoch.
    let per_epoch = per_th
        .checked_mul(rate)
        .map(|p| (p + TH - 1) / TH)
        .unwrap_or(i128::MAX);
    let max_price = match &args.max_price {
        Some(text) => parse_payment(ctx, &m, "max-price", text)?,
        None => per_epoch.saturating_mul(i128::from(epochs)),
    };
    let renter = ctx.ids.resolve(&args.source)?;
    let sent = ctx.send(
        &format!(
            "rent {} from offer {offer_id} (version {version}) for {epochs} epochs, escrowing at most {}",
            hashrate(rate),
            amount(ctx, &m, max_price)?
        ),
        &renter,
        &market,
        "rent",
        vec![
            account(&renter.address())?,
            ScVal::U64(offer_id),
            i128_val(rate),
            ScVal::U32(epochs),
            i128_val(max_price),
            ScVal::U32(version),
        ],
    )?;
    let id = sent.return_value.as_ref().and_then(as_u64).unwrap_or(0);
    let lease = ctx.read(&market, "get_lease", vec![ScVal::U64(id)])?;
    let first = field(&lease, "first_epoch").and_then(as_u64).unwrap_or(0);
    let delivery = match field(&lease, "delivery_pool") {
        Some(ScVal::Symbol(s)) => String::from_utf8_lossy(s.0.as_slice()).into_owned(),
        _ => String::new(),
    };
    println!(
        "    lease {id}: epochs {first} to {}, delivery attested on pool {delivery} (`report submit --pool {delivery}`)",
        first + u64::from(epochs) - 1
    );
    Ok(())
}

fn show_offer(ctx: &Ctx, id: u64) -> Result<(), CliError> {
    let (m, market) = market(ctx)?;
    let offer = match ctx.read(&market, "get_offer", vec![ScVal::U64(id)])? {
        ScVal::Void => return Err(CliError::Refused(format!("offer {id} does not exist"))),
        offer => offer,
    };
    let of = |k| field(&offer, k);
    let validators: Vec<String> = of("validators")
        .map(as_vec)
        .unwrap_or_default()
        .iter()
        .filter_map(as_address)
        .map(|a| ctx.name_of(&a))
        .collect();
    println!(
        "offer {id} (version {})",
        of("version").and_then(as_u64).unwrap_or(0)
    );
    println!(
        "  provider   {}",
        ctx.name_of(&of("provider").and_then(as_address).unwrap_or_default())
    );
    println!(
        "  hashrate   up to {} of pool {}",
        hashrate(of("hashrate").and_then(as_i128).unwrap_or(0)),
        match of("pool") {
            Some(ScVal::Symbol(s)) => String::from_utf8_lossy(s.0.as_slice()).into_owned(),
            _ => String::new(),
        }
    );
    println!(
        "  price      {} per TH/s per epoch, {} to {} epochs",
        amount(
            ctx,
            &m,
            of("price_per_th_epoch").and_then(as_i128).unwrap_or(0)
        )?,
        of("min_epochs").and_then(as_u64).unwrap_or(0),
        of("max_epochs").and_then(as_u64).unwrap_or(0)
    );
    println!(
        "  validators {} (quorum {})",
        validators.join(", "),
        of("quorum").and_then(as_u64).unwrap_or(0)
    );
    Ok(())
}

fn show_lease(ctx: &Ctx, id: u64) -> Result<(), CliError> {
    let (m, market) = market(ctx)?;
    let lease = match ctx.read(&market, "get_lease", vec![ScVal::U64(id)])? {
        ScVal::Void => return Err(CliError::Refused(format!("lease {id} does not exist"))),
        lease => lease,
    };
    let of = |k| field(&lease, k);
    let number = |k| of(k).and_then(as_u64).unwrap_or(0);
    let money = |k| of(k).and_then(as_i128).unwrap_or(0);
    let (first, epochs, settled) = (
        number("first_epoch"),
        number("epochs"),
        number("settled_epochs"),
    );
    let leased = money("hashrate");
    let provider = of("provider").and_then(as_address).unwrap_or_default();
    let delivery = match of("delivery_pool") {
        Some(ScVal::Symbol(s)) => String::from_utf8_lossy(s.0.as_slice()).into_owned(),
        _ => String::new(),
    };
    println!(
        "lease {id} of offer {}{}",
        number("offer_id"),
        if of("closed") == Some(&ScVal::Bool(true)) {
            " (closed by the renter)"
        } else {
            ""
        }
    );
    println!("  provider   {}", ctx.name_of(&provider));
    println!(
        "  renter     {}",
        ctx.name_of(&of("renter").and_then(as_address).unwrap_or_default())
    );
    println!(
        "  hashrate   {} for epochs {first} to {}, {} an epoch",
        hashrate(leased),
        first + epochs.max(1) - 1,
        amount(ctx, &m, money("price_per_epoch"))?
    );
    println!(
        "  settled    {settled} of {epochs} epochs: paid {} (fee {}), refunded {}",
        amount(ctx, &m, money("paid"))?,
        amount(ctx, &m, money("fees"))?,
        amount(ctx, &m, money("refunded"))?
    );
    let oracle = ctx.id(&m, "pool_oracle")?;
    for epoch in first..first + settled {
        let report = ctx.read(
            &oracle,
            "report",
            vec![symbol(&delivery)?, ScVal::U64(epoch)],
        )?;
        let delivered = field(&report, "hashrate").and_then(as_i128);
        println!(
            "    epoch {epoch}: {}",
            match delivered {
                Some(d) if d >= leased => format!("delivered {} (in full)", hashrate(d)),
                Some(d) => format!("delivered {} of {} (short)", hashrate(d), hashrate(leased)),
                None => "no report by its deadline: undelivered".to_string(),
            }
        );
    }
    let record = ctx.read(&market, "provider_record", vec![account(&provider)?])?;
    let (full, short) = match as_vec(&record) {
        [a, b] => (as_u64(a).unwrap_or(0), as_u64(b).unwrap_or(0)),
        _ => (0, 0),
    };
    println!("  provider's record: {full} epochs delivered in full, {short} short");
    Ok(())
}
