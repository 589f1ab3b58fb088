// What the browser tests run against: a `hashshare node --dev-time` in memory, a deployment
// made with the `hashshare` CLI by its own identities (written in stellar-cli's format, their
// secret keys also given to the test wallet in the page), and `hashshare app --test-wallet`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Keypair, contract, rpc } from "@stellar/stellar-sdk";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const bin =
  process.env.HASHSHARE_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(root, "target"), "debug", "hashshare");
export const PASSPHRASE = "Standalone Network ; February 2017";

export const ROLES = ["admin", "operator", "investor", "buyer", "r1", "r2", "r3", "fee"] as const;
export type Role = (typeof ROLES)[number];

export interface World {
  rpcUrl: string;
  appUrl: string;
  keys: Record<Role, Keypair>;
  contracts: Record<"pool_oracle" | "share_token" | "payout_distributor" | "reward_token", string>;
  /** Runs a `hashshare` command against the node and the deployment; its stdout. */
  cli: (...args: string[]) => string;
  server: rpc.Server;
  stop: () => void;
}

/** Starts `command` and resolves with the first match of `pattern` in what it prints. */
function started(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const m = out.match(pattern);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
}

export async function startWorld(): Promise<World> {
  const node = spawn(bin, ["node", "--ephemeral", "--dev-time", "--port", "0", "--ledger-seconds", "1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const rpcUrl = `${await started(node, /Stellar RPC on (http:\/\/\S+\/rpc)/)}`;
  const home = mkdtempSync(join(tmpdir(), "hashshare-app-e2e-"));
  const config = join(home, "stellar");
  const manifest = join(home, "deployment.json");
  mkdirSync(join(config, "identity"), { recursive: true, mode: 0o700 });
  const keys = Object.fromEntries(ROLES.map((r) => [r, Keypair.random()])) as Record<Role, Keypair>;
  for (const role of ROLES) {
    // stellar-cli's identity format: the CLI signs with the same keys as the page.
    writeFileSync(join(config, "identity", `${role}.toml`), `secret_key = "${keys[role].secret()}"\n`, {
      mode: 0o600,
    });
  }
  const env = {
    ...process.env,
    STELLAR_CONFIG_HOME: config,
    STELLAR_RPC_URL: rpcUrl,
    STELLAR_NETWORK_PASSPHRASE: PASSPHRASE,
    STELLAR_NETWORK: "local",
  };
  const cli = (...args: string[]) => {
    const run = spawnSync(bin, ["--manifest", manifest, ...args], { env, encoding: "utf8" });
    if (run.status !== 0) throw new Error(`hashshare ${args.join(" ")}: ${run.stderr}${run.stdout}`);
    return run.stdout;
  };
  for (const role of ROLES) cli("keys", "fund", role);
  cli(
    "deploy", "--source", "admin", "--operator", "operator", "--reporters", "r1,r2,r3",
    "--quorum", "3", "--capacity-epochs", "1", "--epoch", "1d", "--dispute-window", "1h",
    "--fee-recipient", "fee",
  );
  const app = spawn(bin, ["--manifest", manifest, "app", "--port", "0", "--test-wallet"], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const appUrl = await started(app, /hashshare app on (http:\/\/\S+\/)/);
  const deployment = JSON.parse(readFileSync(manifest, "utf8"));
  return {
    rpcUrl,
    appUrl,
    keys,
    contracts: deployment.contracts,
    cli,
    server: new rpc.Server(rpcUrl, { allowHttp: true }),
    stop: () => {
      app.kill("SIGTERM");
      node.kill("SIGTERM");
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** `who`'s balance of a token (the reward asset's contract, or the share token), read by simulation. */
export async function balanceOf(world: World, token: string, who: string): Promise<bigint> {
  const client = await contract.Client.from<{
    balance: (a: { id: string }) => Promise<contract.AssembledTransaction<bigint>>;
  }>({ contractId: token, rpcUrl: world.rpcUrl, networkPassphrase: PASSPHRASE, allowHttp: true });
  return (await client.balance({ id: who })).result;
}
