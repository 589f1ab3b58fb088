// @ts-check
// What the node refuses, as the JavaScript SDK sees it: the result codes of stellar-core and
// the contract's own error codes; and an archived entry brought back by the next call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import {
  Account,
  Asset,
  Keypair,
  Operation,
  TransactionBuilder,
  contract,
  xdr,
  scValToNative,
  BASE_FEE,
} from "@stellar/stellar-sdk";

import { startNode, fundedKeys, signer, submit, wasm, passphrase } from "../lib/support.mjs";

/** @type {Awaited<ReturnType<typeof startNode>>} */
let net;
before(async () => {
  net = await startNode(["--min-persistent-ttl", "10"]);
});
after(() => net?.stop());

/**
 * The result code of a refused send, e.g. `txBadSeq`.
 * @param {any} sent
 */
function code(sent) {
  assert.equal(sent.status, "ERROR", `expected a refusal, got ${sent.status}`);
  const result = /** @type {any} */ (sent.errorResult).result;
  return typeof result.switch === "function" ? result.switch().name : result.type ?? result.name;
}

/**
 * A payment of one lumen from `from` to `to`.
 * @param {Account} account
 * @param {string} to
 */
function payment(account, to, { fee = BASE_FEE, timeout = 30 } = {}) {
  return new TransactionBuilder(account, { fee, networkPassphrase: passphrase })
    .addOperation(Operation.payment({ destination: to, asset: Asset.native(), amount: "1" }))
    .setTimeout(timeout);
}

test("stellar-core's refusals, each with its result code, and the node keeps serving", async () => {
  const server = net.server;
  const [alice, bob] = await fundedKeys(server, 2);

  const wrongKey = payment(await server.getAccount(alice.publicKey()), bob.publicKey()).build();
  wrongKey.sign(Keypair.random());
  assert.equal(code(await server.sendTransaction(wrongKey)), "txBadAuth");

  const account = await server.getAccount(alice.publicKey());
  const stale = payment(new Account(alice.publicKey(), (BigInt(account.sequenceNumber()) - 1n).toString()), bob.publicKey()).build();
  stale.sign(alice);
  assert.equal(code(await server.sendTransaction(stale)), "txBadSeq");

  const late = new TransactionBuilder(await server.getAccount(alice.publicKey()), {
    fee: BASE_FEE,
    networkPassphrase: passphrase,
  })
    .addOperation(Operation.payment({ destination: bob.publicKey(), asset: Asset.native(), amount: "1" }))
    .setTimebounds(0, Math.floor(Date.now() / 1000) - 60)
    .build();
  late.sign(alice);
  assert.equal(code(await server.sendTransaction(late)), "txTooLate");

  const cheap = payment(await server.getAccount(alice.publicKey()), bob.publicKey(), { fee: "10" }).build();
  cheap.sign(alice);
  assert.equal(code(await server.sendTransaction(cheap)), "txInsufficientFee");

  // None of the refusals used the sequence number: the next payment goes through.
  const ok = payment(await server.getAccount(alice.publicKey()), bob.publicKey()).build();
  ok.sign(alice);
  const sent = await server.sendTransaction(ok);
  assert.equal(sent.status, "PENDING");
  const got = await server.pollTransaction(sent.hash, { attempts: 30 });
  assert.equal(got.status, "SUCCESS");
});

test("a contract's error reaches the client as its code", async () => {
  const server = net.server;
  const [admin] = await fundedKeys(server, 1);
  const up = await submit(server, admin, Operation.uploadContractWasm({ wasm: wasm("pool_oracle") }));
  assert.equal(up.status, "SUCCESS");
  /** @type {any} */
  const oracle = await (
    await contract.Client.deploy(
      { admin: admin.publicKey() },
      { ...signer(net, admin), wasmHash: hashOf(up) },
    )
  ).signAndSend().then((/** @type {any} */ s) => s.result);
  const call = await oracle.finalize({ pool: "no_such_pool", epoch: 0n });
  const result = call.result;
  // The SDK maps `Error(Contract, #101)` to the spec's error (PoolNotFound), by its doc.
  assert.ok(result && typeof result.unwrapErr === "function", `an Err, got ${result}`);
  assert.equal(result.unwrapErr().message, "No pool with that id.");
  assert.match(String(call.simulation.error), /Error\(Contract, #101\)/);
});

/** The Wasm hash an upload returned. @param {any} response */
function hashOf(response) {
  return scValToNative(response.returnValue);
}

test("an archived contract code entry is restored by the call that uses it", async () => {
  const server = net.server;
  const [admin] = await fundedKeys(server, 1);
  const code = wasm("plain_token");
  const up = await submit(server, admin, Operation.uploadContractWasm({ wasm: code }));
  assert.equal(up.status, "SUCCESS");
  const hash = hashOf(up);
  const key = xdr.LedgerKey.contractCode(new xdr.LedgerKeyContractCode({ hash }));
  const first = await server.getLedgerEntries(key);
  assert.equal(first.entries.length, 1);
  const liveUntil = /** @type {number} */ (first.entries[0].liveUntilLedgerSeq);
  // Ten ledgers of TTL: wait until it has passed.
  for (;;) {
    const latest = await server.getLatestLedger();
    if (latest.sequence > liveUntil) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const archived = await server.getLedgerEntries(key);
  assert.equal(archived.entries[0].liveUntilLedgerSeq, 0, "reported archived");
  /** @type {any} */
  const token = await (
    await contract.Client.deploy(
      { admin: admin.publicKey(), name: "Plain", symbol: "PLN" },
      { ...signer(net, admin), wasmHash: hash },
    )
  ).signAndSend().then((/** @type {any} */ s) => s.result);
  assert.ok(token.options.contractId.startsWith("C"));
  const restored = await server.getLedgerEntries(key);
  assert.ok(/** @type {number} */ (restored.entries[0].liveUntilLedgerSeq) > liveUntil, "live again");
});
