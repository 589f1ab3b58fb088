import { describe, expect, test } from "vitest";

import { contractError, explain } from "../../src/errors";

describe("errors in words", () => {
  test("a contract error by its spec name and a sentence", () => {
    expect(contractError(209)?.name).toBe("CapacityExceeded");
    const simulated = new Error(
      "HostError: Error(Contract, #209)\n\nEvent log (newest first):\n   0: [Diagnostic Event] ...",
    );
    expect(explain(simulated)).toBe(
      "This would sell more hashrate than the pool has sustained: mint at most the room left. (CapacityExceeded, error 209)",
    );
    expect(explain(new Error("Error(Contract, #13)"))).toMatch(/no trustline/);
    expect(explain(new Error("Error(Contract, #999)"))).toBe("The contract refused the call (error 999).");
  });

  test("the wallet's refusal, a low balance, an unreachable RPC", () => {
    expect(explain({ code: -4, message: "User rejected the request" })).toBe(
      "You declined in your wallet: nothing was sent.",
    );
    expect(explain(new Error("txInsufficientBalance"))).toMatch(/lumens do not cover/);
    expect(explain(new TypeError("Failed to fetch"))).toMatch(/did not answer/);
    expect(explain("plain text\nmore")).toBe("plain text");
  });
});
