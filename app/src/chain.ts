// The suite's contracts as the SDK's clients, built from each contract's on-chain spec (the
// reward asset's from the SDK's embedded Stellar Asset Contract spec), and the reads the views
// share. Reads are simulations: nothing is signed, sent or paid.
import { contract, nativeToScVal, rpc, scValToNative, xdr } from "@stellar/stellar-sdk";

import type { AppConfig } from "./config";

type Tx<T> = Promise<contract.AssembledTransaction<T>>;
type Addr = { id: string };
type Opts = contract.MethodOptions;

export interface PoolConfig {
  operator: string;
  reporters: string[];
  quorum: number;
  epoch_seconds: bigint;
  genesis: bigint;
  dispute_seconds: bigint;
  max_age_epochs: bigint;
  capacity_epochs: number;
}

export interface EpochReport {
  epoch: bigint;
  hashrate: bigint;
  reward: bigint;
  submissions: number;
  finalized_at: bigint;
}

export interface EpochPayout {
  owed: bigint;
  paid: bigint;
  fee: bigint;
  topup: bigint;
  supply_seconds: bigint;
  reported: boolean;
}

export interface Books {
  deposited: bigint;
  topups: bigint;
  fees: bigint;
  fees_withdrawn: bigint;
}

export interface Oracle {
  pool(a: { pool: string }): Tx<PoolConfig>;
  current_epoch(a: { pool: string }): Tx<bigint>;
  latest(a: { pool: string }): Tx<EpochReport | undefined>;
  report(a: { pool: string; epoch: bigint }): Tx<EpochReport | undefined>;
  round(a: { pool: string; epoch: bigint }): Tx<[bigint, string[], EpochReport | undefined]>;
  capacity(a: { pool: string }): Tx<bigint>;
  submit(a: { reporter: string; pool: string; epoch: bigint; hashrate: bigint; reward: bigint }, options?: Opts): Tx<null>;
  finalize(a: { pool: string; epoch: bigint }, options?: Opts): Tx<null>;
}

export interface ShareToken {
  balance(a: Addr): Tx<bigint>;
  total_supply(): Tx<bigint>;
  hashrate_per_share(): Tx<bigint>;
  maturity(): Tx<bigint>;
  operator(): Tx<string>;
  transfer(a: { from: string; to: string; amount: bigint }, options?: Opts): Tx<null>;
  mint(a: { to: string; amount: bigint }, options?: Opts): Tx<null>;
}

export interface Distributor {
  claimable(a: { holder: string }): Tx<bigint>;
  claim(a: { holder: string }, options?: Opts): Tx<bigint>;
  record(a: { epoch: bigint }, options?: Opts): Tx<EpochPayout>;
  deposit(a: { from: string; epoch: bigint; amount: bigint }, options?: Opts): Tx<null>;
  due(a: { epoch: bigint }): Tx<bigint>;
  epoch(a: { epoch: bigint }): Tx<EpochPayout | undefined>;
  next_epoch(): Tx<bigint>;
  arrears(): Tx<bigint>;
  totals(): Tx<Books>;
  fee_bps(): Tx<number>;
  fee_recipient(): Tx<string>;
  withdraw_fees(options?: Opts): Tx<bigint>;
}

export interface Asset {
  balance(a: Addr): Tx<bigint>;
  decimals(): Tx<number>;
  symbol(): Tx<string>;
  name(): Tx<string>;
  allowance(a: { from: string; spender: string }): Tx<bigint>;
  approve(a: { from: string; spender: string; amount: bigint; expiration_ledger: number }, options?: Opts): Tx<null>;
}

export interface Suite {
  config: AppConfig;
  server: rpc.Server;
  oracle: contract.Client & Oracle;
  token: contract.Client & ShareToken;
  distributor: contract.Client & Distributor;
  asset: contract.Client & Asset;
  /** The reward asset's decimals, symbol (`XLM` for lumens) and name (a Stellar asset's
   * `CODE:ISSUER`: a symbol alone does not tell a real asset from a look-alike). */
  reward: { decimals: number; symbol: string; name: string };
}

/** The clients for `config`, signing (when asked) through `signTransaction` as `publicKey`. */
export async function connectSuite(
  config: AppConfig,
  wallet?: { publicKey: string; signTransaction: contract.ClientOptions["signTransaction"] },
): Promise<Suite> {
  const options = (contractId: string): contract.ClientOptions => ({
    contractId,
    rpcUrl: config.rpcUrl,
    networkPassphrase: config.networkPassphrase,
    allowHttp: new URL(config.rpcUrl).protocol === "http:",
    publicKey: wallet?.publicKey,
    signTransaction: wallet?.signTransaction,
  });
  const c = config.contracts;
  const [oracle, token, distributor, asset] = await Promise.all([
    contract.Client.from<Oracle>(options(c.pool_oracle)),
    contract.Client.from<ShareToken>(options(c.share_token)),
    contract.Client.from<Distributor>(options(c.payout_distributor)),
    contract.Client.from<Asset>(options(c.reward_token)),
  ]);
  const [decimals, symbol, name] = await Promise.all([
    asset.decimals().then((t) => t.result),
    asset.symbol().then((t) => t.result),
    asset.name().then((t) => t.result),
  ]);
  // An i128 amount cannot have a unit of more than 38 decimals: no real asset has them.
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 38) {
    throw new Error(`The reward token reports ${decimals} decimals: not an asset's.`);
  }
  return {
    config,
    server: new rpc.Server(config.rpcUrl, { allowHttp: new URL(config.rpcUrl).protocol === "http:" }),
    oracle,
    token,
    distributor,
    asset,
    reward: {
      decimals,
      symbol: symbol === "native" ? "XLM" : symbol,
      name: name === "native" ? "lumens (native)" : name,
    },
  };
}

/** A read's value (the simulation's result). */
export async function read<T>(tx: Tx<T>): Promise<T> {
  return (await tx).result;
}

/** What the share token's and the distributor's events say about `holder`, newest first. */
export interface HistoryItem {
  ledger: number;
  time: string;
  kind: "claim" | "received" | "sent" | "minted";
  amount: bigint;
  other?: string;
}

/** How far back event history is read: the deployment's first ledger, within the RPC's window
 * (stellar-rpc keeps about 7 days). */
async function historyStart(suite: Suite): Promise<number> {
  const health = await suite.server.getHealth();
  return Math.max(suite.config.startLedger ?? 1, health.oldestLedger ?? 1, 1);
}

/** What each query has read from a server: its events and the cursor to read on from. */
const readSoFar = new WeakMap<rpc.Server, Map<string, { events: rpc.Api.EventResponse[]; cursor: string }>>();

/**
 * Every event matching `filters` from `startLedger` on, oldest first. The first read of a query
 * pages through the history; later ones read on from where it stopped (a page refreshed every
 * few seconds asks the RPC for the new ledgers only), and start over if the RPC no longer holds
 * that cursor.
 */
export async function allEvents(
  server: rpc.Server,
  filters: rpc.Api.EventFilter[],
  startLedger: number,
): Promise<rpc.Api.EventResponse[]> {
  const key = JSON.stringify(filters);
  const reads = readSoFar.get(server) ?? new Map();
  readSoFar.set(server, reads);
  const known = reads.get(key);
  const more = known && (await readEvents(server, filters, { cursor: known.cursor }).catch(() => undefined));
  const read =
    known && more
      ? { events: [...known.events, ...more.events], cursor: more.cursor }
      : await readEvents(server, filters, { startLedger });
  if (read.events.length > MAX_EVENTS) throw new Error(`More than ${MAX_EVENTS} events: too many to read.`);
  reads.set(key, read);
  return read.events;
}

/**
 * The events from a start (a ledger or a cursor) to the latest ledger, and the cursor there. An
 * RPC scans a window of ledgers per call (10,000 on stellar-rpc), so an empty page is not the
 * end: the end is a page short of the limit whose cursor has reached the latest ledger.
 */
async function readEvents(
  server: rpc.Server,
  filters: rpc.Api.EventFilter[],
  from: { startLedger: number } | { cursor: string },
): Promise<{ events: rpc.Api.EventResponse[]; cursor: string }> {
  const limit = 200;
  const events: rpc.Api.EventResponse[] = [];
  let page = await server.getEvents({ ...from, filters, limit } as rpc.Api.GetEventsRequest);
  let previous: bigint | undefined;
  for (;;) {
    events.push(...page.events);
    // The cursor is `<toid>-<index>`; a toid's high 32 bits are its ledger.
    const at = /^(\d+)-(\d+)$/.exec(page.cursor ?? "");
    if (!at || typeof page.latestLedger !== "number") {
      throw new Error("The RPC answered getEvents without a cursor or its latest ledger.");
    }
    const position = (BigInt(at[1]) << 32n) | BigInt(at[2]);
    if (previous !== undefined && position <= previous) {
      throw new Error("The RPC's getEvents cursor did not move forward.");
    }
    if (page.events.length < limit && Number(BigInt(at[1]) >> 32n) >= page.latestLedger) {
      return { events, cursor: page.cursor };
    }
    if (events.length > MAX_EVENTS) throw new Error(`More than ${MAX_EVENTS} events: too many to read.`);
    previous = position;
    page = await server.getEvents({ cursor: page.cursor, filters, limit });
  }
}

/** The most events one query collects (a hostile RPC must not fill the page's memory). */
const MAX_EVENTS = 50_000;

export async function history(suite: Suite, holder: string): Promise<HistoryItem[]> {
  const { config } = suite;
  const who = nativeToScVal(holder, { type: "address" }).toXDR("base64");
  const filters: rpc.Api.EventFilter[] = [
    { type: "contract", contractIds: [config.contracts.payout_distributor], topics: [["*", who]] },
    { type: "contract", contractIds: [config.contracts.share_token], topics: [["*", who, "**"]] },
    { type: "contract", contractIds: [config.contracts.share_token], topics: [["*", "*", who, "**"]] },
  ];
  const events = await allEvents(suite.server, filters, await historyStart(suite));
  return events
    .map((event) => historyItem(event, holder))
    .filter((item): item is HistoryItem => item !== undefined)
    .reverse();
}

/** When the last running stream of rewards ends (unix seconds), from the share token's
 * `reward_notified` events: each deposit streams until its `end`. */
export async function streamEnd(suite: Suite): Promise<number | undefined> {
  const topic = nativeToScVal("reward_notified", { type: "symbol" }).toXDR("base64");
  const events = await allEvents(
    suite.server,
    [{ type: "contract", contractIds: [suite.config.contracts.share_token], topics: [[topic]] }],
    await historyStart(suite),
  );
  const ends = events.map((e) => Number(scValToNative(e.value).end));
  return ends.length ? Math.max(...ends) : undefined;
}

/** Epochs whose report the oracle's admin struck (its `disputed` events). */
export async function disputedEpochs(suite: Suite): Promise<number[]> {
  const events = await allEvents(
    suite.server,
    [{ type: "contract", contractIds: [suite.config.contracts.pool_oracle] }],
    await historyStart(suite),
  );
  return events
    .map((e) => e.topic.map((t) => scValToNative(t)))
    .filter((t) => t[0] === "disputed" && t[1] === suite.config.pool)
    .map((t) => Number(t[2]));
}

function historyItem(event: rpc.Api.EventResponse, holder: string): HistoryItem | undefined {
  const topics = event.topic.map((t: xdr.ScVal) => scValToNative(t));
  const value = scValToNative(event.value);
  const base = { ledger: event.ledger, time: event.ledgerClosedAt };
  switch (topics[0]) {
    case "claimed":
      return { ...base, kind: "claim", amount: BigInt(value.amount), other: value.to };
    case "transfer": {
      if (topics[1] === holder && topics[2] === holder) return undefined;
      // SEP-41: the amount, or {amount, to_muxed_id} for a muxed receiver.
      const amount = BigInt(typeof value === "object" ? value.amount : value);
      return topics[1] === holder
        ? { ...base, kind: "sent", amount, other: topics[2] }
        : { ...base, kind: "received", amount, other: topics[1] };
    }
    case "mint":
      return { ...base, kind: "minted", amount: BigInt(value) };
    default:
      return undefined;
  }
}
