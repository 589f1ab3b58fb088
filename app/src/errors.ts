// Why a transaction did not happen, in words: the contracts' errors (by the names in their
// specs, codes 100–399), the reward asset's, the wallet's and the network's.

/** Each contract error's name and what it means for the person who asked. */
const CONTRACT_ERRORS: Record<number, [string, string]> = {
  100: ["PoolExists", "A pool with this id is already registered."],
  101: ["PoolNotFound", "No pool with this id is registered on the oracle."],
  102: ["InvalidConfig", "The oracle refuses this pool configuration."],
  103: ["NotReporter", "This account is not one of the pool's reporters."],
  104: ["EpochNotEnded", "This epoch has not ended yet: it can be attested once it is over."],
  105: ["AlreadySubmitted", "This reporter has already attested this epoch."],
  106: ["NegativeValue", "Hashrate and reward cannot be negative."],
  107: ["EpochFinalized", "This epoch's report is final: it can no longer be attested."],
  108: ["ReportNotFound", "This epoch has no finalized report to dispute."],
  109: ["DisputeWindowClosed", "The report is already effective: its dispute window has closed."],
  110: ["ScheduleImmutable", "A pool's schedule cannot change once registered."],
  111: ["TooManyPending", "Too many reports of this pool are still inside their dispute window."],
  112: ["NoPendingAdmin", "No admin transfer has been proposed."],
  113: ["PoolAlreadyBound", "This pool already backs a share token."],
  114: ["QuorumNotReached", "Fewer than the quorum of reporters have attested this epoch."],
  115: ["OperatorMismatch", "The share token's minter is not the pool's operator."],
  116: [
    "SubmissionsOpen",
    "The round of attestations is still open: it closes when every reporter has attested, or once it has been open for the dispute window.",
  ],
  200: ["InvalidAmount", "The amount must be above 0."],
  201: ["InsufficientBalance", "You do not hold that many shares."],
  202: ["InsufficientAllowance", "The allowance does not cover this amount."],
  204: ["InvalidExpiration", "An allowance must last until the current ledger or later."],
  205: ["Paused", "Share transfers are paused by the token's admin."],
  206: ["DistributorNotSet", "The offering is not wired to its payout distributor yet."],
  207: ["DistributorAlreadySet", "The payout distributor is already set."],
  208: ["Matured", "The shares have matured: no more can be minted."],
  209: [
    "CapacityExceeded",
    "This would sell more hashrate than the pool has sustained: mint at most the room left.",
  ],
  210: ["Overflow", "The amount is beyond what any real asset can hold."],
  211: ["NoPendingAdmin", "No admin transfer has been proposed."],
  212: ["InvalidConfig", "The share token refuses this configuration."],
  300: ["InvalidAmount", "A deposit must be above 0."],
  301: ["NothingOwed", "This epoch owes nothing more: it is paid, or nothing was sold in it."],
  302: [
    "ReportNotEffective",
    "The oracle has no effective report for this epoch yet: wait until it is attested and its dispute window has passed.",
  ],
  303: ["EpochAfterMaturity", "This epoch starts after the shares' maturity: they do not cover it."],
  304: ["InvalidFee", "The fee may be at most 20%."],
  305: ["Paused", "Deposits and claims are paused by the distributor's admin."],
  306: ["NoPendingAdmin", "No admin transfer has been proposed."],
  307: ["Overflow", "The amount is beyond what any real asset can hold."],
  308: ["InvalidConfig", "The distributor is not configured."],
  309: ["InvalidRecipient", "Funds cannot be sent to the distributor itself."],
  310: ["EpochBeforeOffering", "This epoch ended before the offering began."],
  311: ["EarlierEpochOpen", "An earlier epoch must be recorded first: epochs are recorded in order."],
  312: [
    "TopUpNotApproved",
    "Your reward-asset allowance to the distributor (or your balance) does not cover this mint's top-up into the running streams: renew the allowance and fund the account.",
  ],
  313: ["NoHolders", "Nobody holds a share yet: nobody could receive this epoch's payout."],
};

/** The Stellar Asset Contract's errors (the reward asset). */
const ASSET_ERRORS: Record<number, [string, string]> = {
  8: ["NegativeAmountError", "The amount cannot be negative."],
  9: ["AllowanceError", "The reward-asset allowance does not cover this amount."],
  10: ["BalanceError", "Your reward-asset balance is too low for this."],
  11: ["BalanceDeauthorizedError", "The asset's issuer has frozen this account's balance."],
  13: [
    "TrustlineMissingError",
    "The account has no trustline to the reward asset: add one in your wallet first.",
  ],
};

/** The name and sentence of a contract error code, if it is one of ours or the asset's. */
export function contractError(code: number): { name: string; sentence: string } | undefined {
  const known = CONTRACT_ERRORS[code] ?? ASSET_ERRORS[code];
  return known && { name: known[0], sentence: known[1] };
}

/** What went wrong, as one sentence for the person who asked (and the code, for support). */
export function explain(error: unknown): string {
  const text = messageOf(error);
  const code = /Error\(Contract, #(\d+)\)/.exec(text)?.[1];
  if (code !== undefined) {
    const known = contractError(Number(code));
    if (known) return `${known.sentence} (${known.name}, error ${code})`;
    return `The contract refused the call (error ${code}).`;
  }
  if (/reject|declin|denied|cancel/i.test(text)) {
    return "You declined in your wallet: nothing was sent.";
  }
  // Result codes as the SDK writes them: txBadSeq, or tx_bad_seq in its JSON.
  if (/tx_?insufficient_?balance|insufficient.?balance|underfunded/i.test(text)) {
    return "Your account's lumens do not cover this transaction's fee.";
  }
  if (/tx_?bad_?seq/i.test(text)) {
    return "Another transaction of this account went first: try again.";
  }
  if (/tx_?too_?late/i.test(text)) {
    return "The transaction expired before it reached a ledger: nothing was done; try again.";
  }
  if (/did not\. Returning anyway|still pending|TransactionStillPending/i.test(text)) {
    return "The transaction was sent but is not in a ledger yet: it may still land, so check your history before trying again.";
  }
  if (/Failed to fetch|NetworkError|ECONNREFUSED|timeout/i.test(text)) {
    return "The network's RPC did not answer: check your connection and try again.";
  }
  return text.split("\n")[0] || "Something went wrong.";
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}
