import { describe, expect, test } from "vitest";

import { room, roomLine, type CapacityView } from "../../src/capacity";
import { streamRate, streaming } from "../../src/views/investor";
import { freshness } from "../../src/views/offering";

const TH = 1_000_000_000_000n;
const SHARE = 10_000_000n;

const view = (over: Partial<CapacityView> = {}): CapacityView => ({
  capacity: 100n * TH,
  latest: 6n,
  current: 7n,
  maxAgeEpochs: 2n,
  capacityEpochs: 7,
  run: 7,
  supply: 60n * SHARE,
  hashratePerShare: TH,
  maturity: 1_000n,
  now: 10n,
  ...over,
});

describe("the room left under the sustained capacity", () => {
  test("and why it is 0", () => {
    expect(room(view())).toBe(40n * SHARE);
    expect(roomLine(view())).toBe(
      "Room left: 40 shares (40 TH/s) under the sustained capacity of 100 TH/s.",
    );
    expect(roomLine(view({ capacity: 0n, latest: undefined }))).toMatch(/no attestation yet/);
    expect(roomLine(view({ capacity: 0n, latest: 2n }))).toMatch(/stale: the latest effective epoch, 2/);
    expect(roomLine(view({ capacity: 0n, run: 3 }))).toMatch(/fewer than 7 consecutive effective epochs: 3 end at epoch 6/);
    expect(roomLine(view({ supply: 100n * SHARE }))).toMatch(/sold out/);
    expect(roomLine(view({ now: 1_000n }))).toMatch(/matured/);
  });
});

describe("state of streams and reports", () => {
  test("the streaming rate from two readings", () => {
    expect(streamRate(undefined, { claimable: 10n, at: 100 })).toBe(0n);
    expect(streamRate({ claimable: 0n, at: 0 }, { claimable: 100n, at: 3600 })).toBe(100n);
    expect(streamRate({ claimable: 0n, at: 0 }, { claimable: 50n, at: 60 })).toBe(3000n);
    // After a claim the reading drops: no rate from that pair.
    expect(streamRate({ claimable: 50n, at: 0 }, { claimable: 0n, at: 60 })).toBe(0n);
  });

  test("what streams now and the time left", () => {
    const reward = (v: bigint) => `${v} u`;
    const now = 1_767_225_600;
    expect(streaming({ perHour: 0n, ledgerTime: now, balance: 1n }, reward)).toBe("nothing streaming");
    expect(streaming({ perHour: 5n, streamEnd: now + 90_000, ledgerTime: now, balance: 1n }, reward)).toBe(
      "≈ 5 u an hour, until 2026-01-02 01:00 UTC (1 d 1 h left)",
    );
    // Before a second reading there is no rate yet, but the stream's end is known.
    expect(streaming({ perHour: 0n, streamEnd: now + 60, ledgerTime: now, balance: 1n }, reward)).toBe(
      "until 2026-01-01 00:01 UTC (1 m left)",
    );
    // No shares: nothing streams to this holder.
    expect(streaming({ perHour: 0n, streamEnd: now + 60, ledgerTime: now, balance: 0n }, reward)).toBe(
      "nothing streaming",
    );
  });

  test("the oracle's freshness", () => {
    const report = { epoch: 5n, hashrate: TH, reward: 1n, submissions: 3, finalized_at: 0n };
    expect(freshness(6n, report, 2n, 0)).toBe("fresh: epoch 5 is effective");
    expect(freshness(6n, report, 2n, 1)).toBe("fresh (epoch 5); 1 more pending");
    expect(freshness(9n, report, 2n, 0)).toMatch(/^stale/);
    expect(freshness(1n, undefined, 2n, 0)).toBe("no effective report yet");
  });
});
