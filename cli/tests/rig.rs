//! `hashshare rig …` over RPC against `hashshare node --dev-time`, as separate invocations of
//! the binary by separate parties: the vault deployed by the admin, a certificate wrapped,
//! upgraded, listed and rented, moved while rented, claimed by a stranger, unwrapped once the
//! rental ends; the wrong signers and bad input refused in one line.
mod common;

use common::{Parties, Running, TempDir};

/// What `claim` printed it paid, in XLM: "paid X XLM to the owner, Y XLM to the user".
fn paid(out: &str) -> (f64, f64) {
    let line = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("paid "))
        .unwrap_or_else(|| panic!("{out}"));
    let (owner, user) = line.split_once(" XLM to the owner, ").expect("two parts");
    let user = user
        .strip_suffix(" XLM to the user")
        .expect("the user's part");
    (
        owner.parse().expect("a number"),
        user.parse().expect("a number"),
    )
}

#[test]
fn certificates_wrap_rent_trade_and_claim_over_rpc() {
    let p = Parties {
        node: Running::node(&["--ephemeral".as_ref(), "--dev-time".as_ref()]),
        config: TempDir::new("rig-config"),
        work: TempDir::new("rig-work"),
    };
    for who in [
        "admin", "operator", "owner", "buyer", "renter", "r1", "r2", "r3",
    ] {
        p.ok(&["keys", "generate", who, "--fund"]);
    }
    p.ok(&[
        "deploy",
        "--source",
        "admin",
        "--operator",
        "operator",
        "--pool",
        "p1",
        "--reporters",
        "r1,r2,r3",
        "--capacity-epochs",
        "1",
        "--fee-recipient",
        "admin",
        "--fee-bps",
        "0",
    ]);
    let attest = |epoch: &str, reward: &str| {
        for r in ["r1", "r2", "r3"] {
            p.ok(&[
                "report",
                "submit",
                "--source",
                r,
                "--epoch",
                epoch,
                "--hashrate",
                "100TH",
                "--reward",
                reward,
            ]);
        }
    };
    p.ok(&["advance-time", "25h"]);
    attest("0", "0");
    p.ok(&["advance-time", "2h"]);
    p.ok(&[
        "mint", "--source", "operator", "--to", "owner", "--amount", "10",
    ]);

    // No vault yet; only the offering's admin deploys it; a re-run resumes, changed
    // parameters are refused.
    let wrap = [
        "rig",
        "wrap",
        "--source",
        "owner",
        "--shares",
        "4",
        "--model",
        "Antminer S21",
        "--joules-per-th",
        "17",
        "--serial",
        "S21-0001",
        "--location",
        "Texas, US",
    ];
    assert!(p.fails(2, &wrap).contains("hashshare rig deploy"));
    let deploy = ["rig", "deploy", "--base-uri", "https://rigs.example/"];
    let as_operator = [&deploy[..], &["--source", "operator"]].concat();
    assert!(p.fails(1, &as_operator).contains("offering's admin"));
    let as_admin = [&deploy[..], &["--source", "admin"]].concat();
    let out = p.ok(&as_admin);
    assert!(out.contains("==> deploy rig_nft"), "{out}");
    assert!(p.ok(&as_admin).contains("deployed already"));
    let renamed = [&as_admin[..], &["--symbol", "RIGX"]].concat();
    assert!(p
        .fails(2, &renamed)
        .contains("rig_symbol RIGX (deployed with RIG)"));
    assert!(p.manifest()["contracts"]["rig_nft"].is_string());
    assert!(p.ok(&["verify"]).contains("rig_nft"));

    // A certificate for 4 shares; a rig description no marketplace could show is refused.
    let out = p.ok(&wrap);
    assert!(out.contains("certificate 0"), "{out}");
    assert!(out.contains("locks 4 shares: 4 TH/s"), "{out}");
    let mut bad = wrap;
    bad[7] = "Antminer \"S21\"";
    assert!(p.fails(1, &bad).contains("InvalidRig (410)"));
    let show = p.ok(&["rig", "show", "--id", "0"]);
    for expected in [
        "owner      owner",
        "rig        Antminer S21, 17 J/TH, serial S21-0001, Texas, US",
        "shares     4 (4 TH/s)",
        "user       none",
        "for rent   no",
        "\"trait_type\":\"hashrate\",\"value\":4000000000000",
    ] {
        assert!(show.contains(expected), "{expected} not in {show}");
    }

    // Upgraded by its owner only.
    let add = |who: &str| {
        p.run(&[
            "rig",
            "add-shares",
            "--source",
            who,
            "--id",
            "0",
            "--shares",
            "1",
        ])
    };
    let refused = add("buyer");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("signature"));
    assert!(p
        .ok(&[
            "rig",
            "add-shares",
            "--source",
            "owner",
            "--id",
            "0",
            "--shares",
            "1"
        ])
        .contains("locks 5 shares: 5 TH/s"));

    // Listed at 0.01 XLM an epoch, up to 3; rented for 2 by the renter, who pays the owner.
    let list = [
        "rig",
        "list-rental",
        "--source",
        "owner",
        "--id",
        "0",
        "--price",
        "0.01",
        "--max-epochs",
        "3",
    ];
    let mut stranger_list = list;
    stranger_list[3] = "renter";
    assert!(p.fails(1, &stranger_list).contains("signature"));
    p.ok(&list);
    assert!(p
        .ok(&["rig", "show", "--id", "0"])
        .contains("for rent   0.01 XLM per epoch, up to 3 epochs"));
    let rent = |epochs: &str| {
        p.run(&[
            "rig", "rent", "--source", "renter", "--id", "0", "--epochs", epochs,
        ])
    };
    let too_long = rent("4");
    assert_eq!(too_long.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&too_long.stderr).contains("TooManyEpochs (408)"));
    let out = String::from_utf8_lossy(&rent("2").stdout).to_string();
    assert!(out.contains("paying at most 0.02 XLM"), "{out}");
    assert!(
        out.contains("renter receives the certificate's rewards until"),
        "{out}"
    );
    let line = p.fails(1, &["rig", "unwrap", "--source", "owner", "--id", "0"]);
    assert!(line.contains("Rented (406)"), "{line}");

    // Sold while rented: the rental stays with the renter. Nobody else moves it.
    let line = p.fails(
        1,
        &[
            "rig", "transfer", "--source", "buyer", "--id", "0", "--to", "buyer",
        ],
    );
    assert!(line.contains("IncorrectOwner (401)"), "{line}");
    let line = p.fails(
        1,
        &[
            "rig", "transfer", "--source", "buyer", "--from", "owner", "--id", "0", "--to", "buyer",
        ],
    );
    assert!(line.contains("InsufficientApproval (402)"), "{line}");
    p.ok(&[
        "rig", "transfer", "--source", "owner", "--id", "0", "--to", "buyer",
    ]);
    let show = p.ok(&["rig", "show", "--id", "0"]);
    assert!(show.contains("owner      buyer"), "{show}");
    assert!(show.contains("user       renter until"), "{show}");

    // Epoch 1 earns 0.1 XLM and is paid; the rental's period gets the certificate's rewards,
    // claimed by a stranger to the owner and the user.
    p.ok(&["advance-time", "1d"]);
    attest("1", "0.1");
    p.ok(&["advance-time", "2h"]);
    p.ok(&[
        "deposit", "--source", "operator", "--epoch", "1", "--amount", "1",
    ]);
    p.ok(&["advance-time", "2d"]);
    let out = p.ok(&["rig", "claim", "--source", "admin", "--id", "0"]);
    let (owner_part, user_part) = paid(&out);
    assert!(user_part > 0.0, "{out}");
    assert!(owner_part >= 0.0, "{out}");
    assert!(p
        .ok(&["rig", "show", "--id", "0"])
        .contains("user       none"));

    // The rental over, the new owner unwraps and gets the 5 shares back.
    let out = p.ok(&["rig", "unwrap", "--source", "buyer", "--id", "0"]);
    assert!(out.contains("5 shares back to the owner"), "{out}");
    let line = p.fails(1, &["rig", "show", "--id", "0"]);
    assert!(line.contains("NonExistentToken (400)"), "{line}");
    let line = p.fails(2, &["rig", "show", "--id", "x"]);
    assert!(line.contains("certificate id"), "{line}");
}
