// A Stellar Wallets Kit module that signs with a keypair: what browser tests connect, so the
// app's real signing path runs. It is offered only when the config says `testWallet` (which
// only `hashshare app --test-wallet` does) and only once the page holds a secret in
// `window.hashshareTestWallet`. Setting `reject` there makes it refuse to sign, as a person
// declining in a wallet does.
import { Keypair, TransactionBuilder, contract } from "@stellar/stellar-sdk";
import { ModuleType, type ModuleInterface } from "@creit.tech/stellar-wallets-kit/types";

declare global {
  interface Window {
    hashshareTestWallet?: { secret: string; reject?: boolean };
  }
}

const ICON =
  "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><rect width='16' height='16' rx='3' fill='%23555'/></svg>";

export class KeypairWallet implements ModuleInterface {
  moduleType = ModuleType.HOT_WALLET;
  productId = "hashshare-test-keypair";
  productName = "Test keypair";
  productUrl = "https://github.com/";
  productIcon = ICON;

  constructor(private readonly passphrase: string) {}

  private key(): Keypair {
    const secret = window.hashshareTestWallet?.secret;
    if (!secret) throw { code: -1, message: "The test wallet has no key." };
    return Keypair.fromSecret(secret);
  }

  private refuse(): void {
    if (window.hashshareTestWallet?.reject) {
      throw { code: -4, message: "The user rejected the request." };
    }
  }

  async isAvailable(): Promise<boolean> {
    return Boolean(window.hashshareTestWallet?.secret);
  }

  async getAddress(): Promise<{ address: string }> {
    return { address: this.key().publicKey() };
  }

  async signTransaction(
    xdr: string,
    opts?: { networkPassphrase?: string },
  ): Promise<{ signedTxXdr: string; signerAddress: string }> {
    this.refuse();
    const key = this.key();
    const tx = TransactionBuilder.fromXDR(xdr, opts?.networkPassphrase ?? this.passphrase);
    tx.sign(key);
    return { signedTxXdr: tx.toXDR(), signerAddress: key.publicKey() };
  }

  async signAuthEntry(
    authEntry: string,
    opts?: { networkPassphrase?: string },
  ): Promise<{ signedAuthEntry: string; signerAddress: string }> {
    this.refuse();
    const key = this.key();
    const signer = contract.basicNodeSigner(key, opts?.networkPassphrase ?? this.passphrase);
    const { signedAuthEntry } = await signer.signAuthEntry(authEntry);
    return { signedAuthEntry, signerAddress: key.publicKey() };
  }

  async signMessage(): Promise<{ signedMessage: string; signerAddress: string }> {
    throw { code: -3, message: "The test wallet does not sign messages." };
  }

  async getNetwork(): Promise<{ network: string; networkPassphrase: string }> {
    return { network: "hashshare", networkPassphrase: this.passphrase };
  }
}
