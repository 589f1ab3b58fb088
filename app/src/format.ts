// Quantities as people read and type them: amounts in an asset's decimal units (7 for shares
// and every Stellar asset), hashrate with its unit, durations and dates. Amounts are bigint
// base units throughout: a JavaScript number cannot hold i128 amounts exactly.

/** Decimals of the share token (and of every Stellar asset contract). */
export const SHARE_DECIMALS = 7;

/** Base units as decimal units: `125000000n` with 7 decimals is `"12.5"`. */
export function formatAmount(base: bigint, decimals = SHARE_DECIMALS): string {
  const sign = base < 0n ? "-" : "";
  const abs = base < 0n ? -base : base;
  const unit = 10n ** BigInt(decimals);
  const whole = (abs / unit).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = (abs % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** What a parse gives: the value, or why the text is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The largest amount an i128 holds, in base units. */
export const I128_MAX = (1n << 127n) - 1n;

/**
 * A positive amount typed in decimal units (`2.5`, `1,000`) as base units; `allowZero` also
 * takes 0. A comma is only a thousands separator (`1,000`): `2,5` is refused, never 25.
 */
export function parseAmount(
  text: string,
  decimals = SHARE_DECIMALS,
  { allowZero = false } = {},
): Parsed<bigint> {
  const trimmed = text.trim();
  if (trimmed.includes(",") && !/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(trimmed)) {
    return { ok: false, error: "Use a point for decimals (2.5); a comma only between thousands (1,000)." };
  }
  const plain = trimmed.replace(/,/g, "");
  const m = /^(\d*)(?:\.(\d*))?$/.exec(plain);
  if (!plain || !m || (m[1] === "" && (m[2] ?? "") === "")) {
    return { ok: false, error: "Enter an amount such as 10 or 2.5." };
  }
  const fraction = m[2] ?? "";
  if (fraction.length > decimals) {
    return { ok: false, error: `At most ${decimals} decimals.` };
  }
  const value = BigInt(m[1] || "0") * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (value > I128_MAX) return { ok: false, error: "Too large for any asset." };
  if (value < 0n || (value === 0n && !allowZero)) return { ok: false, error: "Enter an amount above 0." };
  return { ok: true, value };
}

const HASHRATE_UNITS: [string, number][] = [
  ["EH/s", 18],
  ["PH/s", 15],
  ["TH/s", 12],
  ["GH/s", 9],
  ["MH/s", 6],
  ["kH/s", 3],
];

/** Hashrate in H/s in the largest unit it reaches, to 3 decimals (`100 TH/s`, `57.5 TH/s`). */
export function formatHashrate(hs: bigint): string {
  for (const [name, exponent] of HASHRATE_UNITS) {
    const scale = 10n ** BigInt(exponent);
    if (hs >= scale) {
      const milli = scale / 1000n;
      const thousandths = (hs % scale) / milli;
      const approx = (hs % scale) % milli === 0n ? "" : "~";
      const fraction = thousandths.toString().padStart(3, "0").replace(/0+$/, "");
      return `${approx}${hs / scale}${fraction ? `.${fraction}` : ""} ${name}`;
    }
  }
  return `${hs} H/s`;
}

/** Hashrate typed with its unit (`100TH`, `1.5 PH/s`) as H/s; a bare number is refused. */
export function parseHashrate(text: string): Parsed<bigint> {
  const m = /^(\d+)(?:\.(\d{1,3}))?\s*([kKmMgGtTpPeE]?)[hH](?:\/[sS])?$/.exec(text.trim());
  if (!m) {
    return /^\d+(\.\d+)?$/.test(text.trim())
      ? { ok: false, error: "Give the unit too, e.g. 100TH (H, KH, MH, GH, TH, PH, EH)." }
      : { ok: false, error: "Enter a hashrate such as 100TH or 1.5PH." };
  }
  const exponent = { "": 0, K: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }[m[3].toUpperCase()] ?? 0;
  const fraction = m[2] ?? "";
  if (fraction.length > exponent) return { ok: false, error: "Too precise for its unit." };
  const value = BigInt(m[1]) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (value > I128_MAX) return { ok: false, error: "Too large for any hashrate." };
  return { ok: true, value };
}

/** The hashrate `shares` stand for, at `hashratePerShare` H/s a whole share. */
export function sharesHashrate(shares: bigint, hashratePerShare: bigint): bigint {
  return (shares * hashratePerShare) / 10n ** BigInt(SHARE_DECIMALS);
}

/** A duration as its two largest units (`2 d 3 h`, `5 m 10 s`, `0 s`); `~` marks one cut
 * short (`~1 h` for 3601 s). */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const parts: [number, string][] = [
    [Math.floor(s / 86400), "d"],
    [Math.floor((s % 86400) / 3600), "h"],
    [Math.floor((s % 3600) / 60), "m"],
    [s % 60, "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return "0 s";
  const cut = parts.slice(first + 2).some(([n]) => n > 0) ? "~" : "";
  return (
    cut +
    parts
      .slice(first, first + 2)
      .filter(([n]) => n > 0)
      .map(([n, u]) => `${n} ${u}`)
      .join(" ")
  );
}

/** Time left until `end` (unix seconds) from `now`: `ended` once past. */
export function timeLeft(end: number, now: number): string {
  return end <= now ? "ended" : `${duration(end - now)} left`;
}

/** A unix time as UTC date and time (`2026-01-02 01:00 UTC`). */
export function utc(unix: number): string {
  const date = new Date(unix * 1000);
  // Past year 275760 a Date has no calendar time (a u64 may name one).
  if (Number.isNaN(date.getTime())) return "beyond any calendar date";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** An address shortened for display (`GABC…WXYZ`). */
export function short(address: string): string {
  return address.length > 12 ? `${address.slice(0, 4)}…${address.slice(-4)}` : address;
}
