//! What can go wrong, and how each failure maps to an exit code: bad input (a wrong name, a
//! malformed number, a missing or corrupted file) exits 2; a refusal by the ledger (a contract
//! error, a missing signature) or a failed check exits 1.
use std::path::PathBuf;

use hashrate_lease::LeaseError;
use payout_distributor::DistributorError;
use pool_oracle::OracleError;
use rig_nft::RigNftError;
use share_token::ShareTokenError;
use soroban_sdk::Error as SorobanError;

/// Exit code for bad input.
pub const EXIT_INPUT: i32 = 2;
/// Exit code for a call the ledger refused or a failed check.
pub const EXIT_REFUSED: i32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("node: {0}")]
    Node(String),
    #[error("{0}")]
    Identity(String),
    #[error("{0}")]
    Network(String),
    /// Something the CLI will not sign or send.
    #[error("{0}")]
    Refused(String),
    #[error("invalid {what} `{value}`: {reason}")]
    InvalidValue {
        what: &'static str,
        value: String,
        reason: String,
    },
    #[error("the contracts are not deployed on this network yet: run `hashshare deploy` first")]
    NotDeployed,
    #[error("the offering has no rig-nft vault yet: run `hashshare rig deploy` first")]
    NoVault,
    #[error("corrupted {what} {}: {reason}", .path.display())]
    Corrupted {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
    #[error("cannot read {}: {reason}; build the contracts first with `scripts/build.sh`", .path.display())]
    MissingWasm { path: PathBuf, reason: String },
    #[error("{} : {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("refused: {step} needs the signature of {signer}")]
    NeedsSignature { step: String, signer: String },
    #[error("{step} failed: {error}")]
    Call { step: String, error: CallError },
    #[error("conservation check failed: {0}")]
    Conservation(String),
    #[error("the demo went wrong: {0}")]
    Demo(String),
    #[error("{0}")]
    Stellar(String),
    #[error("the deployed code differs from the local build for: {0}")]
    Mismatch(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::NeedsSignature { .. }
            | CliError::Call { .. }
            | CliError::Conservation(_)
            | CliError::Demo(_)
            | CliError::Mismatch(_) => EXIT_REFUSED,
            CliError::Stellar(_) | CliError::Refused(_) => EXIT_REFUSED,
            _ => EXIT_INPUT,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> CliError {
        CliError::Io {
            path: path.into(),
            source,
        }
    }

    pub fn invalid(what: &'static str, value: &str, reason: impl Into<String>) -> CliError {
        CliError::InvalidValue {
            what,
            value: value.to_string(),
            reason: reason.into(),
        }
    }
}

/// Why one contract call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// A `#[contracterror]` of one of the suite's contracts or of the reward asset.
    Contract(u32),
    /// A host error (budget, storage, authorization...), as the host names it.
    Host(String),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Contract(code) => {
                match contract_error_name(*code) {
                    Some(name) => write!(f, "{name} ({code})")?,
                    None => write!(f, "contract error {code}")?,
                }
                match hint(*code) {
                    Some(hint) => write!(f, ": {hint}"),
                    None => Ok(()),
                }
            }
            CallError::Host(text) => f.write_str(text),
        }
    }
}

/// What to do about a contract error whose name alone does not say it.
pub fn hint(code: u32) -> Option<&'static str> {
    match code {
        114 => Some(
            "fewer than the quorum of the pool's listed reporters have submitted for this epoch",
        ),
        116 => Some(
            "the epoch's round of submissions stays open until every listed reporter has \
submitted, or for the dispute window after its first submission",
        ),
        312 => Some(
            "the operator's reward-asset allowance to the payout distributor (or its balance) \
does not cover this mint's top-up into the running streams; fund the operator and renew the \
allowance with `hashshare approve-topups --source <operator>`",
        ),
        13 => Some(
            "the account has no trustline to the reward asset: `hashshare trust --source <it>`",
        ),
        415 => Some(
            "the offering's miner owes holders for recorded epochs (see `hashshare status`, \
arrears): a rental begun now would receive the catch-up; rent once they are paid",
        ),
        416 => Some("the payout distributor is paused: collect once it resumes"),
        313 => {
            Some("no share is held: nobody can receive this epoch's payout until shares are minted")
        }
        _ => None,
    }
}

/// The name of a contract error code: the suite's ranges (oracle 100–199, share token
/// 200–299, distributor 300–399, rig-nft 400–499, hashrate-lease 500–599), else the Stellar Asset Contract's codes (the reward asset).
pub fn contract_error_name(code: u32) -> Option<String> {
    let error = SorobanError::from_contract_error(code);
    if let Ok(e) = OracleError::try_from(error) {
        return Some(format!("{e:?}"));
    }
    if let Ok(e) = ShareTokenError::try_from(error) {
        return Some(format!("{e:?}"));
    }
    if let Ok(e) = DistributorError::try_from(error) {
        return Some(format!("{e:?}"));
    }
    if let Ok(e) = RigNftError::try_from(error) {
        return Some(format!("{e:?}"));
    }
    if let Ok(e) = LeaseError::try_from(error) {
        return Some(format!("{e:?}"));
    }
    let sac = match code {
        1 => "InternalError",
        2 => "OperationNotSupportedError",
        3 => "AlreadyInitializedError",
        4 => "UnauthorizedError",
        5 => "AuthenticationError",
        6 => "AccountMissingError",
        7 => "AccountIsNotClassic",
        8 => "NegativeAmountError",
        9 => "AllowanceError",
        10 => "BalanceError",
        11 => "BalanceDeauthorizedError",
        12 => "OverflowError",
        13 => "TrustlineMissingError",
        _ => return None,
    };
    Some(format!("reward asset {sac}"))
}

/// The contract error inside a host panic message (`Error(Contract, #209)`), if any.
pub fn from_panic_message(message: &str) -> CallError {
    if let Some(start) = message.find("Error(Contract, #") {
        let digits: String = message[start + 17..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if let Ok(code) = digits.parse() {
            return CallError::Contract(code);
        }
    }
    let first = message.lines().next().unwrap_or("unknown failure");
    CallError::Host(first.to_string())
}
