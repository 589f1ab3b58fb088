//! Runs the `stellar` executable (stellar-cli) and reads its answers.
use std::{path::Path, process::Command};

use crate::error::{from_panic_message, CallError, CliError};

/// How to install stellar-cli, for the message when it is missing.
const INSTALL: &str = "stellar-cli is not installed (no `stellar` on PATH): install it with \
`cargo install --locked stellar-cli`, or see https://developers.stellar.org/docs/tools/cli/install-cli";

/// stellar-cli on one network.
pub struct Stellar {
    program: String,
    network: String,
}

impl Stellar {
    pub fn new(network: &str) -> Stellar {
        Stellar {
            program: std::env::var("HASHSHARE_STELLAR").unwrap_or_else(|_| "stellar".into()),
            network: network.to_string(),
        }
    }

    /// Runs `stellar <args>`, echoing the command line, and returns its last line of output.
    pub fn run(&self, args: &[String]) -> Result<String, CliError> {
        self.run_logged(args).map(|(answer, _)| answer)
    }

    /// As [`Stellar::run`], also returning what stellar-cli logged on stderr (a sent
    /// transaction's contract events: `📅 C… - Event: [{"symbol":"finalized"},…] = …`).
    pub fn run_logged(&self, args: &[String]) -> Result<(String, String), CliError> {
        println!("$ {} {}", self.program, quoted(args));
        let output = Command::new(&self.program)
            .args(args)
            .output()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => CliError::Stellar(INSTALL.into()),
                _ => CliError::Stellar(format!("cannot run {}: {e}", self.program)),
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // The function invoked, if this was `contract invoke`.
            let function = args
                .iter()
                .position(|a| a == "--")
                .and_then(|i| args.get(i + 1))
                .cloned();
            // A contract's error, by name and code, as on the local network.
            if let CallError::Contract(code) = from_panic_message(&stderr) {
                return Err(CliError::Call {
                    step: function.unwrap_or_else(|| args.join(" ")),
                    error: CallError::Contract(code),
                });
            }
            // Else the first line that says what went wrong (stellar-cli may follow it with
            // an event log), or the last line.
            let lines: Vec<&str> = stderr
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let reason = lines
                .iter()
                .find(|l| l.to_ascii_lowercase().contains("error"))
                .or(lines.last())
                .copied()
                .unwrap_or("no output");
            let command: Vec<&str> = args.iter().take(2).map(String::as_str).collect();
            let what = match function {
                Some(function) => format!("`stellar {}` {function}", command.join(" ")),
                None => format!("`stellar {}`", command.join(" ")),
            };
            return Err(CliError::Stellar(format!("{what} failed: {reason}")));
        }
        let answer = stdout
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .to_string();
        Ok((answer, String::from_utf8_lossy(&output.stderr).into_owned()))
    }

    fn network_args(&self) -> [String; 2] {
        ["--network".into(), self.network.clone()]
    }

    /// The public key (`G...`) of a stellar-cli identity; a strkey passes through.
    pub fn address(&self, identity: &str) -> Result<String, CliError> {
        if is_strkey(identity) {
            return Ok(identity.to_string());
        }
        let address = self.run(&["keys".into(), "address".into(), identity.into()])?;
        if !is_strkey(&address) {
            return Err(CliError::Stellar(format!(
                "`stellar keys address {identity}` answered `{address}`, not an address"
            )));
        }
        Ok(address)
    }

    /// Uploads a WASM; returns its hash as stellar-cli prints it.
    pub fn upload(&self, wasm: &Path, source: &str) -> Result<String, CliError> {
        let mut args = vec![
            "contract".into(),
            "upload".into(),
            "--wasm".into(),
            wasm.display().to_string(),
            "--source".into(),
            source.into(),
        ];
        args.extend(self.network_args());
        let hash = self.run(&args)?;
        if hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(CliError::Stellar(format!(
                "`stellar contract upload` answered `{hash}`, not a WASM hash"
            )));
        }
        Ok(hash.to_ascii_lowercase())
    }

    /// Deploys an uploaded WASM with constructor arguments; returns the contract id.
    pub fn deploy(
        &self,
        wasm_hash: &str,
        source: &str,
        constructor: &[(&str, String)],
    ) -> Result<String, CliError> {
        let mut args = vec![
            "contract".into(),
            "deploy".into(),
            "--wasm-hash".into(),
            wasm_hash.into(),
            "--source".into(),
            source.into(),
        ];
        args.extend(self.network_args());
        args.push("--".into());
        for (name, value) in constructor {
            args.push(format!("--{name}"));
            args.push(value.clone());
        }
        let id = self.run(&args)?;
        if !id.starts_with('C') || !is_strkey(&id) {
            return Err(CliError::Stellar(format!(
                "`stellar contract deploy` answered `{id}`, not a contract id"
            )));
        }
        Ok(id)
    }

    /// Invokes `function` of contract `id`, signed by `source`; returns what it printed.
    pub fn invoke(
        &self,
        id: &str,
        source: &str,
        function: &str,
        arguments: &[(&str, String)],
    ) -> Result<String, CliError> {
        self.invoke_logged(id, source, function, arguments)
            .map(|(answer, _)| answer)
    }

    /// As [`Stellar::invoke`], also returning what stellar-cli logged (the events).
    pub fn invoke_logged(
        &self,
        id: &str,
        source: &str,
        function: &str,
        arguments: &[(&str, String)],
    ) -> Result<(String, String), CliError> {
        let mut args = vec![
            "contract".into(),
            "invoke".into(),
            "--id".into(),
            id.into(),
            "--source".into(),
            source.into(),
        ];
        args.extend(self.network_args());
        args.push("--".into());
        args.push(function.into());
        for (name, value) in arguments {
            args.push(format!("--{name}"));
            args.push(value.clone());
        }
        self.run_logged(&args)
    }

    /// The sequence number of the network's latest ledger (`stellar ledger latest`).
    pub fn latest_ledger(&self) -> Result<u32, CliError> {
        let mut args = vec!["ledger".into(), "latest".into()];
        args.extend(self.network_args());
        args.extend(["--output".into(), "json".into()]);
        let answer = self.run(&args)?;
        serde_json::from_str::<serde_json::Value>(&answer)
            .ok()
            .and_then(|v| v["sequence"].as_u64())
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| {
                CliError::Stellar(format!(
                    "`stellar ledger latest` answered `{answer}`, not a ledger with a sequence"
                ))
            })
    }

    /// Writes the WASM a contract runs to `out`.
    pub fn fetch(&self, id: &str, out: &Path) -> Result<(), CliError> {
        let mut args = vec!["contract".into(), "fetch".into(), "--id".into(), id.into()];
        args.extend(self.network_args());
        args.extend(["-o".into(), out.display().to_string()]);
        self.run(&args).map(|_| ())
    }

    /// The contract id of an asset's Stellar Asset Contract (`native` or `CODE:ISSUER`).
    pub fn asset_id(&self, asset: &str) -> Result<String, CliError> {
        let mut args = vec![
            "contract".into(),
            "id".into(),
            "asset".into(),
            "--asset".into(),
            asset.into(),
        ];
        args.extend(self.network_args());
        self.run(&args)
    }
}

/// Whether stellar-cli's log of a sent transaction shows a contract event named `name` (its
/// first topic): `📅 C… - Event: [{"symbol":"finalized"},…] = {…}`.
pub fn published(log: &str, name: &str) -> bool {
    let topic = format!("[{{\"symbol\":\"{name}\"}}");
    log.lines()
        .any(|line| line.contains("Event:") && line.contains(&topic))
}

/// A Stellar strkey of an account or contract (`G...`/`C...`, 56 characters).
pub fn is_strkey(text: &str) -> bool {
    text.len() == 56
        && (text.starts_with('G') || text.starts_with('C'))
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
}

/// A command line as a shell would need it.
fn quoted(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=,".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
