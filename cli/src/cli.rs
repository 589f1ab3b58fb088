//! The command line. Numbers and amounts are taken as text and parsed by [`crate::units`], so
//! a malformed one is reported in one line (exit code 2).
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::networks::NetworkArgs;

#[derive(Parser, Debug)]
#[command(
    name = "hashshare",
    version,
    about = "Tokenized Bitcoin-mining hashrate on Stellar Soroban: one Stellar RPC client for every \
network (hashshare node, testnet, mainnet), the local node itself, and a demo"
)]
pub struct Cli {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// stellar-cli's config directory, where identities are kept (default: as stellar-cli
    /// finds it: STELLAR_CONFIG_HOME, else $XDG_CONFIG_HOME/stellar, else ~/.config/stellar).
    #[arg(long, global = true, env = "STELLAR_CONFIG_HOME")]
    pub config_dir: Option<PathBuf>,
    /// Where the compiled contracts are (default: those built into this binary; else
    /// target/wasm, written by scripts/build.sh).
    #[arg(long, global = true)]
    pub wasm_dir: Option<PathBuf>,
    /// The deployment manifest on a Stellar network (default: deployments/<network>.json).
    #[arg(long, global = true)]
    pub manifest: Option<PathBuf>,
    /// Another identity whose authorization the call needs (e.g. the operator's consent when
    /// the admin deploys the share token); may be repeated.
    #[arg(long, global = true, value_name = "NAME")]
    pub sign_with: Vec<String>,
    /// Amounts (shares and reward asset) are whole base units (e.g. stroops) instead of
    /// decimal units of the asset's own decimals (`2.5`).
    #[arg(long, global = true)]
    pub base_units: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Identities, in stellar-cli's files: made by either tool, they sign in both.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The whole offering on an in-process node through this client, with real signatures,
    /// each step's fee and the books' conservation check.
    Demo,
    /// Deploys the suite: the three contracts, the reward asset, the pool and the wiring.
    Deploy(DeployArgs),
    /// Pools of the oracle.
    Pool {
        #[command(subcommand)]
        command: PoolCommand,
    },
    /// Reporters' attestations.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Mints reward asset to an account (signed by the asset's admin).
    Fund(TransferArgs),
    /// Mints shares (signed by the operator; capped by the sustained capacity). A mint while
    /// streams run pays their top-up, grossed up by the distributor's fee, taken on the
    /// operator's allowance to the distributor.
    Mint(TransferArgs),
    /// Transfers shares from --source to --to.
    Transfer(TransferArgs),
    /// Records every unrecorded epoch up to --epoch (epochs are recorded in order), fixing
    /// what each owes. Anyone may record; --source signs (and on testnet pays) the call.
    Record(RecordArgs),
    /// Pays reward asset from --source towards an epoch's debt, recording every earlier
    /// unrecorded epoch first; what the debt does not need is sent back.
    Deposit(DepositArgs),
    /// Pays a holder's accrued rewards to the holder.
    Claim(ClaimArgs),
    /// One epoch: its attestation round or report, and what it owes and what is paid.
    Epoch(EpochArgs),
    /// Pays the fees accrued in the distributor to the fee recipient (signed by it).
    WithdrawFees(SourceArgs),
    /// Names a new fee recipient (signed by the distributor's admin); fees not yet withdrawn
    /// become the new recipient's.
    SetFeeRecipient(SetFeeRecipientArgs),
    /// Adds a trustline to the reward asset (a classic `CODE:ISSUER` asset), which an account
    /// needs to hold it: the operator before it is funded, an investor before claiming.
    Trust(TrustArgs),
    /// Renews the operator's reward-asset allowance to the distributor, which pays mint
    /// top-ups (signed by the operator; `deploy` gives it once).
    ApproveTopups(SourceArgs),
    /// Rig certificates (rig-nft): NFTs that lock shares, earn what they earn, trade and rent.
    Rig {
        #[command(subcommand)]
        command: RigCommand,
    },
    /// Hashrate leases (hashrate-lease): hashrate rented by the epoch, paid by attested delivery.
    Lease {
        #[command(subcommand)]
        command: LeaseCommand,
    },
    /// The contracts, the pool, supply, sold and sustained hashrate, arrears, every known
    /// holder and the books' conservation line.
    Status,
    /// Moves the clock of a `hashshare node --dev-time` forward (e.g. `25h`, `1d`, `3600`).
    AdvanceTime {
        /// Seconds, or a number with s, m, h or d.
        duration: String,
    },
    /// Compares each deployed contract's code with the local build.
    Verify,
    /// Serves the web app (investors claim from their wallet; miners and reporters work in a
    /// browser) for the network's deployment: the app's files and a config.json of the
    /// network's RPC and the deployment's contract ids.
    App(AppArgs),
    /// Runs a local Stellar network served over Stellar RPC (stellar-cli, the JS SDK and
    /// wallets use it like testnet), keeping its ledgers in `--dir`/node.sqlite.
    Node(NodeArgs),
}

#[derive(Args, Debug)]
pub struct AppArgs {
    /// The port to serve on (0: any free port).
    #[arg(long, default_value_t = 4173)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Serve the app from this directory (a build of app/) instead of the one built into the
    /// binary.
    #[arg(long, value_name = "DIR")]
    pub app_dir: Option<PathBuf>,
    /// Dev only: offer a wallet that signs with a secret key the page is given (what browser
    /// tests connect). Never for a real offering.
    #[arg(long)]
    pub test_wallet: bool,
}

#[derive(Args, Debug)]
pub struct NodeArgs {
    /// Where the node keeps its ledgers (node.sqlite).
    #[arg(long, default_value = ".hashshare")]
    pub dir: PathBuf,
    /// The port of JSON-RPC (at `/`, `/rpc` and `/soroban/rpc`) and of friendbot.
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Seconds between ledgers while no transaction waits (one closes as soon as one does,
    /// at most one a second).
    #[arg(long, default_value_t = 5)]
    pub ledger_seconds: u64,
    /// The shortest TTL of a persistent entry, in ledgers (testnet's by default; small values
    /// let entries be archived within a test).
    #[arg(long, default_value_t = 120_960)]
    pub min_persistent_ttl: u32,
    /// Keeps the network in memory only (nothing written to --dir).
    #[arg(long)]
    pub ephemeral: bool,
    /// Dev only: serves the JSON-RPC method `hashshare_advanceTime {"seconds": N}`, which moves
    /// the network's clock forward, and closes a ledger as soon as a transaction waits (clients
    /// must then take time bounds from the node's latest close time, not their own clock).
    #[arg(long)]
    pub dev_time: bool,
    /// Lets a ledger take every waiting transaction. By default a ledger takes what testnet's
    /// ledger-wide limits allow (100 Soroban transactions, 250 entries written, 500M
    /// instructions, …) and the rest wait for the next ones.
    #[arg(long)]
    pub no_ledger_limits: bool,
    /// Starts a new network (an empty --dir, or --ephemeral) from this soroban-ledger-snapshot
    /// JSON file, e.g. one written by `--export-snapshot` or by a test's `Env`.
    #[arg(long, value_name = "FILE")]
    pub import_snapshot: Option<PathBuf>,
    /// Writes the state of the network in --dir as a soroban-ledger-snapshot JSON file (for
    /// `Env::from_ledger_snapshot_file` in a Rust test) and exits.
    #[arg(long, value_name = "FILE")]
    pub export_snapshot: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Makes an identity from a new 24-word seed phrase (stellar-cli's format).
    Generate {
        /// The identity's name.
        name: String,
        /// Replace an identity of that name.
        #[arg(long)]
        overwrite: bool,
        /// Fund the new account through the network's friendbot.
        #[arg(long)]
        fund: bool,
    },
    /// Prints an identity's account address (G…).
    Address {
        /// The identity's name (or a secret key).
        name: String,
    },
    /// Lists the identities.
    Ls,
    /// Funds an identity's account through the network's friendbot.
    Fund {
        /// The identity's name.
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum LeaseCommand {
    /// Deploys the lease market on the deployment's oracle and allows it to register delivery
    /// pools (signed by the oracle's admin); resumable.
    Deploy(LeaseDeployArgs),
    /// Offers hashrate of a pool --source operates (with --id: new terms for that offer, its
    /// version one more); prints the offer's id.
    Offer(LeaseOfferArgs),
    /// Takes an offer down; running leases continue.
    Withdraw(LeaseIdArgs),
    /// Rents hashrate from an offer from the next epoch on, escrowing the price of the offer's
    /// version as read now; prints the lease's id and its delivery pool.
    Rent(LeaseRentArgs),
    /// Settles a lease's ended epochs (anyone may): the provider is paid for what was
    /// delivered, the renter refunded the rest.
    Settle(LeaseIdArgs),
    /// Ends a lease after repeated under-delivery (the renter): every epoch not begun refunded.
    Close(LeaseIdArgs),
    /// A lease (or with --offer, an offer): terms, epochs, what was delivered, paid, refunded.
    Show {
        /// The lease's id.
        #[arg(long)]
        id: Option<String>,
        /// An offer's id instead.
        #[arg(long)]
        offer: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct LeaseDeployArgs {
    /// The oracle's admin.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The escrow's asset: `native` or `CODE:ISSUER` (e.g. a stablecoin; its Stellar Asset
    /// Contract is deployed first if it is not yet).
    #[arg(long, default_value = "native")]
    pub payment_asset: String,
    /// Instead of --payment-asset: any SEP-41 token's contract id (C…).
    #[arg(long)]
    pub payment_token: Option<String>,
    /// The market's fee, basis points of what providers are paid (at most 2000).
    #[arg(long, default_value = "100")]
    pub fee_bps: String,
    #[arg(long, default_value = "fee")]
    pub fee_recipient: String,
}

#[derive(Args, Debug)]
pub struct LeaseOfferArgs {
    /// The provider: the operator of --pool.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// Update this offer instead of posting a new one.
    #[arg(long)]
    pub id: Option<String>,
    /// The source pool on the oracle.
    #[arg(long)]
    pub pool: String,
    /// The most hashrate one lease may take, with its unit (e.g. 200TH).
    #[arg(long)]
    pub hashrate: String,
    /// The price of 1 TH/s for one epoch, in the payment asset (e.g. 0.05; see --base-units).
    #[arg(long)]
    pub price: String,
    #[arg(long, default_value = "1")]
    pub min_epochs: String,
    #[arg(long, default_value = "30")]
    pub max_epochs: String,
    /// Who attests each lease's delivery, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub validators: Vec<String>,
    /// How many validators must agree: an honest majority.
    #[arg(long, default_value = "3")]
    pub quorum: String,
}

#[derive(Args, Debug)]
pub struct LeaseIdArgs {
    /// Who signs: the provider (withdraw), anyone (settle), the renter (close).
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The offer's (withdraw) or the lease's id.
    #[arg(long)]
    pub id: String,
}

#[derive(Args, Debug)]
pub struct LeaseRentArgs {
    /// The renter, who escrows the price.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The offer's id.
    #[arg(long)]
    pub offer: String,
    /// Hashrate to rent, with its unit (e.g. 100TH).
    #[arg(long)]
    pub hashrate: String,
    #[arg(long)]
    pub epochs: String,
    /// The most to escrow, in the payment asset (default: the price of the offer as read now:
    /// terms changed before the rent lands refuse it).
    #[arg(long)]
    pub max_price: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum RigCommand {
    /// Deploys the offering's rig-nft vault (signed by the offering's admin); resumable.
    Deploy(RigDeployArgs),
    /// Locks shares of --source in a new certificate for a rig; prints its id.
    Wrap(RigWrapArgs),
    /// Locks more of the owner's shares in its certificate (the rig's upgrade).
    AddShares(RigSharesArgs),
    /// Burns a certificate, giving its shares back and paying what it earned; not while a
    /// user's period runs.
    Unwrap(RigIdArgs),
    /// Moves a certificate to --to (SEP-50 `transfer`; with --from, `transfer_from` by an
    /// approved account or operator). What it earned so far is paid to the seller.
    Transfer(RigTransferArgs),
    /// Pays a certificate's owner and user what it earned (anyone may; --source pays the fee).
    Claim(RigIdArgs),
    /// Offers a certificate for rent: a price per pool epoch and the most epochs.
    ListRental(RigListArgs),
    /// Takes a certificate's rental offer down.
    UnlistRental(RigIdArgs),
    /// Rents a listed certificate: --source pays the owner and receives the rewards of the
    /// rented epochs.
    Rent(RigRentArgs),
    /// A certificate: owner, rig, shares and hashrate, user, rental offer, what it earned.
    Show {
        /// The certificate's id.
        #[arg(long)]
        id: String,
    },
}

#[derive(Args, Debug)]
pub struct RigDeployArgs {
    /// The offering's admin.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The collection's name (plain printable text, at most 64 bytes).
    #[arg(long, default_value = "Hashrate rigs")]
    pub name: String,
    #[arg(long, default_value = "RIG")]
    pub symbol: String,
    /// Where the certificates' pages are: a certificate's `external_url` is this and its id.
    #[arg(long)]
    pub base_uri: String,
}

#[derive(Args, Debug)]
pub struct RigWrapArgs {
    /// The shares' holder, who owns the certificate.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// Shares to lock, in decimal units such as 2.5 (see --base-units).
    #[arg(long)]
    pub shares: String,
    /// The rig's model, e.g. "Antminer S21".
    #[arg(long)]
    pub model: String,
    /// The rig's efficiency, joules per terahash.
    #[arg(long)]
    pub joules_per_th: String,
    #[arg(long)]
    pub serial: String,
    /// Where the rig runs, e.g. "Texas, US".
    #[arg(long)]
    pub location: String,
}

#[derive(Args, Debug)]
pub struct RigIdArgs {
    /// Who signs: the owner (unwrap, unlist-rental), anyone (claim).
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The certificate's id.
    #[arg(long)]
    pub id: String,
}

#[derive(Args, Debug)]
pub struct RigSharesArgs {
    /// The certificate's owner.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    #[arg(long)]
    pub id: String,
    /// Shares to add, in decimal units (see --base-units).
    #[arg(long)]
    pub shares: String,
}

#[derive(Args, Debug)]
pub struct RigTransferArgs {
    /// The owner, or (with --from) the approved account or operator that moves it.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    #[arg(long)]
    pub id: String,
    /// The new owner: an identity or an address (G… or C…).
    #[arg(long)]
    pub to: String,
    /// The owner, when --source moves the certificate on its approval.
    #[arg(long)]
    pub from: Option<String>,
}

#[derive(Args, Debug)]
pub struct RigListArgs {
    /// The certificate's owner.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    #[arg(long)]
    pub id: String,
    /// The price of one pool epoch, in the reward asset (e.g. 0.5; see --base-units).
    #[arg(long)]
    pub price: String,
    /// The most epochs one rental may take.
    #[arg(long)]
    pub max_epochs: String,
}

#[derive(Args, Debug)]
pub struct RigRentArgs {
    /// The renter, who pays and receives the rented epochs' rewards.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    #[arg(long)]
    pub id: String,
    /// Pool epochs to rent, from now.
    #[arg(long)]
    pub epochs: String,
    /// The most the renter pays, in the reward asset (default: the listed price times
    /// --epochs, as read now: a price raised before the rental lands refuses it).
    #[arg(long)]
    pub max_price: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum PoolCommand {
    /// Registers a pool on the oracle (signed by the oracle's admin).
    Register(PoolRegisterArgs),
    /// Changes a registered pool's operator, reporters, quorum or staleness (signed by the
    /// oracle's admin); what is not given stays. Its schedule (genesis, epoch, dispute window,
    /// capacity window) is fixed. A new operator becomes the share token's minter.
    Update(PoolUpdateArgs),
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// One reporter's attestation of an ended epoch.
    ///
    /// The submission of the last listed reporter finalizes the epoch at once; until then the
    /// round stays open (see `finalize`). Prints where the round stands.
    Submit(SubmitArgs),
    /// Finalizes an epoch whose round of submissions is not complete (anyone may).
    ///
    /// Possible once the round has been open for the dispute window since its first
    /// submission, if at least the quorum of listed reporters have submitted: the lower median
    /// over every submission in, effective a dispute window later.
    Finalize(FinalizeArgs),
    /// Strikes a finalized report before it is effective (signed by the oracle's admin); the
    /// epoch can then be attested again.
    Dispute(FinalizeArgs),
}

/// The pool's attestation parameters.
#[derive(Args, Debug, Clone)]
pub struct PoolArgs {
    /// The pool id (a Soroban symbol: letters, digits, `_`, at most 32).
    #[arg(long, default_value = "antpool_s19")]
    pub pool: String,
    /// The pool's operator (the miner).
    #[arg(long, default_value = "operator")]
    pub operator: String,
    /// The reporters, comma separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "reporter1,reporter2,reporter3,reporter4,reporter5"
    )]
    pub reporters: Vec<String>,
    /// The minimum number of listed reporters' submissions `report finalize` needs once an
    /// epoch's round has been open for the dispute window; a submission from every reporter
    /// finalizes the epoch at once. An honest majority of the reporters (more than half, and
    /// at least 3 of 3 or more).
    #[arg(long, default_value = "3")]
    pub quorum: String,
    #[arg(long, default_value = "1d")]
    pub epoch: String,
    /// Unix time of epoch 0's start (default: now).
    #[arg(long)]
    pub genesis: Option<String>,
    /// How long an epoch's round of submissions stays open (from its first submission) before
    /// `report finalize` may close it, and how long a finalized report may then be disputed
    /// before it is effective.
    #[arg(long, default_value = "1h")]
    pub dispute_window: String,
    /// How many epochs behind the current one the latest report may be and still back mints.
    /// The oracle needs `2 * dispute window + epoch <= max-age-epochs * epoch` (the round's
    /// window, then the dispute window).
    #[arg(long, default_value = "2")]
    pub max_age_epochs: String,
    /// The sustained-capacity window (1-30): mints are capped by the lowest hashrate of this
    /// many consecutive effective epochs ending at the latest.
    #[arg(long, default_value = "7")]
    pub capacity_epochs: String,
}

#[derive(Args, Debug)]
pub struct DeployArgs {
    /// The signing account: the suite's admin.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    #[command(flatten)]
    pub pool: PoolArgs,
    #[arg(long, default_value = "Antpool S19 hashrate 2026")]
    pub name: String,
    #[arg(long, default_value = "HASH26")]
    pub symbol: String,
    /// Hashrate one whole share stands for.
    #[arg(long, default_value = "1TH")]
    pub hashrate_per_share: String,
    /// Time from genesis to the shares' maturity.
    #[arg(long, default_value = "365d")]
    pub term: String,
    #[arg(long, default_value = "500")]
    pub fee_bps: String,
    #[arg(long, default_value = "fee")]
    pub fee_recipient: String,
    /// The reward asset: `native` (lumens) or `CODE:ISSUER` (e.g. a wrapped BTC); its
    /// Stellar Asset Contract is deployed first if it is not yet. Holders need a trustline to
    /// a `CODE:ISSUER` asset to be paid (`hashshare trust`).
    #[arg(long, default_value = "native")]
    pub reward_asset: String,
    /// Instead of --reward-asset: the reward token's contract id (C…), any SEP-41 token.
    #[arg(long)]
    pub reward_token: Option<String>,
}

#[derive(Args, Debug)]
pub struct PoolRegisterArgs {
    /// The oracle's admin.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    #[command(flatten)]
    pub pool: PoolArgs,
}

#[derive(Args, Debug)]
pub struct PoolUpdateArgs {
    /// The oracle's admin.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The new operator (the miner, and the share token's minter).
    #[arg(long)]
    pub operator: Option<String>,
    /// The new reporters, comma separated.
    #[arg(long, value_delimiter = ',')]
    pub reporters: Option<Vec<String>>,
    /// The new quorum: an honest majority of the reporters.
    #[arg(long)]
    pub quorum: Option<String>,
    /// How many epochs behind the current one the latest report may be and still back mints.
    #[arg(long)]
    pub max_age_epochs: Option<String>,
}

#[derive(Args, Debug)]
pub struct SubmitArgs {
    /// The reporter.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The epoch (default: the last ended one).
    #[arg(long)]
    pub epoch: Option<String>,
    /// Average hashrate over the epoch, with its unit: e.g. 100TH or 1.5PH.
    #[arg(long)]
    pub hashrate: String,
    /// Another pool of the oracle than the deployment's (e.g. a lease's delivery pool,
    /// `reg_0`, which the lease's validators attest).
    #[arg(long)]
    pub pool: Option<String>,
    /// Net reward earned over the epoch, in the reward asset (e.g. 0.05; see --base-units).
    #[arg(long, allow_hyphen_values = true)]
    pub reward: String,
}

#[derive(Args, Debug)]
pub struct FinalizeArgs {
    /// Who signs the call (anyone may finalize; the oracle's admin disputes).
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The epoch.
    #[arg(long)]
    pub epoch: String,
    /// Another pool of the oracle than the deployment's (e.g. a lease's delivery pool).
    #[arg(long)]
    pub pool: Option<String>,
}

#[derive(Args, Debug)]
pub struct EpochArgs {
    /// The epoch (default: the current one).
    #[arg(long)]
    pub epoch: Option<String>,
}

#[derive(Args, Debug)]
pub struct TransferArgs {
    /// Who signs: the holder (transfer), the operator (mint), the asset's admin (fund).
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The receiving identity, or an account address (G…).
    #[arg(long)]
    pub to: String,
    /// Shares (mint, transfer) or the reward asset (fund), in decimal units such as 2.5
    /// (see --base-units).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
}

#[derive(Args, Debug)]
pub struct RecordArgs {
    /// Who signs the call (anyone may record).
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The last epoch to record (every earlier unrecorded one is recorded first).
    #[arg(long)]
    pub epoch: String,
}

#[derive(Args, Debug)]
pub struct SourceArgs {
    /// Who signs the call.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
}

#[derive(Args, Debug)]
pub struct TrustArgs {
    /// The account that will hold the asset.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The asset, CODE:ISSUER (default: the deployment's reward asset).
    #[arg(long)]
    pub asset: Option<String>,
}

#[derive(Args, Debug)]
pub struct SetFeeRecipientArgs {
    /// The distributor's admin.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The new fee recipient.
    #[arg(long)]
    pub to: String,
}

#[derive(Args, Debug)]
pub struct DepositArgs {
    /// Who pays (anyone may; usually the operator).
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The epoch whose debt to pay (every earlier unrecorded epoch is recorded first).
    #[arg(long)]
    pub epoch: String,
    /// The reward asset offered (e.g. 12.5; see --base-units): the deposit takes at most what
    /// is due (see `epoch`) and sends the rest back.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
}

#[derive(Args, Debug)]
pub struct ClaimArgs {
    /// Who signs and pays the fee.
    #[arg(long, visible_alias = "source-account", env = "STELLAR_ACCOUNT")]
    pub source: String,
    /// The holder whose rewards are paid to it (default: --source). The holder signs: another
    /// --source (one paying the fee for it) needs `--sign-with <holder>`.
    #[arg(long)]
    pub holder: Option<String>,
}
