//! A contract's life on the node, through the RPC methods as a client calls them.
mod support;

use serde_json::json;
use support::*;

#[test]
fn a_token_is_uploaded_deployed_minted_and_read() {
    let net = Net::new();
    let alice = key(1);
    net.fund(&alice);
    let code = wasm("plain_token");
    let hash = net.upload(&alice, &code);
    let token = net.deploy(
        &alice,
        hash,
        7,
        vec![address(&alice), string("Plain"), string("PLN")],
    );
    net.invoke(
        &alice,
        call(&token, "mint", vec![address(&alice), i128_val(1_000)]),
    );
    let balance = net.invoke(&alice, call(&token, "balance", vec![address(&alice)]));
    assert_eq!(balance, i128_val(1_000));
    let health = net.ok("getHealth", json!(null));
    assert_eq!(health["status"], "healthy");
}

#[test]
fn the_native_asset_contract_is_there_from_genesis() {
    let net = Net::new();
    let alice = key(2);
    net.fund(&alice);
    // friendbot's 10,000 XLM, read (simulated, as a wallet reads) through the native asset's
    // contract.
    let read = net.tx(
        &alice,
        100,
        soroban_env_host::xdr::OperationBody::InvokeHostFunction(
            soroban_env_host::xdr::InvokeHostFunctionOp {
                host_function: call(&native_asset(&net), "balance", vec![address(&alice)]),
                auth: Default::default(),
            },
        ),
    );
    let sim = net.simulate(&read);
    let balance: soroban_env_host::xdr::ScVal =
        hashshare_node::xdr::from_base64(sim["results"][0]["xdr"].as_str().unwrap()).unwrap();
    assert_eq!(balance, i128_val(10_000 * 10_000_000));
    let decimals = net.invoke(&alice, call(&native_asset(&net), "decimals", vec![]));
    assert_eq!(decimals, soroban_env_host::xdr::ScVal::U32(7));
}
