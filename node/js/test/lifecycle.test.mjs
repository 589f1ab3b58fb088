// @ts-check
// An offering's whole life on hashshare node, through the JavaScript SDK exactly as a dApp
// drives it: friendbot, uploads, constructors, `contract.Client` built from the on-chain spec,
// real keypairs, getEvents, and the fees accounts pay. Epochs last a day, as on testnet; the
// node runs with `--dev-time`, so the test moves its clock instead of waiting.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import {
  Asset,
  Operation,
  contract,
  scValToNative,
  nativeToScVal,
} from "@stellar/stellar-sdk";

import { startNode, fundedKeys, signer, submit, wasm, now, passphrase } from "../lib/support.mjs";

const TH = 1_000_000_000_000n;
const SHARE = 10_000_000n;
const EPOCH = 86_400n;
const DISPUTE = 3_600n;
/** Transactions valid for a year of the client's clock: the node's runs ahead of it. */
const YEAR = 365 * 86_400;
const POOL = "js_pool";

/** @type {Awaited<ReturnType<typeof startNode>>} */
let net;
before(async () => {
  net = await startNode(["--dev-time"]);
});

/**
 * A contract client's options to sign as `key`, with time bounds the dev clock stays inside.
 * @param {import("@stellar/stellar-sdk").Keypair} key
 */
const as = (key) => ({ ...signer(net, key), timeoutInSeconds: YEAR });
after(() => net?.stop());

/**
 * Signs and sends a prepared contract call, returning its result.
 * @param {any} tx
 */
async function send(tx) {
  const sent = await tx.signAndSend();
  return sent.result;
}

/**
 * The stroops an account holds.
 * @param {string} id
 */
async function lumens(id) {
  const account = /** @type {any} */ (await net.server.getAccountEntry(id));
  return BigInt(account.balance.toString());
}

test("an offering's lifecycle through contract.Client", async () => {
  const server = net.server;
  const [admin, operator, issuer, alice, bob, fees, ...reporters] = await fundedKeys(server, 11);

  // The reward asset: a classic asset with trustlines, and its Stellar Asset Contract.
  const usd = new Asset("USDX", issuer.publicKey());
  for (const holder of [operator, alice, bob, fees]) {
    const r = await submit(server, holder, Operation.changeTrust({ asset: usd }), { prepare: false });
    assert.equal(r.status, "SUCCESS");
  }
  const paid = await submit(
    server,
    issuer,
    Operation.payment({ destination: operator.publicKey(), asset: usd, amount: "100000" }),
    { prepare: false },
  );
  assert.equal(paid.status, "SUCCESS");
  const sac = await submit(server, issuer, Operation.createStellarAssetContract({ asset: usd }));
  assert.equal(sac.status, "SUCCESS");
  const rewardToken = usd.contractId(passphrase);

  // Upload the three contracts.
  /** @type {Record<string, Buffer>} */
  const hashes = {};
  for (const name of ["pool_oracle", "share_token", "payout_distributor"]) {
    const up = await submit(server, admin, Operation.uploadContractWasm({ wasm: wasm(name) }));
    assert.equal(up.status, "SUCCESS");
    hashes[name] = scValToNative(/** @type {any} */ (up).returnValue);
  }

  // Deploy with constructors, from the on-chain spec.
  /** @type {any} */
  const oracle = await send(
    await contract.Client.deploy({ admin: admin.publicKey() }, { ...as(admin), wasmHash: hashes.pool_oracle }),
  );
  const genesis = BigInt(await now(server)) + 2n;
  await send(
    await oracle.register_pool({
      pool: POOL,
      config: {
        operator: operator.publicKey(),
        reporters: reporters.map((r) => r.publicKey()),
        quorum: 3,
        epoch_seconds: EPOCH,
        genesis,
        dispute_seconds: DISPUTE,
        max_age_epochs: 2n,
        capacity_epochs: 1,
      },
    }),
  );
  // The share token is deployed by the operator: its constructor binds the pool with the
  // operator's consent.
  /** @type {any} */
  const token = await send(
    await contract.Client.deploy(
      {
        admin: admin.publicKey(),
        operator: operator.publicKey(),
        oracle: oracle.options.contractId,
        pool: POOL,
        name: "JS hashrate",
        symbol: "JSH",
        hashrate_per_share: TH,
        maturity: genesis + 10n * EPOCH,
      },
      { ...as(operator), wasmHash: hashes.share_token },
    ),
  );
  /** @type {any} */
  const distributor = await send(
    await contract.Client.deploy(
      {
        admin: admin.publicKey(),
        share_token: token.options.contractId,
        reward_token: rewardToken,
        oracle: oracle.options.contractId,
        pool: POOL,
        fee_bps: 500,
        fee_recipient: fees.publicKey(),
      },
      { ...as(admin), wasmHash: hashes.payout_distributor },
    ),
  );
  const asAdmin = await contract.Client.from({ ...as(admin), contractId: token.options.contractId });
  await send(await /** @type {any} */ (asAdmin).set_distributor({ distributor: distributor.options.contractId }));

  // Epoch 0: every reporter attests 100 TH/s; it is effective a dispute window later.
  const client = (/** @type {string} */ id, /** @type {any} */ key) =>
    contract.Client.from({ ...as(key), contractId: id });
  const attest = async (/** @type {bigint} */ epoch, /** @type {bigint} */ reward) => {
    await net.advanceTo(Number(genesis + (epoch + 1n) * EPOCH));
    // One after another: each submission's footprint depends on the round so far.
    for (const r of reporters) {
      const c = /** @type {any} */ (await client(oracle.options.contractId, r));
      await send(await c.submit({ reporter: r.publicKey(), pool: POOL, epoch, hashrate: 100n * TH, reward }));
    }
  };
  await attest(0n, 0n);
  // Finalized by the last submission; invisible to `report` until effective.
  const [, submitted, report] = (await oracle.round({ pool: POOL, epoch: 0n })).result;
  assert.equal(submitted.length, 0, "no round left open");
  assert.equal(report.hashrate, 100n * TH);
  assert.equal((await oracle.report({ pool: POOL, epoch: 0n })).result, null);
  await net.advanceTo(Number(report.finalized_at + DISPUTE));
  assert.equal((await oracle.report({ pool: POOL, epoch: 0n })).result.hashrate, 100n * TH);
  assert.equal((await oracle.capacity({ pool: POOL })).result, 100n * TH);

  // Mints by the operator; a transfer between investors, whose fee is what the account pays.
  const mint = /** @type {any} */ (await client(token.options.contractId, operator));
  await send(await mint.mint({ to: alice.publicKey(), amount: 60n * SHARE }));
  await send(await mint.mint({ to: bob.publicKey(), amount: 40n * SHARE }));
  const asAlice = /** @type {any} */ (await client(token.options.contractId, alice));
  const before = await lumens(alice.publicKey());
  const transfer = await asAlice.transfer({ from: alice.publicKey(), to: bob.publicKey(), amount: 10n * SHARE });
  const sent = await transfer.signAndSend();
  const after = await lumens(alice.publicKey());
  const result = sent.getTransactionResponse;
  assert.equal(result.status, "SUCCESS");
  const feeCharged = BigInt(/** @type {any} */ (result).resultXdr.feeCharged.toString());
  assert.ok(feeCharged > 100n, `a Soroban call pays more than the inclusion fee: ${feeCharged}`);
  assert.equal(before - after, feeCharged, "the balance drops by exactly the fee charged");
  assert.equal((await asAlice.balance({ id: alice.publicKey() })).result, 50n * SHARE);

  // Epoch 1 earns 1,000,000 units; it is recorded and paid in full by the operator.
  await attest(1n, 1_000_000n);
  const r1 = (await oracle.round({ pool: POOL, epoch: 1n })).result[2];
  await net.advanceTo(Number(r1.finalized_at + DISPUTE));
  const pay = /** @type {any} */ (await client(distributor.options.contractId, operator));
  await send(await pay.record({ epoch: 0n }));
  const payout = await send(await pay.record({ epoch: 1n }));
  assert.ok(payout.owed > 0n && payout.owed <= 1_000_000n, `owed ${payout.owed}`);
  const due = (await pay.due({ epoch: 1n })).result;
  await send(await pay.deposit({ from: operator.publicKey(), epoch: 1n, amount: due }));
  assert.equal((await pay.arrears()).result, 0n);

  // Paid during epoch 2, the payout streams until the end of epoch 3; then both investors
  // claim from their wallets.
  await net.advanceTo(Number(genesis + 4n * EPOCH) + 1);
  let claimed = 0n;
  for (const holder of [alice, bob]) {
    const c = /** @type {any} */ (await client(distributor.options.contractId, holder));
    const amount = await send(await c.claim({ holder: holder.publicKey() }));
    assert.ok(amount > 0n);
    claimed += amount;
  }
  const net95 = (due * 95n) / 100n;
  assert.ok(claimed <= due - (due * 5n) / 100n && claimed >= net95 - 2n, `claimed ${claimed} of ${due}`);

  // The events, as an indexer reads them.
  const start = Number((await server.getLatestLedger()).sequence) - 200;
  const transfers = await server.getEvents({
    startLedger: Math.max(start, 1),
    filters: [
      {
        type: "contract",
        contractIds: [token.options.contractId],
        topics: [[nativeToScVal("transfer", { type: "symbol" }).toXDR("base64"), "*", "*"]],
      },
    ],
  });
  assert.equal(transfers.events.length, 1, "one SEP-41 transfer event");
  const ev = transfers.events[0];
  assert.equal(scValToNative(ev.topic[1]), alice.publicKey());
  assert.equal(scValToNative(ev.topic[2]), bob.publicKey());
  assert.equal(scValToNative(ev.value), 10n * SHARE);
  const mints = await server.getEvents({
    startLedger: Math.max(start, 1),
    filters: [{ contractIds: [token.options.contractId], topics: [["*", "**"]] }],
  });
  assert.ok(mints.events.some((e) => scValToNative(e.topic[0]) === "mint"), "mint events");
  const payouts = await server.getEvents({
    startLedger: Math.max(start, 1),
    filters: [{ contractIds: [distributor.options.contractId] }],
  });
  assert.ok(payouts.events.length >= 3, "deposit and claim events from the distributor");
  assert.ok(payouts.events.every((e) => e.contractId?.toString() === distributor.options.contractId));
});
