// The playground in a real browser: built with Vite, served on localhost,
// driven in headless Chromium. One page walks through what a newcomer does:
// pick an example, break it, fix it, hover, train, draw a digit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { serveStatic } from "./static-server.ts";

const repo = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots and measurements land here (git ignores out/). */
const OUTPUT = join(repo, "out", "e2e");

let outDir: string;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/**
 * The centre of `word` on the editor line whose text contains `line`, on
 * screen (Monaco merges same-coloured tokens into one span, so the word is
 * measured with a DOM Range rather than found as an element).
 */
async function wordAt(line: string, word: string): Promise<{ x: number; y: number }> {
  const box = await page.evaluate(
    ([line, word]) => {
      for (const el of document.querySelectorAll("#editor .view-line")) {
        const text = (el.textContent ?? "").replace(/\u00a0/g, " ");
        const at = text.indexOf(line);
        if (at < 0) continue;
        // Find `word` inside the matched part, then the text node and offset holding it.
        let target = at + line.indexOf(word);
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent!.length;
          if (target < length) {
            const range = document.createRange();
            range.setStart(node, target);
            range.setEnd(node, target + word.length);
            const r = range.getBoundingClientRect();
            return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
          }
          target -= length;
        }
      }
      return undefined;
    },
    [line, word] as const,
  );
  if (!box) throw new Error(`no editor line shows '${line}'`);
  return box;
}

/** Polls with room for a busy machine (CI runs the other suites beside this one). */
const poll = <T>(read: () => Promise<T>, timeout = 15_000) => expect.poll(read, { timeout, interval: 100 });

/** The editor's visible lines, as text. */
const editorLines = () => page.evaluate(() => [...document.querySelectorAll("#editor .view-line")].map((e) => (e.textContent ?? "").replace(/\u00a0/g, " ").trimEnd()));
const lineShown = (line: string) => poll(editorLines).toContain(line);

async function doubleClickWord(line: string, word: string): Promise<void> {
  const { x, y } = await wordAt(line, word);
  await page.mouse.dblclick(x, y);
}

describe("the playground in Chromium", () => {
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "nnc-playground-"));
    await build({ configFile: join(repo, "playground", "vite.config.ts"), logLevel: "warn", build: { outDir, emptyOutDir: true } });
    server = await serveStatic(outDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("loads and shows the first diagnostics", async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.firstDiagnosticsMs !== undefined, undefined, { timeout: 30_000 });
    const ms = Number(await page.evaluate(() => document.body.dataset.firstDiagnosticsMs));
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, "metrics.json"), JSON.stringify({ firstDiagnosticsMs: ms }, null, 2));
    console.log(`page load to first diagnostics: ${ms} ms`);
    expect(ms).toBeGreaterThan(0);
    await poll(() => page.locator("#status").textContent()).toMatch(/0 errors/);
    // Isolated, so the training worker's kernels share memory with its tensors.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it("opens lenet.nn from the examples menu and draws its graph", async () => {
    // Start from another example so picking lenet visibly changes the text.
    await page.selectOption("#examples", "tagger.nn");
    await page.locator("svg.graph .box[data-name='lstm_1']").waitFor();
    await page.selectOption("#examples", "lenet.nn");
    await page.locator("svg.graph .box[data-name='head']").waitFor();
    // Two inputs and thirteen layers (the loss included).
    expect(await page.locator("svg.graph .box").count()).toBe(15);
    expect(await page.locator("svg.graph .box[data-name='head']").textContent()).toContain("f32[10]");
    expect(await page.locator("svg.graph .box[data-name='conv2d_2']").textContent()).toContain("f32[10, 10, 16]");
    // A click on a box selects its source: `dense(10) as head` is on line 14.
    await page.click("svg.graph .box[data-name='head']");
    await poll(() => page.locator("#cursor").textContent()).toMatch(/^Ln 14,/);
  });

  it("marks a shape error as you type, and keeps the last good graph greyed", async () => {
    await doubleClickWord("conv2d(16, kernel: 5)", "5");
    await page.keyboard.type("50");
    await page.locator("#editor .squiggly-error").first().waitFor();
    await poll(() => page.locator("#errors").textContent()).toContain("NN3005 conv2d: the window (50) is larger than the input along axis 0 (14, after padding)");
    expect(await page.locator("#panel-graph").getAttribute("class")).toContain("stale");
    // The marker carries the message: hovering the squiggle shows it.
    const squiggle = await wordAt("conv2d(16, kernel: 50)", "50");
    await page.mouse.move(squiggle.x, squiggle.y);
    await poll(() => page.locator(".monaco-hover").first().textContent()).toContain("the window (50) is larger");
    await page.screenshot({ path: join(OUTPUT, "playground-error.png") });
  });

  it("updates the graph when the error is fixed", async () => {
    await doubleClickWord("conv2d(16, kernel: 50)", "50");
    await page.keyboard.type("3");
    await poll(() => page.locator("svg.graph .box[data-name='conv2d_2']").textContent()).toContain("f32[12, 12, 16]");
    expect(await page.locator("#panel-graph").getAttribute("class")).not.toContain("stale");
    expect(await page.locator("#editor .squiggly-error").count()).toBe(0);
  });

  it("shows a binding's shape on hover", async () => {
    await page.mouse.move(0, 0);
    const logits = await wordAt("logits = image", "logits");
    await page.mouse.move(logits.x, logits.y);
    await poll(() => page.locator(".monaco-hover").first().textContent()).toContain("f32[10]");
  });

  it("completes a layer's options, jumps to a definition, and formats", async () => {
    await doubleClickWord("-> dense(84)", "84");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.type(", ");
    await page.keyboard.press("Control+Space");
    await poll(() => page.locator(".suggest-widget .monaco-list-row").allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^bias/)]));
    await page.keyboard.press("Escape");
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Backspace");
    await lineShown("    -> dense(84) -> relu");
    // F12 on `logits` in `output logits` moves the cursor to its binding on line 6.
    const use = await wordAt("output logits", "logits");
    await page.mouse.click(use.x, use.y);
    await poll(() => page.locator("#cursor").textContent()).toMatch(/^Ln 16,/);
    await page.keyboard.press("F12");
    await poll(() => page.locator("#cursor").textContent()).toMatch(/^Ln 6, Col 3/);
    // Format goes through the .nn formatter: spaces typed inside a call go, and each stage gets its own line.
    await doubleClickWord("-> dense(120)", "120");
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.type("   ");
    await lineShown("    -> dense(   120) -> relu");
    await page.click("#format");
    await lineShown("    -> dense(120)");
    expect(await editorLines()).toContain("    -> relu");
  });

  it("keeps the text across a reload, in the URL and local storage", async () => {
    const edited = await wordAt("-> dense(120)", "120");
    await page.mouse.dblclick(edited.x, edited.y);
    await page.keyboard.type("96");
    // The fragment holds the whole source, base64url-encoded.
    const sourceInUrl = async () => Buffer.from((await page.evaluate(() => location.hash)).replace(/^#code=/, ""), "base64url").toString("utf8");
    await poll(sourceInUrl).toContain("-> dense(96)\n");
    expect(await page.evaluate(() => localStorage.getItem("nnc-playground-source"))).toBe(await sourceInUrl());
    await page.reload();
    await lineShown("    -> dense(96)");
    await page.locator("svg.graph .box[data-name='dense_1']", { hasText: "f32[96]" }).waitFor();
  });

  it("shows the generated TypeScript in a read-only tab", async () => {
    await page.click("#tabs button[data-tab='code']");
    await poll(() => page.locator("#code-status").textContent(), 60_000).toMatch(/^\d+ lines of generated TypeScript$/);
    await poll(() => page.locator("#code .view-lines").textContent()).toMatch(/Generated\sby\snnc\sfrom\sa\s\.nn\sfile/);
  }, 90_000);

  it("stops a long training run from the Stop button while the page stays responsive", async () => {
    await page.click("#tabs button[data-tab='train']");
    await page.fill("#steps", "100000");
    await page.fill("#batch", "8");
    await page.click("#train-button");
    await poll(async () => Number(await page.locator("#chart").getAttribute("data-steps")), 60_000).toBeGreaterThan(0);
    // The main thread answers while the worker trains.
    expect(await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(1))))).toBe(1);
    await page.click("#stop-button");
    await page.locator("#train-status[data-state='done']").waitFor({ timeout: 10_000 });
    expect(await page.locator("#train-status").textContent()).toMatch(/stopped at step \d+\.$/);
  }, 90_000);

  it("trains 100 steps in a worker, the chart shows the loss falling, and classifies a drawn digit", async () => {
    await page.fill("#steps", "100");
    await page.fill("#batch", "8");
    // On two threads: the training worker starts a second one on the kernels' shared memory.
    await page.selectOption("#threads", "2");
    await page.click("#train-button");
    await page.locator("#train-status[data-state='done']").waitFor({ timeout: 150_000 });
    const status = await page.locator("#train-status").evaluate((el: HTMLElement) => ({ ...el.dataset }));
    // Chromium validates relaxed SIMD, so the worker trains on the FMA build of the WebAssembly kernels.
    expect(status.kernels).toBe("wasm FMA");
    expect(status.threads).toBe("2");
    // LeNet's dense products at batch 8 (8·400·120 multiply-adds) are large enough to share: each was split, or run
    // alone while waking a sleeping helper. (How many chunks the helper computed depends on the OS scheduling it.)
    expect(Number(status.helperSplit) + Number(status.helperWoken)).toBeGreaterThan(0);
    console.log(`playground, 2 threads: ${status.helperSplit} products split, ${status.helperWoken} run alone waking the helper, ${status.helperChunks} chunks by the helper`);
    const chart = await page.locator("#chart").evaluate((el: HTMLElement) => ({ ...el.dataset }));
    expect(Number(chart.steps)).toBe(100);
    expect(Number(chart.lastLoss)).toBeLessThan(Number(chart.firstLoss) * 0.8);
    expect(await page.locator("#train-status").textContent()).toMatch(/steps\/s/);
    // A stroke on the pad: the model answers with a digit.
    const pad = await page.locator("#digit").boundingBox();
    if (!pad) throw new Error("the digit pad is not visible after training");
    await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(pad.x + pad.width / 2, pad.y + pad.height * 0.8, { steps: 8 });
    await page.mouse.up();
    await poll(() => page.locator("#prediction").getAttribute("data-prediction")).toMatch(/^[0-9]$/);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, "playground-trained.png") });
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it("trains textcnn.nn on the key-phrase task: the symbolic T of its valid convolutions gives finite losses that fall", async () => {
    await page.selectOption("#examples", "textcnn.nn");
    await page.locator("svg.graph .box[data-name='classifier']").waitFor({ state: "attached" });
    await page.click("#tabs button[data-tab='train']");
    await page.fill("#steps", "150");
    await page.fill("#batch", "32");
    await page.fill("#lr", "0.002");
    await page.click("#train-button");
    await page.locator("#train-status[data-state='done']").waitFor({ timeout: 150_000 });
    const text = (await page.locator("#train-status").textContent()) ?? "";
    expect(text, text).toContain("TextCNN (397,702 parameters) on does a sentence of 28 words contain one of 8 key phrases");
    const chart = await page.locator("#chart").evaluate((el: HTMLElement) => ({ ...el.dataset }));
    expect(Number(chart.steps)).toBe(150);
    expect(Number.isFinite(Number(chart.lastLoss))).toBe(true);
    expect(Number(chart.lastLoss)).toBeLessThan(Number(chart.firstLoss) * 0.5);
    expect(Number(/held-out accuracy (\d+\.\d)%/.exec(text)?.[1])).toBeGreaterThanOrEqual(85);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
