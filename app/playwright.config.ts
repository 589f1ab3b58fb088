import { defineConfig } from "@playwright/test";

// Debian's Chromium (installed by .ci/run with apt): Playwright never downloads a browser. The
// flags keep it from reaching out to a network this machine does not have.
export default defineConfig({
  testDir: "test/e2e",
  timeout: 120_000,
  workers: 1,
  reporter: [["list"]],
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    trace: "off",
  },
});
