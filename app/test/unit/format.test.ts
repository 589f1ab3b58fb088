import { describe, expect, test } from "vitest";

import {
  duration,
  formatAmount,
  formatHashrate,
  parseAmount,
  parseHashrate,
  sharesHashrate,
  timeLeft,
  utc,
} from "../../src/format";

describe("amounts with 7 decimals", () => {
  test("print without trailing zeros, grouped", () => {
    expect(formatAmount(125_000_000n)).toBe("12.5");
    expect(formatAmount(1n)).toBe("0.0000001");
    expect(formatAmount(0n)).toBe("0");
    expect(formatAmount(12_345_678_900_000_000n)).toBe("1,234,567,890");
    expect(formatAmount(-25n, 1)).toBe("-2.5");
    // i128 range, beyond a JavaScript number's exact integers.
    expect(formatAmount(170141183460469231731687303715884105727n, 0)).toBe(
      "170,141,183,460,469,231,731,687,303,715,884,105,727",
    );
  });

  test("parse what people type, refusing what is not an amount", () => {
    expect(parseAmount("2.5")).toEqual({ ok: true, value: 25_000_000n });
    expect(parseAmount(" 1,000 ")).toEqual({ ok: true, value: 10_000_000_000n });
    expect(parseAmount(".5")).toEqual({ ok: true, value: 5_000_000n });
    expect(parseAmount("0.0000001")).toEqual({ ok: true, value: 1n });
    expect(parseAmount("1.00000001").ok).toBe(false);
    expect(parseAmount("0").ok).toBe(false);
    expect(parseAmount("-1").ok).toBe(false);
    expect(parseAmount("1e3").ok).toBe(false);
    expect(parseAmount("").ok).toBe(false);
    expect(parseAmount(".").ok).toBe(false);
    expect(parseAmount("1.5", 2)).toEqual({ ok: true, value: 150n });
  });
});

describe("hashrate units", () => {
  test("print in the largest unit", () => {
    expect(formatHashrate(100_000_000_000_000n)).toBe("100 TH/s");
    expect(formatHashrate(57_500_000_000_000n)).toBe("57.5 TH/s");
    expect(formatHashrate(94_583_333_333_333n)).toBe("~94.583 TH/s");
    expect(formatHashrate(1_500_000_000_000_000n)).toBe("1.5 PH/s");
    expect(formatHashrate(999n)).toBe("999 H/s");
  });

  test("parse with the unit required", () => {
    expect(parseHashrate("100TH")).toEqual({ ok: true, value: 100_000_000_000_000n });
    expect(parseHashrate("1.5 PH/s")).toEqual({ ok: true, value: 1_500_000_000_000_000n });
    expect(parseHashrate("750gh")).toEqual({ ok: true, value: 750_000_000_000n });
    expect(parseHashrate("7H")).toEqual({ ok: true, value: 7n });
    const bare = parseHashrate("100");
    expect(bare.ok).toBe(false);
    expect(!bare.ok && bare.error).toMatch(/unit/);
    expect(parseHashrate("1.5H").ok).toBe(false);
    expect(parseHashrate("1.2345TH").ok).toBe(false);
    expect(parseHashrate("TH").ok).toBe(false);
  });

  test("shares stand for their hashrate", () => {
    // 60 shares at 1 TH/s a share.
    expect(sharesHashrate(600_000_000n, 1_000_000_000_000n)).toBe(60_000_000_000_000n);
    expect(sharesHashrate(5_000_000n, 1_000_000_000_000n)).toBe(500_000_000_000n);
  });
});

describe("time left in a stream", () => {
  test("two largest units, ended once past", () => {
    expect(duration(0)).toBe("0 s");
    expect(duration(3_600)).toBe("1 h");
    expect(duration(90_061)).toBe("~1 d 1 h");
    expect(duration(3_601)).toBe("~1 h");
    expect(duration(90_000)).toBe("1 d 1 h");
    expect(duration(3_725)).toBe("~1 h 2 m");
    expect(duration(3_720)).toBe("1 h 2 m");
    expect(timeLeft(1_000 + 86_400 + 3_600, 1_000)).toBe("1 d 1 h left");
    expect(timeLeft(1_000 + 86_400 + 60, 1_000)).toBe("~1 d left");
    expect(timeLeft(1_000, 1_000)).toBe("ended");
    expect(utc(1_767_225_600)).toBe("2026-01-01 00:00 UTC");
  });
});
