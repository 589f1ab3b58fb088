// The app in a real browser (Debian's Chromium) against a node and a deployment this test
// starts: an investor connects a wallet of the Wallets Kit that signs with a real keypair and
// claims, checked on chain; a transfer; a rejected signature; a contract error in words; the
// miner paying an epoch; a reporter attesting; the offering's charts; screenshots of each view.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect, test, type Page } from "@playwright/test";

import { balanceOf, startWorld, type Role, type World } from "./world";

const SHOTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "target", "app-screenshots");
const SHARE = 10_000_000n;

let world: World;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  world = await startWorld();
  const { cli } = world;
  const attest = (epoch: number, reward: string) => {
    for (const r of ["r1", "r2", "r3"]) {
      cli("report", "submit", "--source", r, "--epoch", String(epoch), "--hashrate", "100TH", "--reward", reward);
    }
  };
  // Epoch 0 attested and effective; 10 shares sold to the investor; epoch 1 attested, paid by
  // the operator, and streamed to the end; epoch 2 attested and effective, not yet paid.
  cli("approve-topups", "--source", "operator");
  cli("advance-time", "25h");
  attest(0, "5");
  cli("advance-time", "2h");
  cli("mint", "--source", "operator", "--to", "investor", "--amount", "10");
  cli("advance-time", "22h");
  attest(1, "5");
  cli("advance-time", "2h");
  cli("deposit", "--source", "operator", "--epoch", "1", "--amount", "1");
  cli("advance-time", "22h");
  attest(2, "5");
  cli("advance-time", "26h");
  mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(() => world?.stop());

/** Opens `view` with the test wallet holding `role`'s key, connected. */
async function open(page: Page, view: string, role: Role): Promise<void> {
  // The page's errors, in the test's output (the kit's wallet icons from the internet aside).
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      console.log(`[page] ${m.text()}`);
    }
  });
  await page.addInitScript((secret) => {
    window.hashshareTestWallet = { secret };
  }, world.keys[role].secret());
  await page.goto(`${world.appUrl}#${view}`);
  await page.getByRole("button", { name: "Connect wallet" }).first().click();
  await page.getByText("Test keypair").click();
  await expect(page.locator("#wallet-address")).toBeVisible();
}

/** Confirms the open transaction dialog in the wallet; the fee charged, in stroops. */
async function signAndWait(page: Page): Promise<bigint> {
  const dialog = page.locator("#tx-dialog");
  await expect(dialog.getByText(/Network fee: at most/)).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole("button", { name: "Sign in your wallet" }).click();
  const done = dialog.getByText(/Confirmed in ledger \d+; fee charged/);
  await expect(done).toBeVisible({ timeout: 60_000 });
  const text = (await done.textContent())!.replace(/\s+/g, " ");
  const fee = text.match(/fee charged ([\d.,]+) XLM/)![1].replace(/,/g, "");
  const [whole, fraction = ""] = fee.split(".");
  return BigInt(whole) * SHARE + BigInt(fraction.padEnd(7, "0"));
}

async function shots(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  // The charts follow their card's width on the next frame.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

test("an investor connects a wallet and claims; the reward arrives on chain", async ({ page }) => {
  await open(page, "investor", "investor");
  const investor = world.keys.investor.publicKey();
  await expect(page.locator("#share-balance")).toHaveText("10");
  const claimable = page.locator("#claimable");
  await expect(claimable).not.toHaveText(/^0 XLM$/);
  await expect(page.locator("#history")).toContainText("Bought from the miner (minted)");
  await shots(page, "investor");
  const before = await balanceOf(world, world.contracts.reward_token, investor);
  await page.getByRole("button", { name: /^Claim / }).click();
  await expect(page.locator("#tx-dialog")).toContainText("Needs one signature: yours.");
  const fee = await signAndWait(page);
  const text = (await page.locator("#tx-dialog").textContent())!.replace(/\s+/g, " ");
  const paid = text.match(/Paid ([\d.,]+) XLM to your wallet/)![1].replace(/,/g, "");
  const [whole, fraction = ""] = paid.split(".");
  const paidStroops = BigInt(whole) * SHARE + BigInt(fraction.padEnd(7, "0"));
  expect(paidStroops).toBeGreaterThan(0n);
  const after = await balanceOf(world, world.contracts.reward_token, investor);
  // Lumens are the reward asset here: what arrived is the claim, less the fee it paid.
  expect(after - before).toBe(paidStroops - fee);
  await page.getByRole("button", { name: "Close" }).click();
  await expect(claimable).toHaveText("0 XLM");
  await expect(page.locator("#history")).toContainText("Claimed rewards");
});

test("a transfer of shares, a rejected signature, and a contract error in words", async ({ page }) => {
  await open(page, "investor", "investor");
  const buyer = world.keys.buyer.publicKey();
  const form = page.locator("form", { has: page.getByRole("button", { name: "Review the transfer" }) });
  // Declined in the wallet: nothing sent.
  await page.evaluate(() => {
    window.hashshareTestWallet!.reject = true;
  });
  await form.getByLabel("To (account address)").fill(buyer);
  await form.getByLabel("Shares").fill("1");
  await form.getByRole("button", { name: "Review the transfer" }).click();
  const dialog = page.locator("#tx-dialog");
  await expect(dialog.getByText(/Network fee: at most/)).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole("button", { name: "Sign in your wallet" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("You declined in your wallet: nothing was sent.");
  await dialog.getByRole("button", { name: "Close" }).click();
  expect(await balanceOf(world, world.contracts.share_token, buyer)).toBe(0n);
  // More shares than held: the contract's error, in words, before any wallet opens.
  await page.evaluate(() => {
    window.hashshareTestWallet!.reject = false;
  });
  await form.getByLabel("Shares").fill("1000");
  await form.getByRole("button", { name: "Review the transfer" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(
    "You do not hold that many shares. (InsufficientBalance, error 201)",
    { timeout: 30_000 },
  );
  await dialog.getByRole("button", { name: "Close" }).click();
  // Bad input is caught in the form.
  await form.getByLabel("Shares").fill("1.00000001");
  await form.getByRole("button", { name: "Review the transfer" }).click();
  await expect(page.locator("#transfer-problem")).toHaveText("At most 7 decimals.");
  // A real transfer.
  await form.getByLabel("Shares").fill("2.5");
  await form.getByRole("button", { name: "Review the transfer" }).click();
  await signAndWait(page);
  expect(await balanceOf(world, world.contracts.share_token, buyer)).toBe(25_000_000n);
});

test("the miner records and pays an epoch", async ({ page }) => {
  await open(page, "miner", "operator");
  await expect(page.locator("#room")).toContainText("Room left:");
  await shots(page, "miner");
  // Epoch 2 has ended and is effective, but not recorded: record it, then pay what is due.
  await page.getByRole("button", { name: "Record epoch 2" }).click();
  await signAndWait(page);
  await page.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Pay epoch 2" }).click();
  await expect(page.locator("#tx-dialog")).toContainText("towards epoch 2");
  await signAndWait(page);
  await page.getByRole("button", { name: "Close" }).click();
  expect(world.cli("epoch", "--epoch", "2")).toMatch(/due now 0 XLM/);
});

test("a reporter attests an ended epoch", async ({ page }) => {
  await open(page, "reporter", "r1");
  await expect(page.locator("#rounds-table")).toContainText("effective: 100 TH/s");
  await shots(page, "reporter");
  const form = page.locator("form", { has: page.getByRole("button", { name: "Review the attestation" }) });
  await form.getByLabel("Epoch").selectOption("3");
  await form.getByLabel("Average hashrate").fill("100");
  await form.getByRole("button", { name: "Review the attestation" }).click();
  await expect(page.locator("#attest-problem")).toContainText("Give the unit too");
  await form.getByLabel("Average hashrate").fill("100TH");
  await form.getByLabel(/Net reward/).fill("5");
  await form.getByRole("button", { name: "Review the attestation" }).click();
  await signAndWait(page);
  expect(world.cli("epoch", "--epoch", "3")).toMatch(/1 of 3 reporters have submitted \(r1\)/);
});

test("the offering's charts have one point per epoch", async ({ page }) => {
  // The miner's payment of epoch 2 streams to the holders until the end of the next epoch.
  await open(page, "investor", "investor");
  await expect(page.locator("#streaming")).toContainText(/until .* UTC \(.* left\)/);
  await page.goto(`${world.appUrl}#offering`);
  const current = Number(world.cli("epoch").match(/^epoch (\d+):/)![1]);
  await expect(page.locator("#epochs tbody tr")).toHaveCount(current);
  for (const id of ["#hashrate-chart", "#payout-chart"]) {
    const chart = page.locator(id);
    await expect(chart).toHaveAttribute("data-epochs", String(current));
    await expect(chart.locator("canvas")).toHaveCount(1);
  }
  await expect(page.locator("#freshness")).toContainText("fresh");
  await expect(page.locator("#reward-asset")).toHaveText("lumens (native)");
  await shots(page, "offering");
});
