import { describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";

describe("the e2e tests' browser", () => {
  it("fails with the fix in the message when Chromium is missing, rather than skipping", async () => {
    await expect(launchChromium("/nonexistent/chromium")).rejects.toThrow("the browser tests need Chromium at /nonexistent/chromium, which is missing: install it with `apt-get install -y chromium`");
  });
});
