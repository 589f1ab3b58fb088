// Wallets through the Stellar Wallets Kit: Freighter, xBull, Albedo, LOBSTR, Hana and every
// other module the kit ships without extra setup. With `testWallet` in the config (dev only,
// `hashshare app --test-wallet`) one more module signs with a keypair the page is given, so
// browser tests run the real signing path.
import { StellarWalletsKit } from "@creit.tech/stellar-wallets-kit/sdk";
import { defaultModules } from "@creit.tech/stellar-wallets-kit/modules/utils";
import type { ModuleInterface, Networks } from "@creit.tech/stellar-wallets-kit/types";

import type { AppConfig } from "./config";
import { KeypairWallet } from "./test-wallet";

export interface Wallet {
  address: string;
  signTransaction(xdr: string, opts?: { networkPassphrase?: string; address?: string }): Promise<{
    signedTxXdr: string;
    signerAddress?: string;
  }>;
}

export function initWallets(config: AppConfig): void {
  const modules: ModuleInterface[] = defaultModules();
  if (config.testWallet) modules.unshift(new KeypairWallet(config.networkPassphrase));
  StellarWalletsKit.init({ modules, network: config.networkPassphrase as Networks });
}

/** Opens the kit's wallet picker; the connected wallet. */
export async function connectWallet(): Promise<Wallet> {
  const { address } = await StellarWalletsKit.authModal();
  return {
    address,
    signTransaction: (xdr, opts) => StellarWalletsKit.signTransaction(xdr, { ...opts, address }),
  };
}

export async function disconnectWallet(): Promise<void> {
  await StellarWalletsKit.disconnect();
}
