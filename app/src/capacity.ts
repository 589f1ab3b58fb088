// The mint cap and why it is what it is (as `hashshare mint` explains it): the oracle's
// sustained capacity — the lowest hashrate of the last `capacity_epochs` consecutive effective
// epochs, 0 when fewer exist or the latest is stale — the supply it allows, and the room left.
import { formatAmount, formatHashrate, sharesHashrate } from "./format";

export interface CapacityView {
  /** The oracle's `capacity(pool)`, H/s. */
  capacity: bigint;
  /** The highest effective epoch, if any. */
  latest?: bigint;
  current: bigint;
  maxAgeEpochs: bigint;
  capacityEpochs: number;
  /** Consecutive effective epochs ending at `latest`, counted up to `capacityEpochs`. */
  run: number;
  supply: bigint;
  hashratePerShare: bigint;
  maturity: bigint;
  /** The ledger time of the reading. */
  now: bigint;
}

/** The largest supply the capacity allows (the share token's rule, rounded down). */
export function maxSupply(v: CapacityView): bigint {
  if (v.hashratePerShare <= 0n || v.capacity <= 0n) return 0n;
  return (v.capacity * 10_000_000n) / v.hashratePerShare;
}

/** Shares (base units) that may be minted now. */
export function room(v: CapacityView): bigint {
  if (v.now >= v.maturity) return 0n;
  const left = maxSupply(v) - v.supply;
  return left > 0n ? left : 0n;
}

/** Why the sustained capacity is 0, or undefined if it is not. */
export function whyNoCapacity(v: CapacityView): string | undefined {
  if (v.capacity > 0n) return undefined;
  if (v.latest === undefined) return "no attestation yet: no epoch has an effective report";
  if (v.current - v.latest > v.maxAgeEpochs) {
    return `stale: the latest effective epoch, ${v.latest}, is more than ${v.maxAgeEpochs} epochs behind the current epoch ${v.current}`;
  }
  if (v.run < v.capacityEpochs) {
    return `fewer than ${v.capacityEpochs} consecutive effective epochs: ${v.run} end at epoch ${v.latest}`;
  }
  return `the lowest hashrate attested over the last ${v.capacityEpochs} epochs is 0`;
}

/** Why nothing may be minted now, or undefined if something may. */
export function whyNoRoom(v: CapacityView): string | undefined {
  if (room(v) > 0n) return undefined;
  if (v.now >= v.maturity) return "the shares have matured: no mint at or after maturity";
  return (
    whyNoCapacity(v) ??
    `sold out: the supply of ${formatAmount(v.supply)} shares sells all ${formatHashrate(v.capacity)} of sustained capacity`
  );
}

/** One line: the room left under the capacity, and why it is 0 when it is. */
export function roomLine(v: CapacityView): string {
  const why = whyNoRoom(v);
  if (why) return `Room left: 0 shares (${why}).`;
  const left = room(v);
  return `Room left: ${formatAmount(left)} shares (${formatHashrate(sharesHashrate(left, v.hashratePerShare))}) under the sustained capacity of ${formatHashrate(v.capacity)}.`;
}
