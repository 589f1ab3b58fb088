// The offering: the pool, the hashrate sold, attested and sustained, maturity and fee; per
// epoch, attested hashrate against hashrate sold and owed against paid; arrears; whether the
// oracle's data is fresh, pending or disputed.
import { html } from "lit-html";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

import { disputedEpochs, read, type EpochPayout, type EpochReport, type PoolConfig } from "../chain";
import { duration, formatAmount, formatHashrate, sharesHashrate, utc } from "../format";
import { stat, type Ctx, type View } from "./context";

/** The most epochs the charts show (the latest ones). */
const CHART_EPOCHS = 30;

export interface EpochRow {
  epoch: number;
  /** Effective report, if any. */
  report?: EpochReport;
  /** Finalized but inside its dispute window. */
  pending: boolean;
  payout?: EpochPayout;
}

interface Data {
  config: PoolConfig;
  current: bigint;
  latest?: EpochReport;
  capacity: bigint;
  supply: bigint;
  hashratePerShare: bigint;
  maturity: bigint;
  feeBps: number;
  arrears: bigint;
  rows: EpochRow[];
  disputed: number[];
}

/** Whether the oracle's data backs mints now: its freshness in words. */
export function freshness(
  current: bigint,
  latest: EpochReport | undefined,
  maxAge: bigint,
  pending: number,
): string {
  if (!latest) return pending ? "pending: the first report is inside its dispute window" : "no effective report yet";
  const behind = current - latest.epoch;
  if (behind > maxAge) return `stale: the latest effective epoch, ${latest.epoch}, is ${behind} epochs behind`;
  return pending ? `fresh (epoch ${latest.epoch}); ${pending} more pending` : `fresh: epoch ${latest.epoch} is effective`;
}

/** The time-weighted hashrate an epoch's payout was sized by (the distributor's rule). */
export function soldHashrate(payout: EpochPayout, hashratePerShare: bigint, epochSeconds: bigint): bigint {
  return (payout.supply_seconds * hashratePerShare) / (10_000_000n * (epochSeconds > 0n ? epochSeconds : 1n));
}

export const offering: View<Data> = {
  title: "Offering",
  // Three reads an epoch: every 30 s is enough for a page that changes once an epoch.
  refreshMs: 30_000,
  async load(ctx) {
    const { oracle, token, distributor, config } = ctx.suite;
    const pool = config.pool;
    const [poolConfig, current, latest, capacity, supply, hashratePerShare, maturity, feeBps, arrears] =
      await Promise.all([
        read(oracle.pool({ pool })),
        read(oracle.current_epoch({ pool })),
        read(oracle.latest({ pool })),
        read(oracle.capacity({ pool })),
        read(token.total_supply()),
        read(token.hashrate_per_share()),
        read(token.maturity()),
        read(distributor.fee_bps()),
        read(distributor.arrears()),
      ]);
    const first = Math.max(0, Number(current) - CHART_EPOCHS);
    const epochs = Array.from({ length: Number(current) - first }, (_, i) => first + i);
    const rows = await Promise.all(
      epochs.map(async (epoch): Promise<EpochRow> => {
        const e = BigInt(epoch);
        const [report, round, payout] = await Promise.all([
          read(oracle.report({ pool, epoch: e })),
          read(oracle.round({ pool, epoch: e })),
          read(distributor.epoch({ epoch: e })),
        ]);
        // Option::None comes back as null or undefined.
        return { epoch, report: report ?? undefined, pending: !report && round[2] != null, payout: payout ?? undefined };
      }),
    );
    const disputed = await disputedEpochs(ctx.suite).catch(() => []);
    return {
      config: poolConfig,
      current,
      latest: latest ?? undefined,
      capacity,
      supply,
      hashratePerShare,
      maturity,
      feeBps,
      arrears,
      rows,
      disputed,
    };
  },
  render(d, ctx) {
    const { decimals, symbol } = ctx.suite.reward;
    const reward = (v: bigint) => `${formatAmount(v, decimals)} ${symbol}`;
    const pending = d.rows.filter((r) => r.pending).length;
    const sold = sharesHashrate(d.supply, d.hashratePerShare);
    return html`<section class="card" aria-labelledby="pool">
        <h2 id="pool">Pool ${ctx.suite.config.pool}</h2>
        <dl class="stats">
          ${stat("Hashrate sold", formatHashrate(sold), "sold")}
          ${stat("Attested (latest effective)", d.latest ? formatHashrate(d.latest.hashrate) : "none yet")}
          ${stat("Sustained (caps mints)", formatHashrate(d.capacity), "sustained")}
          ${stat("Oracle data", freshness(d.current, d.latest, d.config.max_age_epochs, pending), "freshness")}
          ${stat("Epoch", `${d.current} (${duration(Number(d.config.epoch_seconds))} each)`)}
          ${stat("Reporters", `${d.config.quorum} of ${d.config.reporters.length} (an honest majority)`)}
          ${stat("Matures", utc(Number(d.maturity)))}
          ${stat("Fee", `${d.feeBps / 100}% of payouts`)}
          ${stat("Reward asset", ctx.suite.reward.name, "reward-asset")}
          ${stat("Arrears (owed, not paid)", reward(d.arrears), "arrears")}
        </dl>
        ${d.disputed.length
          ? html`<p class="warning">Disputed reports: epochs ${d.disputed.join(", ")}.</p>`
          : ""}
      </section>
      <section class="card" aria-labelledby="charts">
        <h2 id="charts">Per epoch</h2>
        <figure>
          <div id="hashrate-chart" class="chart" data-epochs=${d.rows.length}></div>
          <figcaption>Attested hashrate against hashrate sold (TH/s), epochs ${d.rows[0]?.epoch ?? 0}–${d.rows.at(-1)?.epoch ?? 0}</figcaption>
        </figure>
        <figure>
          <div id="payout-chart" class="chart" data-epochs=${d.rows.length}></div>
          <figcaption>Owed against paid (${symbol})</figcaption>
        </figure>
        <table id="epochs">
          <caption class="visually-hidden">Each epoch's report and payout</caption>
          <thead>
            <tr><th scope="col">Epoch</th><th scope="col">Attested</th><th scope="col">Sold</th><th scope="col">Owed</th><th scope="col">Paid</th></tr>
          </thead>
          <tbody>
            ${d.rows.map(
              (r) => html`<tr class=${r.payout && r.payout.paid < r.payout.owed ? "arrears" : ""}>
                <td>${r.epoch}</td>
                <td>${r.report ? formatHashrate(r.report.hashrate) : r.pending ? "pending" : "—"}</td>
                <td>${r.payout ? formatHashrate(soldHashrate(r.payout, d.hashratePerShare, d.config.epoch_seconds)) : "not recorded"}</td>
                <td>${r.payout ? reward(r.payout.owed) : "—"}</td>
                <td>${r.payout ? reward(r.payout.paid) : "—"}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </section>`;
  },
  after: drawCharts,
};

/** The charts' observers of their card's width, replaced at each redraw. */
const resizers = new Map<string, ResizeObserver>();

/** Draws the two charts into the rendered view (uPlot needs the elements in the page). */
function drawCharts(d: Data, ctx: Ctx): void {
  const epochs = d.rows.map((r) => r.epoch);
  const th = (v: bigint | undefined) => (v === undefined ? null : Number(v) / 1e12);
  const units = (v: bigint | undefined) =>
    v === undefined ? null : Number(v) / 10 ** ctx.suite.reward.decimals;
  // As wide as the card (at most 720 px), following it when the window is resized.
  const widthOf = (element: HTMLElement) => Math.max(200, Math.min(720, element.clientWidth));
  const chart = (
    id: string,
    series: { label: string; stroke: string; dash?: number[] }[],
    data: (number | null)[][],
  ) => {
    const element = document.getElementById(id);
    if (!element) return;
    element.replaceChildren();
    const plot = new uPlot(
      {
        width: widthOf(element),
        height: 220,
        scales: { x: { time: false } },
        series: [{ label: "epoch" }, ...series.map((s) => ({ ...s, width: 2, spanGaps: false }))],
        axes: [{ label: "epoch", incrs: [1, 2, 5, 10, 20, 50] }, {}],
      },
      [epochs, ...data] as uPlot.AlignedData,
      element,
    );
    resizers.get(id)?.disconnect();
    const resizer = new ResizeObserver(() => plot.setSize({ width: widthOf(element), height: 220 }));
    resizer.observe(element);
    resizers.set(id, resizer);
  };
  chart(
    "hashrate-chart",
    [
      { label: "attested TH/s", stroke: "#1b6ec2" },
      { label: "sold TH/s", stroke: "#c2571b" },
    ],
    [
      d.rows.map((r) => th(r.report?.hashrate)),
      d.rows.map((r) => th(r.payout ? soldHashrate(r.payout, d.hashratePerShare, d.config.epoch_seconds) : undefined)),
    ],
  );
  chart(
    "payout-chart",
    [
      { label: "owed", stroke: "#7a1bc2", dash: [6, 4] },
      { label: "paid", stroke: "#1b8a52" },
    ],
    [d.rows.map((r) => units(r.payout?.owed)), d.rows.map((r) => units(r.payout?.paid))],
  );
}
