// Headless Chromium for the e2e tests: Debian's package, driven by
// playwright-core (which downloads no browser of its own).
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = process.env.NNC_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`the browser tests need Chromium at ${executablePath}, which is missing: install it with \`apt-get install -y chromium\` (Debian's package; .ci/run does this), or point NNC_CHROMIUM at a Chromium binary`);
  }
  return chromium.launch({ executablePath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
}
