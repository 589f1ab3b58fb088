// The app's shell: loads the config, connects the suite's clients, routes between the four
// views (#investor, #offering, #miner, #reporter), re-reads the chain every few seconds and
// after every transaction, and connects wallets through the Stellar Wallets Kit.
import { html, render, type TemplateResult } from "lit-html";

import { connectSuite, type Suite } from "./chain";
import { loadConfig, type AppConfig } from "./config";
import { explain } from "./errors";
import { short } from "./format";
import { page, type Ctx, type Page } from "./views/context";
import { investor } from "./views/investor";
import { miner } from "./views/miner";
import { offering } from "./views/offering";
import { reporter } from "./views/reporter";
import { connectWallet, disconnectWallet, initWallets, type Wallet } from "./wallet";
import "./style.css";

const VIEWS: Record<string, Page> = {
  investor: page(investor),
  offering: page(offering),
  miner: page(miner),
  reporter: page(reporter),
};

/** How often the page re-reads the chain (streams move every ledger). */
const REFRESH_MS = 5_000;

let config: AppConfig;
let suite: Suite;
let wallet: Wallet | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let generation = 0;

function route(): string {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return Object.hasOwn(VIEWS, name) ? name : "investor";
}

async function connect(): Promise<void> {
  try {
    const connected = await connectWallet();
    // The wallet and the clients that sign for it change together: a refresh never pairs one
    // wallet with another's clients.
    suite = await connectSuite(config, {
      publicKey: connected.address,
      signTransaction: connected.signTransaction,
    });
    wallet = connected;
    void refresh();
  } catch (error) {
    showProblem(explain(error));
  }
}

async function disconnect(): Promise<void> {
  await disconnectWallet();
  wallet = undefined;
  suite = await connectSuite(config);
  void refresh();
}

function shell(content: TemplateResult | string): TemplateResult {
  const current = route();
  return html`<header>
      <h1><a href="#investor">hashshare</a></h1>
      <span class="network" title=${config.rpcUrl}>${config.network}</span>
      <nav aria-label="Views">
        ${Object.entries(VIEWS).map(
          ([name, view]) =>
            html`<a href="#${name}" aria-current=${current === name ? "page" : "false"}>${view.title}</a>`,
        )}
      </nav>
      <div class="wallet">
        ${wallet
          ? html`<span id="wallet-address" title=${wallet.address}>${short(wallet.address)}</span>
              <button @click=${disconnect}>Disconnect</button>`
          : html`<button class="primary" id="connect" @click=${connect}>Connect wallet</button>`}
      </div>
    </header>
    <main id="view" aria-live="polite">${content}</main>
    <p id="problem" role="alert" class="error"></p>
    <dialog id="tx-dialog" aria-labelledby="tx-title"></dialog>`;
}

function showProblem(text: string): void {
  const problem = document.getElementById("problem");
  if (problem) problem.textContent = text;
}

/** Reads the current view's data and renders it (a slower, older read never overwrites). */
async function refresh(): Promise<void> {
  clearTimeout(timer);
  const mine = ++generation;
  const name = route();
  const view = VIEWS[name];
  const dialogOpen = (document.getElementById("tx-dialog") as HTMLDialogElement | null)?.open;
  try {
    const latest = await suite.server.getLatestLedger();
    const ctx: Ctx = {
      suite,
      wallet,
      ledgerTime: Number(latest.closeTime),
      refresh: () => void refresh(),
      connect: () => void connect(),
    };
    const shown = await view.show(ctx);
    if (mine !== generation) return;
    // Never re-render under an open transaction dialog's feet: its forms keep their input.
    if (!dialogOpen) {
      render(shell(shown.template), document.body);
      shown.after();
      document.title = `hashshare · ${view.title}`;
      document.body.dataset.view = name;
      document.body.dataset.ledger = String(latest.sequence);
    }
    showProblem("");
  } catch (error) {
    if (mine === generation) showProblem(explain(error));
  } finally {
    if (mine === generation) timer = setTimeout(() => void refresh(), view.refreshMs ?? REFRESH_MS);
  }
}

async function start(): Promise<void> {
  try {
    config = await loadConfig();
    initWallets(config);
    suite = await connectSuite(config);
  } catch (error) {
    render(html`<main><h1>hashshare</h1><p role="alert" class="error">Cannot start: ${explain(error)}</p></main>`, document.body);
    return;
  }
  render(shell(html`<p>Loading…</p>`), document.body);
  window.addEventListener("hashchange", () => void refresh());
  await refresh();
}

void start();
