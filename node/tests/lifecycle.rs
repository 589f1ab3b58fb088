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
