// What the app is pointed at: the network and the deployment. `hashshare app` serves this as
// /config.json from the network's settings and deployments/<network>.json; a static host
// serves a config.json written the same way.

export interface AppConfig {
  /** The network's name, shown to the user (`local`, `testnet`, …). */
  network: string;
  rpcUrl: string;
  networkPassphrase: string;
  contracts: {
    pool_oracle: string;
    share_token: string;
    payout_distributor: string;
    reward_token: string;
  };
  /** The pool id the offering sells. */
  pool: string;
  /** The ledger the deployment began at: where event history starts. */
  startLedger?: number;
  /** Dev only (`hashshare app --test-wallet`): offers a wallet that signs with a keypair. */
  testWallet?: boolean;
}

/** Reads and checks the config; a missing field is named. */
export async function loadConfig(url = "config.json"): Promise<AppConfig> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${response.statusText}`);
  return checkConfig(await response.json());
}

export function checkConfig(value: unknown): AppConfig {
  const c = value as Partial<AppConfig>;
  const missing = ["network", "rpcUrl", "networkPassphrase", "pool", "contracts"].filter(
    (k) => !(c as Record<string, unknown>)?.[k],
  );
  const contracts = ["pool_oracle", "share_token", "payout_distributor", "reward_token"].filter(
    (k) => !(c.contracts as Record<string, unknown> | undefined)?.[k],
  );
  if (missing.length || contracts.length) {
    throw new Error(
      `config.json lacks ${[...missing, ...contracts.map((k) => `contracts.${k}`)].join(", ")}`,
    );
  }
  // Only `true` turns the dev-only test wallet on (not "false", not 1).
  return { ...(c as AppConfig), testWallet: c.testWallet === true };
}
