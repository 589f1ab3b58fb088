//! The benchmark at CI size: every public function measured on the WASM, the transfer
//! comparison, and the scaling sweeps — with the flatness the design promises asserted.
//! `scripts/bench.sh` runs the same code at full size (holders to 10,000, deposits to 1,000).
use hashshare_tests::bench::{self, Sizes};

#[test]
fn benchmark_at_ci_size_shows_flat_costs() {
    let report = bench::run(&Sizes::small());
    println!("{}", bench::markdown(&report));

    // Every public function of design.md is in the table, each at a real cost.
    for (contract, call) in [
        ("pool-oracle", "submit (finalizing, 2 of 3)"),
        ("pool-oracle", "dispute"),
        ("pool-oracle", "capacity"),
        ("share-token", "transfer"),
        ("share-token", "mint (one call to the oracle)"),
        ("share-token", "take_accrued"),
        ("payout-distributor", "record"),
        ("payout-distributor", "deposit (recorded epoch)"),
        ("payout-distributor", "claim"),
        ("payout-distributor", "upgrade"),
    ] {
        let row = report
            .functions
            .iter()
            .find(|r| r.contract == contract && r.call == call)
            .unwrap_or_else(|| panic!("{contract} {call} not measured"));
        assert!(
            row.cost.instructions > 100_000,
            "{contract} {call}: {:?}",
            row.cost
        );
    }
    assert!(
        report.functions.len() >= 60,
        "{} rows",
        report.functions.len()
    );

    // Flat in the number of holders and of past deposits (design: ratio <= 1.05).
    let sweep = |name: &str| {
        report
            .sweeps
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no {name} sweep"))
    };
    for call in ["transfer", "claim", "deposit"] {
        let ratio = sweep("holders").ratio(call);
        assert!(ratio <= 1.05, "{call} grows {ratio:.3}x with holders");
    }
    for call in ["deposit", "claim", "record"] {
        let ratio = sweep("past deposits").ratio(call);
        assert!(ratio <= 1.05, "{call} grows {ratio:.3}x with past deposits");
    }
    // Reporters: only the finalizing submit sorts them all; it stays far below 1% of the
    // 400M-instruction transaction limit.
    let reporters = sweep("reporters");
    assert!(reporters.ratio("capacity") <= 1.05);
    let sixteen = reporters.points.last().expect("16 reporters");
    let finalizing = &sixteen.costs[0].1;
    assert_eq!(sixteen.size, 16);
    assert!(finalizing.instructions < 4_000_000, "{finalizing:?}");
}
