// What every view is given: the suite's clients (signing through the connected wallet, if
// any), the network's clock, and a way to ask for a refresh after a transaction.
import { StrKey } from "@stellar/stellar-sdk";
import { html, type TemplateResult } from "lit-html";

import type { Suite } from "../chain";
import { parseAmount } from "../format";
import type { Wallet } from "../wallet";

export interface Ctx {
  suite: Suite;
  wallet?: Wallet;
  /** The latest ledger's close time (unix seconds): the network's clock. */
  ledgerTime: number;
  /** Re-reads the chain and renders the view again. */
  refresh: () => void;
  /** Opens the wallet picker. */
  connect: () => void;
}

export interface View<D> {
  title: string;
  load: (ctx: Ctx) => Promise<D>;
  render: (data: D, ctx: Ctx) => TemplateResult;
  /** Runs once the view is in the page (charts need their elements). */
  after?: (data: D, ctx: Ctx) => void;
  /** How often the view re-reads the chain (default 5 s: streams move every ledger). */
  refreshMs?: number;
}

/** A view with its data read: what the shell renders. */
export interface Page {
  title: string;
  refreshMs?: number;
  show: (ctx: Ctx) => Promise<{ template: TemplateResult; after: () => void }>;
}

export function page<D>(view: View<D>): Page {
  return {
    title: view.title,
    refreshMs: view.refreshMs,
    async show(ctx) {
      const data = await view.load(ctx);
      return { template: view.render(data, ctx), after: () => view.after?.(data, ctx) };
    },
  };
}

/** A form's named input's value. */
export function field(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
}

/**
 * A form's account (`to`, G…) and amount of shares (`amount`); undefined, with the problem shown
 * in the form's alert, when either is not one. `whose` names the account in the message.
 */
export function accountAndShares(
  form: HTMLFormElement,
  whose: string,
): { to: string; amount: bigint } | undefined {
  const to = field(form, "to").trim();
  const amount = parseAmount(field(form, "amount"));
  const problem = form.querySelector(".error[role=alert]")!;
  problem.textContent = !StrKey.isValidEd25519PublicKey(to)
    ? `Enter ${whose} address (G…).`
    : amount.ok
      ? ""
      : amount.error;
  return problem.textContent === "" && amount.ok ? { to, amount: amount.value } : undefined;
}

/** A prompt to connect a wallet, for views that need one. */
export function needsWallet(ctx: Ctx, what: string): TemplateResult {
  return html`<section class="card">
    <p>Connect a wallet to ${what}.</p>
    <button class="primary" @click=${ctx.connect}>Connect wallet</button>
  </section>`;
}

/** A labelled value. */
export function stat(label: string, value: string | TemplateResult, id?: string): TemplateResult {
  return html`<div class="stat"><dt>${label}</dt><dd id=${id ?? ""}>${value}</dd></div>`;
}
