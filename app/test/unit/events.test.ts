import { rpc, xdr } from "@stellar/stellar-sdk";
import { expect, test } from "vitest";

import { allEvents } from "../../src/chain";

const cursorAt = (ledger: number) => `${(BigInt(ledger) << 32n).toString().padStart(19, "0")}-0000000000`;
const event = (ledger: number) => ({ ledger, id: `${ledger}`, topic: [], value: xdr.ScVal.scvVoid() });

test("a refreshed query reads on from its last cursor, and starts over if the RPC lost it", async () => {
  const asked: unknown[] = [];
  let latest = 30_000;
  let lost = false;
  const server = {
    async getEvents(request: { startLedger?: number; cursor?: string }) {
      asked.push(request.cursor ?? `start ${request.startLedger}`);
      if (request.cursor && lost) throw new Error("cursor out of range");
      if (request.startLedger) return { events: [event(5)], cursor: cursorAt(latest), latestLedger: latest };
      return { events: [event(latest)], cursor: cursorAt(latest), latestLedger: latest };
    },
  } as unknown as rpc.Server;
  expect((await allEvents(server, [], 1)).map((e) => e.ledger)).toEqual([5]);
  latest = 31_000;
  expect((await allEvents(server, [], 1)).map((e) => e.ledger)).toEqual([5, 31_000]);
  // The second read asked only for what came after the first one's cursor.
  expect(asked).toEqual(["start 1", cursorAt(30_000)]);
  lost = true;
  expect((await allEvents(server, [], 1)).map((e) => e.ledger)).toEqual([5]);
  expect(asked.slice(2)).toEqual([cursorAt(31_000), "start 1"]);
});
