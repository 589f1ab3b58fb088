// The miner's page: mint (with the room left under the sustained capacity, and why it is 0),
// record and pay each ended epoch (what it owes and what is paid), the allowance that pays mint
// top-ups, and the fees to withdraw.
import { html } from "lit-html";

import { roomLine, room, type CapacityView } from "../capacity";
import { read, type Books, type EpochPayout } from "../chain";
import { formatAmount, short } from "../format";
import { transact } from "../tx";
import { accountAndShares, needsWallet, stat, type Ctx, type View } from "./context";

/** How long a top-up allowance lasts: the longest an entry may live (testnet's max TTL). */
const ALLOWANCE_LEDGERS = 3_110_400 - 1;

interface Unpaid {
  epoch: bigint;
  payout: EpochPayout;
  due: bigint;
}

interface Data {
  me: string;
  operator: string;
  feeRecipient: string;
  capacity: CapacityView;
  /** The first epoch not recorded yet, and the current one (epochs before it have ended). */
  next: bigint;
  current: bigint;
  unpaid: Unpaid[];
  books: Books;
  allowance: bigint;
  balance: bigint;
}

export const miner: View<Data | undefined> = {
  title: "Miner",
  async load(ctx) {
    if (!ctx.wallet) return undefined;
    const { oracle, token, distributor, asset, config } = ctx.suite;
    const pool = config.pool;
    const me = ctx.wallet.address;
    const [operator, poolConfig, current, latest, capacity, supply, hashratePerShare, maturity, next, books, feeRecipient, allowance, balance] =
      await Promise.all([
        read(token.operator()),
        read(oracle.pool({ pool })),
        read(oracle.current_epoch({ pool })),
        read(oracle.latest({ pool })),
        read(oracle.capacity({ pool })),
        read(token.total_supply()),
        read(token.hashrate_per_share()),
        read(token.maturity()),
        read(distributor.next_epoch()),
        read(distributor.totals()),
        read(distributor.fee_recipient()),
        read(asset.allowance({ from: me, spender: config.contracts.payout_distributor })),
        read(asset.balance({ id: me })),
      ]);
    // Consecutive effective epochs ending at the latest, up to the window (why the cap is 0).
    let run = 0;
    if (latest) {
      while (run < poolConfig.capacity_epochs && BigInt(run) <= latest.epoch) {
        const effective = await read(oracle.report({ pool, epoch: latest.epoch - BigInt(run) }));
        if (!effective) break;
        run += 1;
      }
    }
    // The recorded epochs of the last few with something still due.
    const recent = Array.from({ length: Math.min(Number(next), 30) }, (_, i) => next - 1n - BigInt(i));
    const unpaid = (
      await Promise.all(
        recent.map(async (epoch) => {
          const [payout, due] = await Promise.all([
            read(distributor.epoch({ epoch })),
            read(distributor.due({ epoch })),
          ]);
          return payout && due > 0n ? { epoch, payout, due } : undefined;
        }),
      )
    ).filter((u): u is Unpaid => u !== undefined);
    return {
      me,
      operator,
      feeRecipient,
      capacity: {
        capacity,
        latest: latest?.epoch,
        current,
        maxAgeEpochs: poolConfig.max_age_epochs,
        capacityEpochs: poolConfig.capacity_epochs,
        run,
        supply,
        hashratePerShare,
        maturity,
        now: BigInt(ctx.ledgerTime),
      },
      next,
      current,
      unpaid,
      books,
      allowance,
      balance,
    };
  },
  render(d, ctx) {
    if (!d) return needsWallet(ctx, "mint shares and pay epochs as the miner");
    const { decimals, symbol } = ctx.suite.reward;
    const reward = (v: bigint) => `${formatAmount(v, decimals)} ${symbol}`;
    const feesDue = d.books.fees - d.books.fees_withdrawn;
    const isOperator = d.me === d.operator;
    return html`${isOperator
        ? ""
        : html`<p class="warning">This wallet is not the pool's operator (${d.operator}): the contracts will ask for the operator's signature to mint.</p>`}
      <section class="card" aria-labelledby="mint">
        <h2 id="mint">Mint shares</h2>
        <p id="room">${roomLine(d.capacity)}</p>
        ${mintForm(ctx, d)}
      </section>
      <section class="card" aria-labelledby="pay">
        <h2 id="pay">Pay epochs</h2>
        <dl class="stats">
          ${stat("Your balance", reward(d.balance))}
          ${stat(
            "Top-up allowance to the distributor",
            d.allowance <= 0n ? "none" : d.allowance >= 1n << 100n ? "unlimited" : reward(d.allowance),
          )}
        </dl>
        ${d.allowance <= 0n ? approveButton(ctx, d) : ""}
        ${d.next < d.current
          ? html`<p>Epoch ${d.next} has ended and is not recorded: epochs are recorded in order, one transaction each, before they are paid.</p>
              <button @click=${() => record(ctx, d.next)}>Record epoch ${d.next}</button>`
          : html`<p>Every ended epoch is recorded.</p>`}
        ${d.unpaid.length === 0
          ? html`<p>Nothing is due on the recorded epochs.</p>`
          : html`<table id="unpaid">
              <thead><tr><th scope="col">Epoch</th><th scope="col">Owed</th><th scope="col">Paid</th><th scope="col">Due now</th><th scope="col"></th></tr></thead>
              <tbody>
                ${d.unpaid.map(
                  (u) => html`<tr>
                    <td>${u.epoch}</td>
                    <td>${reward(u.payout.owed)}</td>
                    <td>${reward(u.payout.paid)}</td>
                    <td>${reward(u.due)}</td>
                    <td><button @click=${() => pay(ctx, d, u)}>Pay epoch ${u.epoch}</button></td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
      </section>
      <section class="card" aria-labelledby="fees">
        <h2 id="fees">Fees</h2>
        <p>${reward(feesDue)} of fees to withdraw (to ${d.feeRecipient === d.me ? "this wallet" : short(d.feeRecipient)}).</p>
        <button ?disabled=${feesDue <= 0n} @click=${() => withdraw(ctx, feesDue)}>Withdraw the fees</button>
      </section>`;
  },
};

function mintForm(ctx: Ctx, d: Data) {
  const submit = (event: Event) => {
    event.preventDefault();
    const given = accountAndShares(event.target as HTMLFormElement, "the buyer's account");
    if (!given) return;
    const { to, amount } = given;
    void transact(ctx, {
      title: "Mint shares",
      what: [
        `Creates ${formatAmount(amount)} shares for ${to}.`,
        `${formatAmount(room(d.capacity))} shares may be minted now; a mint while payouts stream pays a top-up into them from your allowance, so holders are not diluted.`,
      ],
      build: (o) => ctx.suite.token.mint({ to, amount }, o),
      outcome: () => `Minted ${formatAmount(amount)} shares.`,
    }).then(ctx.refresh);
  };
  return html`<form @submit=${submit} novalidate>
    <label>Buyer (account address)<input name="to" autocomplete="off" spellcheck="false" required /></label>
    <label>Shares<input name="amount" inputmode="decimal" required aria-describedby="mint-problem" /></label>
    <p id="mint-problem" class="error" role="alert"></p>
    <button type="submit">Review the mint</button>
  </form>`;
}

function approveButton(ctx: Ctx, d: Data) {
  const approve = async () => {
    const latest = (await ctx.suite.server.getLatestLedger()).sequence;
    await transact(ctx, {
      title: "Approve mint top-ups",
      what: [
        "Lets the payout distributor take the top-ups of your mints into running streams from your balance of the reward asset.",
        "Amount: unlimited — any top-up your mints need; only the distributor may use it, and only for your mints.",
        `Lasts until ledger ${latest + ALLOWANCE_LEDGERS} (about 180 days).`,
      ],
      build: (o) => ctx.suite.asset.approve({
          from: d.me,
          spender: ctx.suite.config.contracts.payout_distributor,
          amount: (1n << 127n) - 1n,
          expiration_ledger: latest + ALLOWANCE_LEDGERS,
        }, o),
      outcome: () => "The distributor may take mint top-ups.",
    });
    ctx.refresh();
  };
  return html`<button @click=${approve}>Approve mint top-ups</button>`;
}

function record(ctx: Ctx, epoch: bigint) {
  void transact(ctx, {
    title: `Record epoch ${epoch}`,
    what: [`Fixes what epoch ${epoch} owes the holders, from the oracle's report and the shares held during it.`],
    build: (o) => ctx.suite.distributor.record({ epoch }, o),
    outcome: (payout) =>
      `Epoch ${epoch} owes ${formatAmount(payout.owed, ctx.suite.reward.decimals)} ${ctx.suite.reward.symbol}.`,
  }).then(ctx.refresh);
}

function pay(ctx: Ctx, d: Data, u: Unpaid) {
  const { decimals, symbol } = ctx.suite.reward;
  void transact(ctx, {
    title: `Pay epoch ${u.epoch}`,
    what: [
      `Pays ${formatAmount(u.due, decimals)} ${symbol} from your balance towards epoch ${u.epoch}: its debt (${formatAmount(u.payout.owed - u.payout.paid, decimals)} ${symbol} left) and the top-up for shares minted since.`,
      "The holders receive it as a stream until the end of the next epoch; the fee accrues in the distributor.",
    ],
    build: (o) => ctx.suite.distributor.deposit({ from: d.me, epoch: u.epoch, amount: u.due }, o),
    outcome: () => `Paid epoch ${u.epoch}.`,
  }).then(ctx.refresh);
}

function withdraw(ctx: Ctx, amount: bigint) {
  const { decimals, symbol } = ctx.suite.reward;
  void transact(ctx, {
    title: "Withdraw the fees",
    what: [`Pays the ${formatAmount(amount, decimals)} ${symbol} of fees accrued in the distributor to the fee recipient.`],
    build: (o) => ctx.suite.distributor.withdraw_fees(o),
    outcome: (paid) => `Withdrew ${formatAmount(paid, decimals)} ${symbol}.`,
  }).then(ctx.refresh);
}
