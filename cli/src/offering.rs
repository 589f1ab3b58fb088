//! The suite on any network over Stellar RPC: a resumable deployment. The three contracts are
//! uploaded (what is already there with the same code is kept), deployed with their
//! constructors under salts derived from the pool (the share token by the admin with the
//! operator's signed consent), the pool registered and the distributor wired; each step is
//! recorded in the deployment's manifest as soon as it lands, so a re-run resumes, and a
//! contract already at its derived address is taken rather than deployed twice. The rig-nft
//! vault of an offering is deployed the same way, later, by `deploy_vault`.
use std::{collections::BTreeMap, path::Path};

use sha2::{Digest, Sha256};
use stellar_xdr::{
    AlphaNum12, AlphaNum4, Asset, AssetCode12, AssetCode4, ContractIdPreimage, Hash,
    HashIdPreimage, HashIdPreimageContractId, HostFunction, Int128Parts, InvokeContractArgs,
    Limits, ScAddress, ScMap, ScMapEntry, ScString, ScSymbol, ScVal, ScVec, WriteXdr,
};

use crate::{
    client::{account_id, contract_address, Client, Consent, Sent},
    deployment::Locked,
    error::CliError,
    identity::Identity,
    wasm::Artifact,
};

/// A pool's attestation schedule, as the oracle's `PoolConfig` holds it; accounts are `G…`.
#[derive(Clone, Debug)]
pub struct Schedule {
    pub operator: String,
    pub reporters: Vec<String>,
    pub quorum: u32,
    pub epoch_seconds: u64,
    pub genesis: u64,
    pub dispute_seconds: u64,
    pub max_age_epochs: u64,
    pub capacity_epochs: u32,
}

impl Schedule {
    /// The oracle's `PoolConfig` (a contract type: a map keyed by field name, in order).
    pub fn config(&self) -> Result<ScVal, CliError> {
        let reporters = self
            .reporters
            .iter()
            .map(|r| account(r))
            .collect::<Result<Vec<_>, _>>()?;
        record(vec![
            ("operator", account(&self.operator)?),
            (
                "reporters",
                ScVal::Vec(Some(ScVec(reporters.try_into().expect("few")))),
            ),
            ("quorum", ScVal::U32(self.quorum)),
            ("epoch_seconds", ScVal::U64(self.epoch_seconds)),
            ("genesis", ScVal::U64(self.genesis)),
            ("dispute_seconds", ScVal::U64(self.dispute_seconds)),
            ("max_age_epochs", ScVal::U64(self.max_age_epochs)),
            ("capacity_epochs", ScVal::U32(self.capacity_epochs)),
        ])
    }
}

/// What an offering is deployed with; accounts are `G…` addresses.
#[derive(Clone, Debug)]
pub struct DeployParams {
    pub pool: String,
    pub schedule: Schedule,
    pub name: String,
    pub symbol: String,
    pub hashrate_per_share: i128,
    /// Seconds from genesis to maturity.
    pub term: u64,
    pub fee_bps: u32,
    pub fee_recipient: String,
    /// The reward asset's contract (`C…`); `None`: the native asset's.
    pub reward_token: Option<String>,
}

impl DeployParams {
    fn recorded(&self, admin: &str, reward_token: &str) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: String| m.insert(k.to_string(), v);
        put("admin", admin.to_string());
        let s = &self.schedule;
        put("pool", self.pool.clone());
        put("operator", s.operator.clone());
        put("reporters", s.reporters.join(","));
        put("quorum", s.quorum.to_string());
        put("epoch_seconds", s.epoch_seconds.to_string());
        put("genesis", s.genesis.to_string());
        put("dispute_seconds", s.dispute_seconds.to_string());
        put("max_age_epochs", s.max_age_epochs.to_string());
        put("capacity_epochs", s.capacity_epochs.to_string());
        put("name", self.name.clone());
        put("symbol", self.symbol.clone());
        put("hashrate_per_share", self.hashrate_per_share.to_string());
        put("term", self.term.to_string());
        put("fee_bps", self.fee_bps.to_string());
        put("fee_recipient", self.fee_recipient.clone());
        put("reward_token", reward_token.to_string());
        m
    }
}

pub fn symbol(s: &str) -> Result<ScVal, CliError> {
    Ok(ScVal::Symbol(ScSymbol(s.try_into().map_err(|_| {
        CliError::invalid("symbol", s, "at most 32 letters, digits and `_`")
    })?)))
}

pub fn string(s: &str) -> Result<ScVal, CliError> {
    Ok(ScVal::String(ScString(
        s.as_bytes()
            .to_vec()
            .try_into()
            .map_err(|_| CliError::invalid("text", s, "too long"))?,
    )))
}

pub fn account(address: &str) -> Result<ScVal, CliError> {
    Ok(ScVal::Address(ScAddress::Account(account_id(address)?)))
}

pub fn contract(id: &str) -> Result<ScVal, CliError> {
    Ok(ScVal::Address(contract_address(id)?))
}

pub fn i128_val(v: i128) -> ScVal {
    ScVal::I128(Int128Parts {
        hi: (v >> 64) as i64,
        lo: v as u64,
    })
}

/// A contract type: a map keyed by field name, in order.
pub fn record(fields: Vec<(&str, ScVal)>) -> Result<ScVal, CliError> {
    let mut entries = fields
        .into_iter()
        .map(|(k, v)| {
            Ok(ScMapEntry {
                key: symbol(k)?,
                val: v,
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(ScVal::Map(Some(ScMap(
        entries.try_into().expect("few fields"),
    ))))
}

pub fn call(contract: &str, function: &str, args: Vec<ScVal>) -> Result<HostFunction, CliError> {
    Ok(HostFunction::InvokeContract(InvokeContractArgs {
        contract_address: contract_address(contract)?,
        function_name: ScSymbol(function.try_into().expect("a function name")),
        args: args.try_into().expect("few arguments"),
    }))
}

/// The native asset's contract on the network of `passphrase`.
pub fn native_asset(passphrase: &str) -> String {
    asset_contract(passphrase, Asset::Native)
}

/// The address of `asset`'s Stellar Asset Contract on the network of `passphrase`.
pub fn asset_contract(passphrase: &str, asset: Asset) -> String {
    let preimage = HashIdPreimage::ContractId(HashIdPreimageContractId {
        network_id: Hash(Sha256::digest(passphrase.as_bytes()).into()),
        contract_id_preimage: ContractIdPreimage::Asset(asset),
    });
    let id: [u8; 32] = Sha256::digest(preimage.to_xdr(Limits::none()).expect("encodes")).into();
    stellar_strkey::Contract(id).to_string()
}

/// A classic asset as stellar-cli writes it: `native`, or `CODE:ISSUER` (a code of 1 to 12
/// letters and digits, the issuer's `G…` address).
pub fn parse_asset(text: &str) -> Result<Asset, CliError> {
    if text == "native" {
        return Ok(Asset::Native);
    }
    let bad = |why: &str| CliError::invalid("asset", text, why);
    let (code, issuer) = text
        .split_once(':')
        .ok_or_else(|| bad("expected `native` or CODE:ISSUER"))?;
    if code.is_empty() || code.len() > 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(bad("an asset code is 1 to 12 letters and digits"));
    }
    let issuer = account_id(issuer).map_err(|_| bad("the issuer is an account address (G…)"))?;
    let mut bytes = [0u8; 12];
    bytes[..code.len()].copy_from_slice(code.as_bytes());
    Ok(if code.len() <= 4 {
        Asset::CreditAlphanum4(AlphaNum4 {
            asset_code: AssetCode4(bytes[..4].try_into().expect("4 bytes")),
            issuer,
        })
    } else {
        Asset::CreditAlphanum12(AlphaNum12 {
            asset_code: AssetCode12(bytes),
            issuer,
        })
    })
}

/// Deploys (or resumes deploying) the suite; each step that sent a transaction, with what it
/// did.
pub fn deploy(
    client: &Client,
    locked: &mut Locked,
    wasm_dir: Option<&Path>,
    admin: &Identity,
    operator: &Identity,
    params: &DeployParams,
) -> Result<Vec<(String, Sent)>, CliError> {
    if operator.address() != params.schedule.operator {
        return Err(CliError::NeedsSignature {
            step: "deploying the share token".into(),
            signer: format!(
                "the operator {} (pass --sign-with NAME)",
                params.schedule.operator
            ),
        });
    }
    let reward_token = params
        .reward_token
        .clone()
        .unwrap_or_else(|| native_asset(&client.network.passphrase));
    locked.same_parameters(params.recorded(&admin.address(), &reward_token))?;
    let nonce = match locked.manifest.salt.clone() {
        Some(nonce) => nonce,
        None => {
            let mut bytes = [0u8; 16];
            getrandom::getrandom(&mut bytes)
                .map_err(|e| CliError::Network(format!("no randomness for the salts: {e}")))?;
            let nonce: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            locked.manifest.salt = Some(nonce.clone());
            locked.manifest.ledger = Some(client.latest_ledger()?);
            locked.save()?;
            nonce
        }
    };
    let mut steps = Vec::new();
    let mut hashes = BTreeMap::new();
    for name in ["pool_oracle", "share_token", "payout_distributor"] {
        hashes.insert(
            name,
            upload(client, locked, &mut steps, wasm_dir, admin, name)?,
        );
    }
    let at = Deployer {
        client,
        admin,
        nonce: &nonce,
        pool: &params.pool,
    };
    let deployed = |locked: &mut Locked,
                    steps: &mut Vec<(String, Sent)>,
                    name: &str,
                    args: Vec<ScVal>,
                    consent: Option<&Consent>| {
        at.contract(locked, steps, name, &hashes[name], args, consent)
    };
    let oracle = deployed(
        locked,
        &mut steps,
        "pool_oracle",
        vec![account(&admin.address())?],
        None,
    )?;
    // A wiring step that landed in an interrupted run is found on chain, not sent again.
    let registered = client
        .read(
            &admin.address(),
            call(&oracle, "pool", vec![symbol(&params.pool)?])?,
        )
        .is_ok();
    if registered && !locked.manifest.done.iter().any(|d| d == "pool_registered") {
        locked.manifest.done.push("pool_registered".into());
        locked.save()?;
    }
    if !locked.manifest.done.iter().any(|d| d == "pool_registered") {
        let config = params.schedule.config()?;
        let f = call(
            &oracle,
            "register_pool",
            vec![symbol(&params.pool)?, config],
        )?;
        steps.push(("register the pool".into(), client.invoke(admin, f, &[])?));
        locked.manifest.done.push("pool_registered".into());
        locked.save()?;
    }
    // The share token binds the pool with the operator's consent, signed by the operator.
    let token_args = vec![
        account(&admin.address())?,
        account(&params.schedule.operator)?,
        contract(&oracle)?,
        symbol(&params.pool)?,
        string(&params.name)?,
        string(&params.symbol)?,
        i128_val(params.hashrate_per_share),
        ScVal::U64(params.schedule.genesis.saturating_add(params.term)),
    ];
    // The operator's consent, asked by the oracle's `bind_token` inside the constructor.
    let consent = Consent {
        signer: operator,
        contract: contract_address(&oracle)?,
        function: "bind_token",
    };
    let token = deployed(
        locked,
        &mut steps,
        "share_token",
        token_args,
        Some(&consent),
    )?;
    let distributor_args = vec![
        account(&admin.address())?,
        contract(&token)?,
        contract(&reward_token)?,
        contract(&oracle)?,
        symbol(&params.pool)?,
        ScVal::U32(params.fee_bps),
        account(&params.fee_recipient)?,
    ];
    let distributor = deployed(
        locked,
        &mut steps,
        "payout_distributor",
        distributor_args,
        None,
    )?;
    locked
        .manifest
        .contracts
        .insert("reward_token".into(), reward_token);
    let set = client.read(&admin.address(), call(&token, "distributor", vec![])?)?;
    match set {
        ScVal::Void => {}
        ScVal::Address(a) if a == contract_address(&distributor)? => {
            if !locked.manifest.done.iter().any(|d| d == "distributor_set") {
                locked.manifest.done.push("distributor_set".into());
            }
        }
        other => {
            return Err(CliError::Refused(format!(
                "{token} already has another distributor: {other:?}"
            )))
        }
    }
    if !locked.manifest.done.iter().any(|d| d == "distributor_set") {
        let f = call(&token, "set_distributor", vec![contract(&distributor)?])?;
        steps.push(("set the distributor".into(), client.invoke(admin, f, &[])?));
        locked.manifest.done.push("distributor_set".into());
    }
    locked.save()?;
    Ok(steps)
}

/// Uploads contract `name`'s code unless this very code is on the network; its hash.
fn upload(
    client: &Client,
    locked: &mut Locked,
    steps: &mut Vec<(String, Sent)>,
    wasm_dir: Option<&Path>,
    admin: &Identity,
    name: &'static str,
) -> Result<Hash, CliError> {
    let artifact = Artifact::load(wasm_dir, name)?;
    let hash = Hash(Sha256::digest(&artifact.bytes).into());
    if !client.code_exists(&hash)? {
        let (_, sent) = client.upload(admin, &artifact.bytes)?;
        steps.push((format!("upload {name}"), sent));
    }
    locked
        .manifest
        .wasm_hashes
        .insert(name.into(), artifact.sha256());
    locked.save()?;
    Ok(hash)
}

/// Deploys the contracts of one deployment, each at an address derived from the deployment's
/// salt, the pool and its name.
struct Deployer<'a> {
    client: &'a Client,
    admin: &'a Identity,
    nonce: &'a str,
    pool: &'a str,
}

impl Deployer<'_> {
    fn salt(&self, name: &str) -> [u8; 32] {
        Sha256::digest(format!("hashshare {} {} {name}", self.nonce, self.pool).as_bytes()).into()
    }

    /// Contract `name`: the one at its derived address if it exists (and runs `code`), else
    /// deployed now; recorded in the manifest.
    fn contract(
        &self,
        locked: &mut Locked,
        steps: &mut Vec<(String, Sent)>,
        name: &str,
        code: &Hash,
        args: Vec<ScVal>,
        consent: Option<&Consent>,
    ) -> Result<String, CliError> {
        let (client, admin) = (self.client, self.admin);
        let at = client.contract_id_of(admin, self.salt(name));
        if !client.contract_exists(&at)? {
            let (_, sent) = client.deploy(admin, code, self.salt(name), args, consent)?;
            steps.push((format!("deploy {name}"), sent));
        } else {
            // Ours from an interrupted run: taken only if it runs this build's code.
            let running = client.wasm_hash_of(&at)?;
            let built: String = code.0.iter().map(|b| format!("{b:02x}")).collect();
            if running != built {
                return Err(CliError::Refused(format!(
                    "{name} {at} runs code {running}, not this build's {built}: deploy this \
                     build with a new --manifest"
                )));
            }
        }
        locked.manifest.contracts.insert(name.into(), at.clone());
        locked.save()?;
        Ok(at)
    }
}

/// The rig-nft vault's name, symbol and metadata base URI.
#[derive(Clone, Debug)]
pub struct VaultParams {
    pub name: String,
    pub symbol: String,
    pub base_uri: String,
}

/// Deploys (or resumes deploying) the rig-nft vault of the manifest's offering; the steps that
/// sent a transaction. Its parameters are recorded (`rig_*`) and a re-run with others refused.
pub fn deploy_vault(
    client: &Client,
    locked: &mut Locked,
    wasm_dir: Option<&Path>,
    admin: &Identity,
    params: &VaultParams,
) -> Result<Vec<(String, Sent)>, CliError> {
    let m = &locked.manifest;
    let (Some(token), Some(distributor), Some(nonce), Some(pool)) = (
        m.contracts.get("share_token").cloned(),
        m.contracts.get("payout_distributor").cloned(),
        m.salt.clone(),
        m.parameters.get("pool").cloned(),
    ) else {
        return Err(CliError::NotDeployed);
    };
    if m.parameters.get("admin") != Some(&admin.address()) {
        return Err(CliError::Refused(format!(
            "the vault is deployed by the offering's admin {}, not {}",
            m.parameters.get("admin").map_or("?", String::as_str),
            admin.address()
        )));
    }
    locked.add_parameters(BTreeMap::from([
        ("rig_name".to_string(), params.name.clone()),
        ("rig_symbol".to_string(), params.symbol.clone()),
        ("rig_base_uri".to_string(), params.base_uri.clone()),
    ]))?;
    let mut steps = Vec::new();
    let code = upload(client, locked, &mut steps, wasm_dir, admin, "rig_nft")?;
    let args = vec![
        account(&admin.address())?,
        contract(&token)?,
        contract(&distributor)?,
        string(&params.name)?,
        string(&params.symbol)?,
        string(&params.base_uri)?,
    ];
    let at = Deployer {
        client,
        admin,
        nonce: &nonce,
        pool: &pool,
    };
    at.contract(locked, &mut steps, "rig_nft", &code, args, None)?;
    Ok(steps)
}

/// The hashrate-lease market's parameters; accounts and the token as addresses.
#[derive(Clone, Debug)]
pub struct MarketParams {
    pub payment_token: String,
    pub fee_bps: u32,
    pub fee_recipient: String,
}

/// Deploys (or resumes deploying) the lease market on the manifest's oracle and allows it to
/// register delivery pools (the oracle's admin signs both); the steps that sent a transaction.
pub fn deploy_market(
    client: &Client,
    locked: &mut Locked,
    wasm_dir: Option<&Path>,
    admin: &Identity,
    params: &MarketParams,
) -> Result<Vec<(String, Sent)>, CliError> {
    let m = &locked.manifest;
    let (Some(oracle), Some(nonce), Some(pool)) = (
        m.contracts.get("pool_oracle").cloned(),
        m.salt.clone(),
        m.parameters.get("pool").cloned(),
    ) else {
        return Err(CliError::NotDeployed);
    };
    if m.parameters.get("admin") != Some(&admin.address()) {
        return Err(CliError::Refused(format!(
            "the market is deployed by the oracle's admin {}, not {}",
            m.parameters.get("admin").map_or("?", String::as_str),
            admin.address()
        )));
    }
    locked.add_parameters(BTreeMap::from([
        (
            "lease_payment_token".to_string(),
            params.payment_token.clone(),
        ),
        ("lease_fee_bps".to_string(), params.fee_bps.to_string()),
        (
            "lease_fee_recipient".to_string(),
            params.fee_recipient.clone(),
        ),
    ]))?;
    let mut steps = Vec::new();
    let code = upload(
        client,
        locked,
        &mut steps,
        wasm_dir,
        admin,
        "hashrate_lease",
    )?;
    let args = vec![
        account(&admin.address())?,
        contract(&oracle)?,
        contract(&params.payment_token)?,
        ScVal::U32(params.fee_bps),
        account(&params.fee_recipient)?,
    ];
    let at = Deployer {
        client,
        admin,
        nonce: &nonce,
        pool: &pool,
    };
    let market = at.contract(locked, &mut steps, "hashrate_lease", &code, args, None)?;
    locked
        .manifest
        .contracts
        .insert("payment_token".into(), params.payment_token.clone());
    locked.save()?;
    let allowed = client.read(
        &admin.address(),
        call(&oracle, "is_registrar", vec![contract(&market)?])?,
    )?;
    if allowed != ScVal::Bool(true) {
        let f = call(
            &oracle,
            "set_registrar",
            vec![contract(&market)?, ScVal::Bool(true)],
        )?;
        steps.push((
            "allow the market to register delivery pools".into(),
            client.invoke(admin, f, &[])?,
        ));
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{client::tests::serve, identity::Identities};

    #[test]
    fn the_suite_deploys_over_rpc_resumes_and_refuses_changed_parameters() {
        let (_node, network) = serve();
        let config = tempfile::tempdir().unwrap();
        let identities = Identities::at(config.path());
        let admin = identities.generate("admin", false).unwrap();
        let operator = identities.generate("operator", false).unwrap();
        let client = Client::connect(&network).unwrap();
        client.fund(&admin.address()).unwrap();
        client.fund(&operator.address()).unwrap();
        let reporters: Vec<String> = (0..3)
            .map(|i| {
                identities
                    .generate(&format!("r{i}"), false)
                    .unwrap()
                    .address()
            })
            .collect();
        let params = DeployParams {
            pool: "rpc_pool".into(),
            schedule: Schedule {
                operator: operator.address(),
                reporters,
                quorum: 3,
                epoch_seconds: 86_400,
                genesis: 1_800_000_000,
                dispute_seconds: 3_600,
                max_age_epochs: 2,
                capacity_epochs: 7,
            },
            name: "RPC hashrate".into(),
            symbol: "RPCH".into(),
            hashrate_per_share: 1_000_000_000_000,
            term: 365 * 86_400,
            fee_bps: 500,
            fee_recipient: admin.address(),
            reward_token: None,
        };
        let built = crate::wasm::built_dir();
        let wasm = Some(built.as_path());
        let manifest = config.path().join("deployments/local.json");
        let mut locked = Locked::open(&manifest, "local", &network.passphrase).unwrap();
        let steps = deploy(&client, &mut locked, wasm, &admin, &operator, &params).unwrap();
        let names: Vec<&str> = steps.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names.len(), 8, "{names:?}");
        assert!(steps.iter().all(|(_, sent)| sent.fee_charged > 100));
        let token = locked.manifest.contracts["share_token"].clone();
        let name = client
            .read(&admin.address(), call(&token, "name", vec![]).unwrap())
            .unwrap();
        assert_eq!(name, string("RPC hashrate").unwrap());
        assert_eq!(
            locked.manifest.contracts["reward_token"],
            native_asset(&network.passphrase)
        );
        drop(locked);

        // A re-run sends nothing; changed parameters are refused.
        let mut locked = Locked::open(&manifest, "local", &network.passphrase).unwrap();
        let again = deploy(&client, &mut locked, wasm, &admin, &operator, &params).unwrap();
        assert!(
            again.is_empty(),
            "{:?}",
            again.iter().map(|s| &s.0).collect::<Vec<_>>()
        );
        let changed = DeployParams {
            fee_bps: 300,
            ..params.clone()
        };
        let refused = deploy(&client, &mut locked, wasm, &admin, &operator, &changed).unwrap_err();
        assert_eq!(refused.exit_code(), crate::error::EXIT_INPUT, "{refused}");

        // Without the operator's identity the share token cannot be deployed.
        let stranger = identities.generate("stranger", false).unwrap();
        let refused = deploy(&client, &mut locked, wasm, &admin, &stranger, &params).unwrap_err();
        assert!(
            matches!(refused, CliError::NeedsSignature { .. }),
            "{refused}"
        );
    }
}
