//! The node's state exported as a `soroban-ledger-snapshot` file: loaded by a Rust test's
//! `Env::from_ledger_snapshot_file`, and by a new node that carries on from it.
mod support;

use hashshare_node::node::{Config, Node};
use soroban_env_host::xdr::{ScAddress, ScVal};
use soroban_sdk::{IntoVal, Symbol};
use support::*;

#[test]
fn an_exported_state_loads_in_a_test_env_and_in_a_new_node() {
    let net = Net::new();
    let alice = key(1);
    net.fund(&alice);
    let code = net.upload(&alice, &wasm("plain_token"));
    let token = net.deploy(
        &alice,
        code,
        5,
        vec![address(&alice), string("Plain"), string("PLN")],
    );
    net.invoke(
        &alice,
        call(&token, "mint", vec![address(&alice), i128_val(1_000)]),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.json");
    net.node.export().write_file(&path).unwrap();

    // A Rust test reads the token's state from it.
    let ScAddress::Contract(contract) = &token else {
        panic!("{token:?}")
    };
    let env = soroban_sdk::Env::from_ledger_snapshot_file(&path);
    let contract = soroban_sdk::Address::from_str(&env, &contract.to_string());
    let holder = soroban_sdk::Address::from_str(&env, &id(&alice).to_string());
    let balance: i128 = env.invoke_contract(
        &contract,
        &Symbol::new(&env, "balance"),
        soroban_sdk::vec![&env, holder.into_val(&env)],
    );
    assert_eq!(balance, 1_000);

    // A new node starts from it and carries on: the same balance, the next sequence number.
    let again = Net {
        node: {
            let node = Node::open(Config {
                ledger_seconds: 1,
                import: Some(path.clone()),
                ..Config::default()
            })
            .unwrap();
            node.start_closer();
            node
        },
        close_on_send: false,
    };
    assert_eq!(again.next_seq(&alice), net.next_seq(&alice));
    let read = again.invoke(&alice, call(&token, "balance", vec![address(&alice)]));
    assert_eq!(read, i128_val(1_000));
    assert!(matches!(read, ScVal::I128(_)));
    // A directory that already holds a ledger refuses a snapshot.
    let used = tempfile::tempdir().unwrap();
    drop(Node::open(Config {
        dir: Some(used.path().to_path_buf()),
        ..Config::default()
    }));
    let refused = Node::open(Config {
        dir: Some(used.path().to_path_buf()),
        import: Some(path),
        ..Config::default()
    });
    assert!(refused.is_err());
}
