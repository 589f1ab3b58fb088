// Every transaction the same way: what it will do and its fee before the wallet opens, then
// its progress (wallet, network, ledger) and its outcome, or why it did not happen in words.
import { rpc, type contract } from "@stellar/stellar-sdk";
import { html, render } from "lit-html";

import { explain } from "./errors";
import { formatAmount } from "./format";
import type { Wallet } from "./wallet";

export interface TxSpec<T> {
  /** A title: what the person asked for (`Claim your rewards`). */
  title: string;
  /** What the transaction will do, line by line, as the person should check it. */
  what: string[];
  /** Builds and simulates the transaction with `options` (it may fail here: nothing is sent
   * then). */
  build: (options: contract.MethodOptions) => Promise<contract.AssembledTransaction<T>>;
  /** What the outcome means, from the call's return value. */
  outcome?: (result: T) => string;
}

type Stage =
  | { kind: "preparing" }
  | { kind: "review"; fee: bigint }
  | { kind: "signing"; fee: bigint }
  | { kind: "sending"; fee: bigint }
  | { kind: "done"; ledger: number; feeCharged: bigint; outcome: string }
  | { kind: "failed"; why: string };

/**
 * How long a transaction stays valid, by the network's clock: five minutes past the latest
 * ledger's close time (the SDK counts from this computer's clock, which a dev network's clock
 * may run ahead of).
 */
export function validFor(ledgerTime: number, now = Date.now() / 1000): number {
  return Math.max(300, Math.ceil(ledgerTime - now) + 300);
}

/** Runs one transaction through its dialog; whether it landed. */
export function transact<T>(ctx: { wallet?: Wallet; ledgerTime: number }, spec: TxSpec<T>): Promise<boolean> {
  const wallet = ctx.wallet!;
  const dialog = document.getElementById("tx-dialog") as HTMLDialogElement;
  return new Promise((resolve) => {
    let tx: contract.AssembledTransaction<T> | undefined;
    let landed = false;
    const close = () => {
      dialog.close();
      resolve(landed);
    };
    const show = (stage: Stage) => {
      render(view(spec, stage, { sign, close }), dialog);
      const focus = dialog.querySelector<HTMLElement>("[autofocus]");
      focus?.focus();
    };
    const sign = async () => {
      if (!tx) return;
      const fee = BigInt(tx.built?.fee ?? 0);
      try {
        show({ kind: "signing", fee });
        await tx.sign({ signTransaction: wallet.signTransaction });
        show({ kind: "sending", fee });
        const sent = await tx.send();
        const response = sent.getTransactionResponse;
        if (response?.status !== rpc.Api.GetTransactionStatus.SUCCESS) {
          // Applied but failed (its fee is charged), or never found.
          const code = response && "resultXdr" in response ? response.resultXdr.result.type : "";
          show({
            kind: "failed",
            why: `The transaction failed in its ledger${code ? ` (${code})` : ""}: nothing but its fee was taken.`,
          });
          return;
        }
        landed = true;
        show({
          kind: "done",
          ledger: response.ledger,
          feeCharged: BigInt(response.resultXdr.feeCharged),
          outcome: spec.outcome ? spec.outcome(sent.result) : "Done.",
        });
      } catch (error) {
        show({ kind: "failed", why: explain(error) });
      }
    };
    dialog.showModal();
    show({ kind: "preparing" });
    spec
      .build({ timeoutInSeconds: validFor(ctx.ledgerTime) })
      .then((built) => {
        // The SDK keeps a failed simulation (a contract error) in the transaction.
        if (built.simulation && rpc.Api.isSimulationError(built.simulation)) {
          show({ kind: "failed", why: explain(built.simulation.error) });
          return;
        }
        tx = built;
        show({ kind: "review", fee: BigInt(built.built?.fee ?? 0) });
      })
      .catch((error) => show({ kind: "failed", why: explain(error) }));
  });
}

const xlm = (stroops: bigint) => `${formatAmount(stroops, 7)} XLM`;

function view<T>(
  spec: TxSpec<T>,
  stage: Stage,
  act: { sign: () => void; close: () => void },
) {
  const steps = html`<ul class="what">
    ${spec.what.map((line) => html`<li>${line}</li>`)}
  </ul>`;
  const body = (() => {
    switch (stage.kind) {
      case "preparing":
        return html`${steps}<p role="status">Checking the transaction with the network…</p>`;
      case "review":
        return html`${steps}
          <p>Network fee: at most <strong>${xlm(stage.fee)}</strong>, paid in lumens.</p>
          <div class="actions">
            <button class="primary" autofocus @click=${act.sign}>Sign in your wallet</button>
            <button @click=${act.close}>Cancel</button>
          </div>`;
      case "signing":
        return html`${steps}<p role="status">Waiting for your wallet to sign…</p>`;
      case "sending":
        return html`${steps}<p role="status">Sent: waiting for the next ledger…</p>`;
      case "done":
        return html`<p role="status" class="ok">
            ${stage.outcome} Confirmed in ledger ${stage.ledger}; fee charged
            ${xlm(stage.feeCharged)}.
          </p>
          <div class="actions"><button autofocus @click=${act.close}>Close</button></div>`;
      case "failed":
        return html`<p role="alert" class="error">${stage.why}</p>
          <div class="actions"><button autofocus @click=${act.close}>Close</button></div>`;
    }
  })();
  return html`<h2 id="tx-title">${spec.title}</h2>
    ${body}`;
}
