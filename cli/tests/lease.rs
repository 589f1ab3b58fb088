//! `hashshare lease …` over RPC against `hashshare node --dev-time`, as separate invocations by
//! separate parties: the market deployed by the oracle's admin, a provider's offer of a second
//! pool, a renter's lease of three epochs, its delivery attested by the lease's validators (one
//! epoch short), settled by a stranger, shown; wrong signers and changed terms refused.
mod common;

use common::{Parties, Running, TempDir};

/// What `lease settle` printed it paid and refunded, in XLM.
fn settled(out: &str) -> (f64, f64) {
    let line = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("paid "))
        .unwrap_or_else(|| panic!("{out}"));
    let (paid, rest) = line
        .split_once(" XLM to the provider (the market's fee out of it), refunded ")
        .expect("paid and refunded");
    let refunded = rest.strip_suffix(" XLM to the renter").expect("refunded");
    (
        paid.parse().expect("paid"),
        refunded.parse().expect("refunded"),
    )
}

#[test]
fn a_lease_is_offered_rented_attested_and_settled_over_rpc() {
    let p = Parties {
        node: Running::node(&["--ephemeral".as_ref(), "--dev-time".as_ref()]),
        config: TempDir::new("lease-config"),
        work: TempDir::new("lease-work"),
    };
    for who in [
        "admin", "operator", "provider", "renter", "stranger", "r1", "r2", "r3", "v1", "v2", "v3",
    ] {
        p.ok(&["keys", "generate", who, "--fund"]);
    }
    p.ok(&[
        "deploy",
        "--source",
        "admin",
        "--operator",
        "operator",
        "--reporters",
        "r1,r2,r3",
        "--fee-recipient",
        "admin",
    ]);
    // The provider's own pool, attested by the same reporters; its epoch 0 at 250 TH/s.
    p.ok(&[
        "pool",
        "register",
        "--source",
        "admin",
        "--pool",
        "f2pool",
        "--operator",
        "provider",
        "--reporters",
        "r1,r2,r3",
        "--capacity-epochs",
        "1",
    ]);
    p.ok(&["advance-time", "25h"]);
    for r in ["r1", "r2", "r3"] {
        p.ok(&[
            "report",
            "submit",
            "--source",
            r,
            "--pool",
            "f2pool",
            "--epoch",
            "0",
            "--hashrate",
            "250TH",
            "--reward",
            "0",
        ]);
    }
    p.ok(&["advance-time", "2h"]);

    // The market: only the oracle's admin deploys it (and allows it to register pools).
    let line = p.fails(
        1,
        &[
            "lease",
            "deploy",
            "--source",
            "operator",
            "--fee-recipient",
            "admin",
        ],
    );
    assert!(line.contains("oracle's admin"), "{line}");
    let deploy = [
        "lease",
        "deploy",
        "--source",
        "admin",
        "--fee-bps",
        "500",
        "--fee-recipient",
        "admin",
    ];
    let out = p.ok(&deploy);
    assert!(
        out.contains("==> allow the market to register delivery pools"),
        "{out}"
    );
    assert!(p.ok(&deploy).contains("deployed already"));

    // Only the pool's operator offers its hashrate.
    let offer = |who: &str| {
        vec![
            "lease",
            "offer",
            "--source",
            who,
            "--pool",
            "f2pool",
            "--hashrate",
            "200TH",
            "--price",
            "0.001",
            "--validators",
            "v1,v2,v3",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    };
    let args = offer("stranger");
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(p.fails(1, &refs).contains("NotOperator (503)"));
    let args = offer("provider");
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(p.ok(&refs).contains("offer 0, version 1"));
    // The offering's own pool is bound to its share token: it cannot be leased.
    let mut bound = args.clone();
    bound[3] = "operator".into();
    bound[5] = "antpool_s19".into();
    let refs: Vec<&str> = bound.iter().map(String::as_str).collect();
    assert!(p.fails(1, &refs).contains("PoolBound (504)"));

    // 100 TH/s for 3 epochs at 0.001 XLM per TH/s per epoch: 0.1 XLM an epoch.
    let out = p.ok(&[
        "lease",
        "rent",
        "--source",
        "renter",
        "--offer",
        "0",
        "--hashrate",
        "100TH",
        "--epochs",
        "3",
    ]);
    assert!(out.contains("escrowing at most 0.3 XLM"), "{out}");
    assert!(
        out.contains("lease 0: epochs 2 to 4, delivery attested on pool reg_0"),
        "{out}"
    );
    // More than the pool sustains is refused.
    let line = p.fails(
        1,
        &[
            "lease",
            "rent",
            "--source",
            "renter",
            "--offer",
            "0",
            "--hashrate",
            "200TH",
            "--epochs",
            "3",
            "--max-price",
            "100",
        ],
    );
    assert!(line.contains("CapacityExceeded (509)"), "{line}");
    // Nothing was under-delivered yet: not even the renter may close.
    for who in ["stranger", "renter"] {
        let line = p.fails(1, &["lease", "close", "--source", who, "--id", "0"]);
        assert!(line.contains("CloseNotAllowed (510)"), "{line}");
    }

    // The validators attest the three epochs: in full, half, in full.
    for (epoch, delivered) in [("2", "100TH"), ("3", "50TH"), ("4", "100TH")] {
        let epoch_end = match epoch {
            "2" => "2d",
            _ => "1d",
        };
        p.ok(&["advance-time", epoch_end]);
        for v in ["v1", "v2", "v3"] {
            p.ok(&[
                "report",
                "submit",
                "--source",
                v,
                "--pool",
                "reg_0",
                "--epoch",
                epoch,
                "--hashrate",
                delivered,
                "--reward",
                "0",
            ]);
        }
    }
    p.ok(&["advance-time", "2h"]);
    let out = p.ok(&["lease", "settle", "--source", "stranger", "--id", "0"]);
    // 0.1 + 0.05 + 0.1 paid (the 5% fee out of it), 0.05 refunded.
    assert_eq!(settled(&out), (0.25, 0.05), "{out}");
    let show = p.ok(&["lease", "show", "--id", "0"]);
    for expected in [
        "provider   provider",
        "renter     renter",
        "settled    3 of 3 epochs: paid 0.25 XLM (fee 0.0125 XLM), refunded 0.05 XLM",
        "epoch 3: delivered 50 TH/s of 100 TH/s (short)",
        "provider's record: 2 epochs delivered in full, 1 short",
    ] {
        assert!(show.contains(expected), "{expected} not in {show}");
    }
    assert!(p
        .ok(&["lease", "show", "--offer", "0"])
        .contains("validators v1, v2, v3 (quorum 3)"));
    assert!(p
        .fails(2, &["lease", "show"])
        .contains("--id LEASE or --offer OFFER"));
}
