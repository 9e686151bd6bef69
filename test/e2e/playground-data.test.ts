// The playground on the user's own file, in headless Chromium: choose a CSV
// with the file input (and drop a bad one on the page), see how its columns
// map to the model and fix the mapping, train the Iris MLP in the worker,
// read the held-out metrics, download the weights and predict with them
// through the CLI (`nnc predict --load`).
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipSync } from "fflate";
import { encodeSource } from "../../playground/src/state/persist.ts";
import { infoFromMetadata } from "../../runtime/datasets/info.ts";
import { decodeSafetensors } from "../../runtime/safetensors.ts";
import { greyPng, npy, npz } from "../datasets/helpers.ts";
import { launchChromium } from "./browser.ts";
import { serveStatic } from "./static-server.ts";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const IRIS_CSV = readFileSync(join(repo, "examples", "iris", "iris.csv"));
/** Screenshots land here (git ignores out/). */
const OUTPUT = join(repo, "out", "e2e");

let outDir: string;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const poll = <T>(read: () => Promise<T>, timeout = 15_000) => expect.poll(read, { timeout, interval: 100 });
const text = (selector: string) => page.locator(selector).textContent();

describe("the playground on the user's file", () => {
  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), "nnc-playground-data-"));
    await build({ configFile: join(repo, "playground", "vite.config.ts"), logLevel: "warn", build: { outDir, emptyOutDir: true } });
    server = await serveStatic(outDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it("reads a chosen CSV for the model and shows how its columns map", async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.firstDiagnosticsMs !== undefined, undefined, { timeout: 30_000 });
    await page.selectOption("#examples", "iris.nn");
    await page.locator("svg.graph .box[data-name='species']").waitFor();
    await page.click("#tabs button[data-tab='train']");
    await page.setInputFiles("#data-file", { name: "iris.csv", mimeType: "text/csv", buffer: IRIS_CSV });
    await page.locator("#data-panel[data-state='ready']").waitFor({ timeout: 60_000 });
    expect(await text("#data-summary")).toBe("iris.csv: csv, 150 examples. Fields: sepal_length, sepal_width, petal_length, petal_width, species");
    expect(await text("#data-mapping tr[data-name='x']")).toBe("inputx: f32[4]←");
    expect(await page.inputValue("#data-mapping input[data-feed='x']")).toBe("sepal_length, sepal_width, petal_length, petal_width");
    expect(await text("#data-mapping tr[data-name='species']")).toBe("targetspecies: i32←");
    expect(await page.inputValue("#data-mapping input[data-feed='species']")).toBe("species");
    expect(await page.inputValue("#data-map")).toBe("x=sepal_length,sepal_width,petal_length,petal_width; species=species");
    expect(await text("#data-notes")).toContain("species: 3 of 3 classes found: setosa (50), versicolor (50), virginica (50)");
    // Whole epochs over a file, not steps.
    expect(await page.locator("#steps-setting").isHidden()).toBe(true);
    expect(await page.locator("#epochs-setting").isVisible()).toBe(true);
  }, 120_000);

  it("takes an edited mapping, and shows what is wrong with one", async () => {
    await page.fill("#data-map", "x=petal_width,petal_length,sepal_width,nope; species=species");
    await page.press("#data-map", "Enter");
    await page.locator("#data-panel[data-state='error']").waitFor();
    expect(await text("#data-error")).toBe("iris.csv: the mapping x=…: no field 'nope' in the data (its fields: sepal_length, sepal_width, petal_length, petal_width, species)");
    await page.fill("#data-map", "x=petal_width,petal_length,sepal_width,sepal_length; species=species");
    await page.click("#data-apply");
    await page.locator("#data-panel[data-state='ready']").waitFor();
    expect(await page.inputValue("#data-mapping input[data-feed='x']")).toBe("petal_width, petal_length, sepal_width, sepal_length");
    await page.click("#data-auto");
    await poll(() => page.inputValue("#data-mapping input[data-feed='x']")).toBe("sepal_length, sepal_width, petal_length, petal_width");
    // Or in the table, one input or target at a time: the mapping text follows.
    await page.fill("#data-mapping input[data-feed='x']", "petal_length, petal_width, sepal_length, sepal_width");
    await page.press("#data-mapping input[data-feed='x']", "Enter");
    await poll(() => page.inputValue("#data-map")).toBe("x=petal_length,petal_width,sepal_length,sepal_width; species=species");
    await page.locator("#data-panel[data-state='ready']").waitFor();
    await poll(() => page.inputValue("#data-mapping input[data-feed='x']")).toBe("petal_length, petal_width, sepal_length, sepal_width");
    await page.click("#data-auto");
    await poll(() => page.inputValue("#data-map")).toBe("x=sepal_length,sepal_width,petal_length,petal_width; species=species");
  });

  it("locates a bad value in a dropped file, and trains on none of it", async () => {
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(["a,b,c,d,species\n1,2,3,4,setosa\n1,two,3,4,setosa\n5,6,7,8,virginica\n"], "bad.csv", { type: "text/csv" }));
      document.body.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await page.locator("#data-panel[data-state='error']").waitFor();
    expect(await text("#data-name")).toBe("bad.csv");
    expect(await text("#data-error")).toMatch(/^bad\.csv:3: b: /);
    expect(await page.locator("#drop-overlay").isHidden()).toBe(true);
    await page.click("#train-button");
    await page.locator("#train-status[data-state='failed']").waitFor();
    expect(await text("#train-status")).toMatch(/^nothing trained: bad\.csv:3: b: /);
    expect(await page.locator("#chart").getAttribute("data-steps")).toBe("0");
  });

  it("trains on the file with a validation split, shows the metrics and downloads weights that nnc predict loads", async () => {
    await page.setInputFiles("#data-file", { name: "iris.csv", mimeType: "text/csv", buffer: IRIS_CSV });
    await page.locator("#data-panel[data-state='ready']").waitFor({ timeout: 30_000 });
    await page.fill("#epochs", "30");
    await page.fill("#batch", "8");
    await page.fill("#lr", "0.01");
    await page.click("#train-button");
    await page.locator("#train-status[data-state='done']").waitFor({ timeout: 60_000 });
    expect(await text("#train-status")).toMatch(/Iris \(131 parameters\) on iris\.csv \(150 examples\).* — trained 30 epochs \(450 steps\)\.$/);
    const chart = await page.locator("#chart").evaluate((el: HTMLElement) => ({ ...el.dataset }));
    expect(Number(chart.steps)).toBe(450);
    expect(Number(chart.lastLoss)).toBeLessThan(Number(chart.firstLoss));
    expect(await text("#metrics-line")).toMatch(/^Validation: loss \d\.\d+ · accuracy \d+\.\d+% on 30 examples \(held out; trained on 120\)$/);
    expect(Number(await page.locator("#metrics-line").getAttribute("data-accuracy"))).toBeGreaterThan(0.8);
    expect(await page.locator("#confusion tr").count()).toBe(4);
    expect(await text("#confusion tr:first-child")).toBe("true \\ predictedsetosaversicolorvirginicarecall");
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, "playground-data-trained.png") });

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-weights")]);
    expect(download.suggestedFilename()).toBe("iris.safetensors");
    const saved = join(outDir, "iris.safetensors");
    await download.saveAs(saved);
    const { metadata } = decodeSafetensors(new Uint8Array(readFileSync(saved)));
    expect(metadata).toMatchObject({ model: "Iris", source: "playground.nn", format: "nnc" });
    const info = infoFromMetadata(metadata);
    expect(info.classes).toEqual({ species: ["setosa", "versicolor", "virginica"] });
    expect(info.standardize!.x!.mean).toHaveLength(4);

    // The CLI predicts with it, standardising as the page did and naming the classes.
    const flowers = join(outDir, "flowers.csv");
    writeFileSync(flowers, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.9,3.1,5.4,2.1\n");
    const predicted = await new Promise<string>((resolve, reject) =>
      execFile("node", [join(repo, "bin", "nnc.js"), "predict", join(repo, "examples", "iris", "iris.nn"), "--load", saved, "--data", flowers], { env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout))),
    );
    const rows = predicted.trim().split("\n");
    expect(rows[0]).toBe("prediction,p_setosa,p_versicolor,p_virginica");
    expect(rows.slice(1).map((r) => r.split(",")[0])).toEqual(["setosa", "virginica"]);
  }, 120_000);

  it("reads a zip of an image folder, decoding the images in the browser, and trains on it", async () => {
    const SHAPES = "model Shapes {\n  input image: f32[4, 4, 1]\n  target label: i32\n  logits = image -> flatten -> dense(2)\n  output logits\n  loss cross_entropy(logits, label)\n}\n";
    await page.goto(`${server.url}#code=${encodeSource(SHAPES)}`);
    await page.reload();
    await page.locator("svg.graph .box[data-name='label']").waitFor({ timeout: 30_000 });
    await page.click("#tabs button[data-tab='train']");
    // Dark and light 4×4 images, one folder per class, inside the folder that was zipped.
    const images: Record<string, Uint8Array> = {};
    for (let i = 0; i < 8; i++) {
      images[`shapes/dark/${i}.png`] = greyPng(4, 4, (x, y) => 20 + 5 * i + x + y);
      images[`shapes/light/${i}.png`] = greyPng(4, 4, (x, y) => 200 + 5 * i - x - y);
    }
    await page.setInputFiles("#data-file", { name: "shapes.zip", mimeType: "application/zip", buffer: Buffer.from(zipSync({ ...images, "shapes/light/broken.png": new Uint8Array([1, 2, 3]) })) });
    await page.locator("#data-panel[data-state='error']").waitFor({ timeout: 30_000 });
    expect(await text("#data-error")).toBe("shapes.zip/light/broken.png: cannot decode the image: the browser cannot decode broken.png as an image");
    await page.setInputFiles("#data-file", { name: "shapes.zip", mimeType: "application/zip", buffer: Buffer.from(zipSync(images)) });
    await page.locator("#data-panel[data-state='ready']").waitFor({ timeout: 30_000 });
    expect(await text("#data-summary")).toBe("shapes.zip: images, 16 examples. Fields: image, label");
    expect(await page.inputValue("#data-mapping input[data-feed='image']")).toBe("image");
    expect(await text("#data-notes")).toContain("label: 2 of 2 classes found: dark (8), light (8)");
    await page.fill("#epochs", "20");
    await page.fill("#batch", "4");
    await page.fill("#lr", "0.05");
    await page.click("#train-button");
    await page.locator("#train-status[data-state='done']").waitFor({ timeout: 60_000 });
    expect(await text("#metrics-line")).toMatch(/^Validation: .* on 4 examples \(held out; trained on 12\)$/);
    expect(Number(await page.locator("#metrics-line").getAttribute("data-accuracy"))).toBe(1);
    expect(await text("#confusion tr:first-child")).toBe("true \\ predicteddarklightrecall");
  }, 120_000);

  it("trains a regression on a .npz and reports MSE and MAE", async () => {
    const LINE = "model Line {\n  input x: f32[2]\n  target y: f32[1]\n  pred = x -> dense(1)\n  output pred\n  loss mse(pred, y)\n}\n";
    await page.goto(`${server.url}#code=${encodeSource(LINE)}`);
    await page.reload();
    await page.locator("svg.graph .box[data-name='y']").waitFor({ timeout: 30_000 });
    await page.click("#tabs button[data-tab='train']");
    const x = new Float32Array(80).map((_, i) => (i * 37) % 11);
    const y = new Float32Array(40).map((_, i) => 2 * x[2 * i]! - x[2 * i + 1]!);
    await page.setInputFiles("#data-file", { name: "line.npz", mimeType: "application/zip", buffer: Buffer.from(npz({ x: npy("<f4", [40, 2], x), y: npy("<f4", [40, 1], y) })) });
    await page.locator("#data-panel[data-state='ready']").waitFor({ timeout: 30_000 });
    expect(await text("#data-summary")).toBe("line.npz: npz, 40 examples. Fields: x, y");
    await page.fill("#epochs", "5");
    await page.click("#train-button");
    await page.locator("#train-status[data-state='done']").waitFor({ timeout: 60_000 });
    expect(await text("#metrics-line")).toMatch(/^Validation: loss [\d.e+-]+ · MSE [\d.e+-]+ · MAE [\d.e+-]+ on 8 examples \(held out; trained on 32\)$/);
    expect(await page.locator("#confusion tr").count()).toBe(0);
    expect(await page.locator("#download-weights").isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
