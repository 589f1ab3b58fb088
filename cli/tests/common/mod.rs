//! Shared helpers of the CLI tests: run the `hashshare` binary, find the compiled WASM, and
//! make temporary directories.
#![allow(dead_code)]
pub mod proxy;

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    sync::atomic::{AtomicU32, Ordering},
};

/// Where `scripts/build.sh` wrote the contracts. Panics with the command to run if missing.
pub fn wasm_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    let dir = target.join("wasm");
    for name in ["pool_oracle", "share_token", "payout_distributor"] {
        let path = dir.join(format!("{name}.wasm"));
        assert!(
            path.exists(),
            "{} is missing: build the contracts first with `scripts/build.sh`",
            path.display()
        );
    }
    dir
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "hashshare-cli-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts success and returns stdout.
    pub fn ok(self) -> String {
        assert_eq!(
            self.code, 0,
            "hashshare failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stdout
    }

    /// Asserts exit code `code` with exactly one line on stderr, and returns that line.
    pub fn fails(self, code: i32) -> String {
        assert_eq!(
            self.code, code,
            "expected exit {code}:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one line on stderr: {:?}",
            self.stderr
        );
        lines[0].to_string()
    }
}

/// `hashshare` run in `cwd` with the compiled WASM.
pub fn hashshare(cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hashshare"));
    command
        .current_dir(cwd)
        .env_remove("HASHSHARE_STELLAR")
        .arg("--wasm-dir")
        .arg(wasm_dir());
    command
}

/// Runs `hashshare <args>` in `cwd`.
pub fn run(cwd: &Path, args: &[&str]) -> Run {
    hashshare(cwd)
        .args(args)
        .output()
        .expect("run the hashshare binary")
        .into()
}

/// A `hashshare node` process on a free port, with its RPC URL.
pub struct Running {
    pub child: std::process::Child,
    pub url: String,
}

impl Running {
    /// Starts `hashshare node --port 0 --ledger-seconds 1` with `extra` flags.
    pub fn node(extra: &[&std::ffi::OsStr]) -> Running {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_hashshare"))
            .args(["node", "--port", "0", "--ledger-seconds", "1"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("hashshare node starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        // Keep reading what it prints, so that it never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://") && w.ends_with("/rpc"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        Running { child, url }
    }

    pub fn rpc(&self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let body =
            serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
        ureq::post(&self.url)
            .send_json(body)
            .expect("the node answers")
            .into_json::<serde_json::Value>()
            .unwrap()["result"]
            .clone()
    }

    pub fn kill(mut self) {
        // SIGKILL: no chance to finish anything.
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A node and the identities and working directory of the parties that use it.
pub struct Parties {
    pub node: Running,
    pub config: TempDir,
    pub work: TempDir,
}

impl Parties {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hashshare"));
        command
            .args(args)
            .current_dir(&self.work.0)
            .env("STELLAR_CONFIG_HOME", &self.config.0)
            .env("STELLAR_NETWORK", "local")
            .env("STELLAR_RPC_URL", &self.node.url)
            .env(
                "STELLAR_NETWORK_PASSPHRASE",
                "Standalone Network ; February 2017",
            );
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("hashshare runs")
    }

    /// Runs a command that must succeed; its output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    /// Runs a command that must fail with `code`; its one line of error.
    pub fn fails(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: one line, not {stderr}"
        );
        stderr
    }

    /// An identity's account sequence number, read from the node: what any sent
    /// transaction moves.
    pub fn sequence(&self, name: &str) -> i64 {
        use stellar_xdr::{
            LedgerEntryData, LedgerKey, LedgerKeyAccount, Limits, ReadXdr, WriteXdr,
        };
        let address = self.ok(&["keys", "address", name]).trim().to_string();
        let key = stellar_strkey::ed25519::PublicKey::from_string(&address).unwrap();
        let key = LedgerKey::Account(LedgerKeyAccount {
            account_id: stellar_xdr::AccountId(stellar_xdr::PublicKey::PublicKeyTypeEd25519(
                stellar_xdr::Uint256(key.0),
            )),
        });
        let answer = self.node.rpc(
            "getLedgerEntries",
            serde_json::json!({ "keys": [key.to_xdr_base64(Limits::none()).unwrap()] }),
        );
        let data = answer["entries"][0]["xdr"]
            .as_str()
            .expect("the account exists");
        match LedgerEntryData::from_xdr_base64(data, Limits::none()).unwrap() {
            LedgerEntryData::Account(account) => account.seq_num.0,
            other => panic!("not an account: {other:?}"),
        }
    }

    /// Runs a command that must be refused as bad input: one line, exit 2, and nothing sent by
    /// `who` (its sequence number unchanged).
    pub fn bad_input(&self, who: &str, args: &[&str]) -> String {
        let before = self.sequence(who);
        let line = self.fails(2, args);
        assert_eq!(self.sequence(who), before, "{args:?} sent something");
        line
    }

    pub fn manifest(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.work.0.join("deployments/local.json")).unwrap();
        serde_json::from_str(&text).expect("the manifest is whole JSON")
    }
}
