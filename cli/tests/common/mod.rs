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
