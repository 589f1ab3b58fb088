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
        ("pool-oracle", "submit (finalizing, 5 of 5)"),
        ("pool-oracle", "dispute"),
        ("pool-oracle", "capacity"),
        ("share-token", "transfer"),
        ("share-token", "mint (a top-up into the running stream)"),
        ("share-token", "take_accrued"),
        ("payout-distributor", "record"),
        ("payout-distributor", "deposit (recorded epoch)"),
        ("payout-distributor", "claim"),
        ("payout-distributor", "upgrade"),
        ("rig-nft", "wrap"),
        ("rig-nft", "claim (rented: owner and user paid)"),
        ("rig-nft", "rent"),
        ("rig-nft", "unwrap"),
        ("rig-nft", "transfer (a rented certificate)"),
        ("hashrate-lease", "rent (registers the delivery pool)"),
        ("hashrate-lease", "settle (2 epochs)"),
        (
            "hashrate-lease",
            "close (settles 2 short epochs, refunds the rest)",
        ),
        ("pool-oracle", "set_registrar"),
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
        report.functions.len() >= 90,
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
    for call in ["transfer", "claim", "deposit", "mint"] {
        let ratio = sweep("holders").ratio(call);
        assert!(ratio <= 1.05, "{call} grows {ratio:.3}x with holders");
    }
    for call in ["deposit", "claim", "record", "mint"] {
        let ratio = sweep("past deposits").ratio(call);
        assert!(ratio <= 1.05, "{call} grows {ratio:.3}x with past deposits");
    }
    // hashrate-lease: flat in the number of offers, of leases and of the pool's past epochs.
    for name in ["offers", "leases", "past epochs (lease)"] {
        for call in ["rent", "settle", "post_offer"] {
            let ratio = sweep(name).ratio(call);
            assert!(
                ratio <= 1.05,
                "hashrate-lease {call} grows {ratio:.3}x with {name}"
            );
        }
    }
    // rig-nft: flat in the number of certificates and of past epochs paid into the vault.
    for name in ["certificates", "past epochs (rig-nft)"] {
        for call in ["wrap", "add_shares", "transfer", "claim", "rent", "unwrap"] {
            let ratio = sweep(name).ratio(call);
            assert!(
                ratio <= 1.05,
                "rig-nft {call} grows {ratio:.3}x with {name}"
            );
        }
    }
    // The transfer guard of *Payouts no one can game*: at most 5% more CPU instructions than
    // before it (790,421 on this benchmark) and a fee within 2% of the plain SEP-41 token's.
    let transfer = |name: &str| {
        &report
            .transfers
            .iter()
            .find(|r| r.call == name)
            .unwrap_or_else(|| panic!("{name} not measured"))
            .cost
    };
    let (share, plain) = (
        transfer("hashshare share-token"),
        transfer("plain SEP-41 WASM token"),
    );
    assert!(share.instructions * 100 <= 790_421 * 105, "{share:?}");
    assert!(
        share.fee_stroops * 100 <= plain.fee_stroops * 102,
        "{share:?} vs {plain:?}"
    );
    assert_eq!(
        share.write_entries, plain.write_entries,
        "two holders and the nonce"
    );

    // Reporters: only the finalizing submit sorts them all; it stays far below 1% of the
    // 400M-instruction transaction limit.
    let reporters = sweep("reporters");
    assert!(reporters.ratio("capacity") <= 1.05);
    let sixteen = reporters.points.last().expect("16 reporters");
    let finalizing = &sixteen.costs[0].1;
    assert_eq!(sixteen.size, 16);
    assert!(finalizing.instructions < 4_000_000, "{finalizing:?}");
}
