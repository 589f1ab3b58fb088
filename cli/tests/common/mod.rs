//! Shared helpers of the CLI tests: run the `hashshare` binary, find the compiled WASM, and
//! make temporary directories.
#![allow(dead_code)]
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
