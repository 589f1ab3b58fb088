//! The cost benchmark (`scripts/bench.sh`): every public function of the three contracts, the
//! share token's transfer next to the Stellar Asset Contract's and a plain SEP-41 token's, and
//! the scaling sweeps at full size. Prints the Markdown report and writes it, with the JSON
//! data, to `target/bench/`. `HASHSHARE_BENCH_SMALL=1` runs the CI-sized sweeps instead.
use std::{fs, path::PathBuf, process::ExitCode, time::Instant};

use hashshare_tests::{bench, fixture::wasm_path};

fn main() -> ExitCode {
    let sizes = if std::env::var_os("HASHSHARE_BENCH_SMALL").is_some() {
        bench::Sizes::small()
    } else {
        bench::Sizes::full()
    };
    let started = Instant::now();
    let report = bench::run(&sizes);
    let markdown = bench::markdown(&report);
    println!("{markdown}");
    // target/wasm/<name>.wasm → target/bench/
    let out: PathBuf = wasm_path("pool_oracle")
        .parent()
        .and_then(|wasm| wasm.parent())
        .map(|target| target.join("bench"))
        .unwrap_or_else(|| PathBuf::from("target/bench"));
    let json = match serde_json::to_string_pretty(&report) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("cannot encode the report: {e}");
            return ExitCode::FAILURE;
        }
    };
    let written = fs::create_dir_all(&out)
        .and_then(|()| fs::write(out.join("bench.md"), &markdown))
        .and_then(|()| fs::write(out.join("bench.json"), json));
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    eprintln!(
        "wrote {}/bench.md and bench.json in {:.0?}",
        out.display(),
        started.elapsed()
    );
    ExitCode::SUCCESS
}
