// @ts-check
// Starts a `hashshare node` for a test file and gives the helpers a dApp's code would have.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  rpc,
  contract,
  Keypair,
  Networks,
  TransactionBuilder,
  BASE_FEE,
} from "@stellar/stellar-sdk";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const passphrase = Networks.STANDALONE;

/** The compiled contract `name` (from scripts/build.sh). */
export function wasm(name) {
  return readFileSync(join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "wasm", `${name}.wasm`));
}

/**
 * Starts a node in memory on a free port; resolves once it prints where it listens.
 * @param {string[]} [extra] more `hashshare node` flags
 */
export async function startNode(extra = []) {
  const bin =
    process.env.HASHSHARE_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "debug", "hashshare");
  const child = spawn(bin, ["node", "--ephemeral", "--port", "0", "--ledger-seconds", "1", ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = out.match(/Stellar RPC on (http:\/\/\S+)\/rpc/);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`hashshare node exited with ${code}: ${out}`)));
  });
  const server = new rpc.Server(`${url}/rpc`, { allowHttp: true });
  /**
   * Moves a `--dev-time` node's clock to `time` (unix seconds) through the dev-only
   * `hashshare_advanceTime`; a ledger closes at once at the new time.
   * @param {number} time
   */
  const advanceTo = async (time) => {
    const seconds = time - (await now(server));
    if (seconds <= 0) return;
    const response = await fetch(`${url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hashshare_advanceTime", params: { seconds } }),
    });
    const answer = /** @type {any} */ (await response.json());
    if (answer.error) throw new Error(`hashshare_advanceTime: ${answer.error.message}`);
  };
  return {
    url,
    rpcUrl: `${url}/rpc`,
    server,
    advanceTo,
    stop: () => child.kill("SIGTERM"),
  };
}

/**
 * Funds new accounts through friendbot, as `requestAirdrop` does.
 * @param {rpc.Server} server
 * @param {number} n
 */
export async function fundedKeys(server, n) {
  const keys = Array.from({ length: n }, () => Keypair.random());
  await Promise.all(keys.map((k) => server.requestAirdrop(k.publicKey())));
  return keys;
}

/**
 * Options a contract client needs to sign as `key`.
 * @param {{ rpcUrl: string }} net
 * @param {Keypair} key
 */
export function signer(net, key) {
  return {
    rpcUrl: net.rpcUrl,
    allowHttp: true,
    networkPassphrase: passphrase,
    publicKey: key.publicKey(),
    ...contract.basicNodeSigner(key, passphrase),
  };
}

/**
 * Builds, prepares (simulates and assembles), signs, sends and waits for one operation.
 * @param {rpc.Server} server
 * @param {Keypair} source
 * @param {any} operation
 */
export async function submit(server, source, operation, { prepare = true } = {}) {
  const account = await server.getAccount(source.publicKey());
  // Time bounds from the node's clock, which a `--dev-time` node moves ahead of the wall's.
  const timebounds = { minTime: 0, maxTime: (await now(server)) + 60 };
  let tx = new TransactionBuilder(account, { fee: BASE_FEE, networkPassphrase: passphrase, timebounds })
    .addOperation(operation)
    .build();
  if (prepare) tx = await server.prepareTransaction(tx);
  tx.sign(source);
  const sent = await server.sendTransaction(tx);
  if (sent.status !== "PENDING") throw new Error(`send: ${sent.status}`);
  return server.pollTransaction(sent.hash, { attempts: 60 });
}

/** The close time of the latest ledger. @param {rpc.Server} server */
export async function now(server) {
  return Number((await server.getLatestLedger()).closeTime);
}
