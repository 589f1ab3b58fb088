// The reporter's page: the ended epochs and where each round stands (who has attested,
// pending in its dispute window, effective), and an attestation of an ended epoch.
import { html } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";

import { read, type EpochReport, type PoolConfig } from "../chain";
import { formatAmount, formatHashrate, parseAmount, parseHashrate, short, utc } from "../format";
import { transact } from "../tx";
import { field, needsWallet, type Ctx, type View } from "./context";

/** How many of the latest ended epochs the page lists. */
const LISTED = 8;

export interface RoundRow {
  epoch: bigint;
  /** When the open round's first submission came (0: no round open). */
  openedAt: bigint;
  submitted: string[];
  finalized?: EpochReport;
  effective: boolean;
}

interface Data {
  me: string;
  config: PoolConfig;
  rows: RoundRow[];
}

/** Where a round stands, in words. */
export function roundState(row: RoundRow, config: PoolConfig): string {
  if (row.effective && row.finalized) return `effective: ${formatHashrate(row.finalized.hashrate)}, the median of ${row.finalized.submissions}`;
  if (row.finalized) {
    const at = Number(row.finalized.finalized_at + config.dispute_seconds);
    return `pending: ${formatHashrate(row.finalized.hashrate)}, effective ${utc(at)} unless disputed`;
  }
  if (row.openedAt > 0n) {
    const from = Number(row.openedAt + config.dispute_seconds);
    return `open: ${row.submitted.length} of ${config.reporters.length} attested (quorum ${config.quorum}); closes when all have, or by finalize from ${utc(from)}`;
  }
  return "not attested yet";
}

export const reporter: View<Data | undefined> = {
  title: "Reporter",
  async load(ctx) {
    if (!ctx.wallet) return undefined;
    const { oracle, config } = ctx.suite;
    const pool = config.pool;
    const [poolConfig, current] = await Promise.all([
      read(oracle.pool({ pool })),
      read(oracle.current_epoch({ pool })),
    ]);
    const epochs = Array.from({ length: Math.min(Number(current), LISTED) }, (_, i) => current - 1n - BigInt(i));
    const rows = await Promise.all(
      epochs.map(async (epoch): Promise<RoundRow> => {
        const [[openedAt, submitted, finalized], effective] = await Promise.all([
          read(oracle.round({ pool, epoch })),
          read(oracle.report({ pool, epoch })),
        ]);
        return { epoch, openedAt, submitted, finalized: finalized ?? undefined, effective: effective != null };
      }),
    );
    return { me: ctx.wallet.address, config: poolConfig, rows };
  },
  render(d, ctx) {
    if (!d) return needsWallet(ctx, "attest the pool's epochs as a reporter");
    const listed = d.config.reporters.includes(d.me);
    const open = d.rows.filter((r) => !r.finalized && !r.submitted.includes(d.me));
    return html`${listed
        ? ""
        : html`<p class="warning">This wallet is not one of the pool's reporters: the oracle refuses its attestations.</p>`}
      <section class="card" aria-labelledby="attest">
        <h2 id="attest">Attest an epoch</h2>
        ${open.length === 0
          ? html`<p>Every ended epoch listed is attested by you or finalized.</p>`
          : attestForm(ctx, d, open)}
      </section>
      <section class="card" aria-labelledby="rounds">
        <h2 id="rounds">Ended epochs</h2>
        <table id="rounds-table">
          <thead><tr><th scope="col">Epoch</th><th scope="col">Where it stands</th><th scope="col">You</th></tr></thead>
          <tbody>
            ${d.rows.map(
              (r) => html`<tr>
                <td>${r.epoch}</td>
                <td>${roundState(r, d.config)}</td>
                <td>${r.submitted.includes(d.me) ? "attested" : r.finalized ? "—" : "not yet"}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        <p class="note">Reporters: ${d.config.reporters.map(short).join(", ")}.</p>
      </section>`;
  },
};

/** The epoch the reporter picked in the form. */
let picked: bigint | undefined;

function attestForm(ctx: Ctx, d: Data, open: RoundRow[]) {
  const { decimals, symbol } = ctx.suite.reward;
  const submit = (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const epoch = BigInt(field(form, "epoch"));
    const hashrate = parseHashrate(field(form, "hashrate"));
    const reward = parseAmount(field(form, "reward"), decimals, { allowZero: true });
    const problem = form.querySelector("#attest-problem")!;
    if (!hashrate.ok) {
      problem.textContent = hashrate.error;
      return;
    }
    if (!reward.ok) {
      problem.textContent = reward.error;
      return;
    }
    problem.textContent = "";
    void transact(ctx, {
      title: `Attest epoch ${epoch}`,
      what: [
        `Reports that the pool delivered ${formatHashrate(hashrate.value)} on average over epoch ${epoch} and earned ${formatAmount(reward.value, decimals)} ${symbol}.`,
        "Final once every reporter has attested (the median counts), or by finalize after the dispute window with a quorum in.",
      ],
      build: (o) => ctx.suite.oracle.submit({
          reporter: d.me,
          pool: ctx.suite.config.pool,
          epoch,
          hashrate: hashrate.value,
          reward: reward.value,
        }, o),
      outcome: () => `Attested epoch ${epoch}.`,
    }).then(ctx.refresh);
  };
  // The epoch picked stays picked while the page refreshes and new epochs end.
  const chosen = open.some((r) => r.epoch === picked) ? picked : open[0]?.epoch;
  picked = chosen;
  return html`<form @submit=${submit} novalidate>
    <label>Epoch
      <select name="epoch" @change=${(e: Event) => (picked = BigInt((e.target as HTMLSelectElement).value))}>
        ${repeat(
          open,
          (r) => r.epoch.toString(),
          (r) => html`<option value=${r.epoch.toString()} ?selected=${r.epoch === chosen}>${r.epoch}</option>`,
        )}
      </select>
    </label>
    <label>Average hashrate<input name="hashrate" placeholder="100TH" required aria-describedby="attest-problem" /></label>
    <label>Net reward (${symbol})<input name="reward" inputmode="decimal" required aria-describedby="attest-problem" /></label>
    <p id="attest-problem" class="error" role="alert"></p>
    <button type="submit">Review the attestation</button>
  </form>`;
}
