// The investor's page: what the connected wallet's shares stand for and earn, streaming live,
// the claim in one signature, the wallet's claims and transfers, and a transfer of shares.
import { html } from "lit-html";

import { history, read, streamEnd, type HistoryItem } from "../chain";
import { formatAmount, formatHashrate, sharesHashrate, short, timeLeft, utc } from "../format";
import { transact } from "../tx";
import { accountAndShares, needsWallet, stat, type Ctx, type View } from "./context";

interface Data {
  holder: string;
  balance: bigint;
  hashratePerShare: bigint;
  claimable: bigint;
  /** Reward base units accruing per hour, from the last two readings (0: none streaming). */
  perHour: bigint;
  /** When the last running stream ends (unix seconds), if one runs. */
  streamEnd?: number;
  ledgerTime: number;
  /** Undefined when the RPC could not give the events. */
  history?: HistoryItem[];
}

/** The previous reading of a holder's claimable rewards, for the streaming rate. */
let last: { holder: string; claimable: bigint; at: number } | undefined;

export function streamRate(
  previous: { claimable: bigint; at: number } | undefined,
  now: { claimable: bigint; at: number },
): bigint {
  if (!previous || now.at <= previous.at || now.claimable < previous.claimable) return 0n;
  return ((now.claimable - previous.claimable) * 3600n) / BigInt(now.at - previous.at);
}

export const investor: View<Data | undefined> = {
  title: "Investor",
  async load(ctx) {
    if (!ctx.wallet) return undefined;
    const { token, distributor } = ctx.suite;
    const holder = ctx.wallet.address;
    const [balance, hashratePerShare, claimable, events, end] = await Promise.all([
      read(token.balance({ id: holder })),
      read(token.hashrate_per_share()),
      read(distributor.claimable({ holder })),
      // The event history is a window an RPC may not hold: without it the page still works.
      history(ctx.suite, holder).catch(() => undefined),
      streamEnd(ctx.suite).catch(() => undefined),
    ]);
    const reading = { claimable, at: ctx.ledgerTime };
    const perHour = last?.holder === holder ? streamRate(last, reading) : 0n;
    if (last?.holder !== holder || reading.at > last.at) last = { holder, ...reading };
    return {
      holder,
      balance,
      hashratePerShare,
      claimable,
      perHour,
      streamEnd: end !== undefined && end > ctx.ledgerTime ? end : undefined,
      ledgerTime: ctx.ledgerTime,
      history: events,
    };
  },
  render(data, ctx) {
    if (!data) return needsWallet(ctx, "see what your shares earn and claim it");
    const { decimals, symbol } = ctx.suite.reward;
    const reward = (v: bigint) => `${formatAmount(v, decimals)} ${symbol}`;
    const claim = () =>
      transact(ctx, {
        title: "Claim your rewards",
        what: [
          `Pays you the ${reward(data.claimable)} your shares have earned so far (more may accrue by the time it lands).`,
          "Needs one signature: yours. The rewards go to this wallet.",
        ],
        build: (o) => ctx.suite.distributor.claim({ holder: data.holder }, o),
        outcome: (paid) => `Paid ${reward(paid)} to your wallet.`,
      }).then(ctx.refresh);
    return html`<section class="card" aria-labelledby="holding">
        <h2 id="holding">Your shares</h2>
        <dl class="stats">
          ${stat("Shares", formatAmount(data.balance), "share-balance")}
          ${stat("Hashrate they stand for", formatHashrate(sharesHashrate(data.balance, data.hashratePerShare)))}
          ${stat("Rewards to claim", reward(data.claimable), "claimable")}
          ${stat("Streaming now", streaming(data, reward), "streaming")}
        </dl>
        <button class="primary" ?disabled=${data.claimable <= 0n} @click=${claim}>
          Claim ${reward(data.claimable)}
        </button>
      </section>
      <section class="card" aria-labelledby="send">
        <h2 id="send">Transfer shares</h2>
        ${transferForm(ctx, data)}
      </section>
      <section class="card" aria-labelledby="past">
        <h2 id="past">Your claims and transfers</h2>
        ${data.history === undefined
          ? html`<p>The network's RPC could not give the history right now.</p>`
          : data.history.length === 0
          ? html`<p>None yet.</p>`
          : html`<table id="history">
              <thead><tr><th scope="col">Ledger</th><th scope="col">What</th><th scope="col">Amount</th></tr></thead>
              <tbody>
                ${data.history.map(
                  (h) => html`<tr>
                    <td>${h.ledger}</td>
                    <td>${describe(h)}</td>
                    <td>${h.kind === "claim" ? reward(h.amount) : `${formatAmount(h.amount)} shares`}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </section>`;
  },
};

/** What streams to the holder now, and until when. */
export function streaming(
  data: { perHour: bigint; streamEnd?: number; ledgerTime: number; balance: bigint },
  reward: (v: bigint) => string,
): string {
  if (data.streamEnd === undefined || data.balance <= 0n) return "nothing streaming";
  const rate = data.perHour > 0n ? `≈ ${reward(data.perHour)} an hour, ` : "";
  return `${rate}until ${utc(data.streamEnd)} (${timeLeft(data.streamEnd, data.ledgerTime)})`;
}

function describe(h: HistoryItem): string {
  switch (h.kind) {
    case "claim":
      return "Claimed rewards";
    case "received":
      return `Received from ${short(h.other ?? "")}`;
    case "sent":
      return `Sent to ${short(h.other ?? "")}`;
    case "minted":
      return "Bought from the miner (minted)";
  }
}

function transferForm(ctx: Ctx, data: Data) {
  const submit = (event: Event) => {
    event.preventDefault();
    const given = accountAndShares(event.target as HTMLFormElement, "the receiving account's");
    if (!given) return;
    const { to, amount } = given;
    void transact(ctx, {
      title: "Transfer shares",
      what: [
        `Sends ${formatAmount(amount)} of your ${formatAmount(data.balance)} shares to ${to}.`,
        "What your shares earned until now stays yours to claim; from now on these shares earn for the receiver.",
      ],
      build: (o) => ctx.suite.token.transfer({ from: data.holder, to, amount }, o),
      outcome: () => `Sent ${formatAmount(amount)} shares.`,
    }).then(ctx.refresh);
  };
  return html`<form @submit=${submit} novalidate>
    <label>To (account address)<input name="to" autocomplete="off" spellcheck="false" required /></label>
    <label>Shares<input name="amount" inputmode="decimal" required aria-describedby="transfer-problem" /></label>
    <p id="transfer-problem" class="error" role="alert"></p>
    <button type="submit">Review the transfer</button>
  </form>`;
}
