//! `hashshare demo` runs the whole lifecycle on the compiled WASM and ends with the
//! conservation check passing.
mod common;

use common::{run, TempDir};

#[test]
fn demo_runs_and_the_books_balance() {
    let dir = TempDir::new("demo");
    let out = run(dir.path(), &["demo"]).ok();
    assert!(out.contains("==> upload pool_oracle"), "{out}");
    assert!(out.contains("CPU instructions"), "{out}");
    // Minting beyond the attested hashrate is refused by name.
    assert!(out.contains("refused, CapacityExceeded (209)"), "{out}");
    // A claim needs the holder's signature.
    assert!(out.contains("refused, needs the signature of bob"), "{out}");
    let check = out
        .lines()
        .find(|l| l.starts_with("conservation: deposited "))
        .unwrap_or_else(|| panic!("no conservation line: {out}"));
    // deposited = fees + claimed + held, as printed.
    let numbers: Vec<i128> = check
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a number"))
        .collect();
    assert_eq!(numbers.len(), 4, "{check}");
    assert_eq!(numbers[0], 50_000);
    assert_eq!(numbers[0], numbers[1] + numbers[2] + numbers[3], "{check}");
    assert_eq!(numbers[1], 2_500, "5% fee");
    assert!(out.trim_end().ends_with("arrears 0)"), "{out}");
    assert!(out.contains("conservation check passed"), "{out}");
}

#[test]
fn demo_without_the_wasm_says_how_to_build_it() {
    let dir = TempDir::new("demo-nowasm");
    let line = common::hashshare(dir.path())
        .args(["demo", "--wasm-dir"])
        .arg(dir.path())
        .output()
        .map(common::Run::from)
        .expect("run")
        .fails(2);
    assert!(line.contains("scripts/build.sh"), "{line}");
}
