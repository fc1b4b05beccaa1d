import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { build } from "tsup";
import { tensor } from "@tapegrad/core";
import { importOnnx } from "@tapegrad/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildNetwork } from "../src/app/network.js";
import { parseSettings } from "../src/app/settings.js";
import { bundleOptions } from "../tsup.config.js";
import { serveStatic, type StaticServer } from "../src/server/static.js";
import { chromiumArgs, findChromium } from "./chromium.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
/** onnxruntime-web's WebAssembly build (one thread, no WebGPU): served beside the page under /ort/. */
const ortFiles = ["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"];
const ortDir = join(packageDir, "node_modules", "onnxruntime-web", "dist");
const screenshot = join(packageDir, "out", "playground.png");

/** Small enough to train in a second or two, large enough to bend the boundary around the moons. */
const trainQuery = "?data=moons&points=100&seed=1&hidden=6-6&act=tanh&opt=adam&lr=0.03&sched=constant&batch=10&speed=4&view=train";
const raceQuery = "?data=xor&points=60&hidden=4&act=tanh&batch=10&speed=2&view=race";

/** The canvas's RGBA bytes, carried out of the page as base64 (far quicker than an array of numbers). */
async function pixels(page: Page, selector: string): Promise<Buffer> {
  const base64 = await page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const bytes = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let text = "";
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return btoa(text);
  });
  return Buffer.from(base64, "base64");
}

function attribute(page: Page, selector: string, name: string): Promise<number> {
  return page.$eval(selector, (el, n) => Number(el.getAttribute(n)), name);
}

/** Trains until the page reports at least `steps` steps, then pauses. */
async function train(page: Page, steps: number): Promise<void> {
  await page.click("#play");
  await page.waitForFunction((n) => Number(document.body.dataset["step"]) >= n, steps, { timeout: 120_000 });
  await page.click("#play");
}

describe("the playground in headless Chromium", () => {
  const outDir = mkdtempSync(join(tmpdir(), "playground-e2e-"));
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await build({ ...bundleOptions(packageDir, outDir), metafile: true, config: false, silent: true });
    mkdirSync(join(outDir, "ort"));
    for (const file of ortFiles) copyFileSync(join(ortDir, file), join(outDir, "ort", file));
    server = await serveStatic(outDir, { port: 0 });
    browser = await chromium.launch({ executablePath: findChromium(), args: [...chromiumArgs] });
    page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it("bundles nothing that imports from node:", () => {
    // esbuild's own record of what the output still imports, static or dynamic. (Strings that name
    // `node:` modules may remain: core asks `process.getBuiltinModule` for them only when it runs in Node.)
    const meta = JSON.parse(readFileSync(join(outDir, "metafile-esm.json"), "utf8")) as { outputs: Record<string, { imports: { path: string }[] }> };
    const app = Object.entries(meta.outputs).find(([file]) => file.endsWith("app.js"));
    expect(app).toBeDefined();
    expect(app![1].imports.map((i) => i.path)).toEqual([]);
    const bundle = readFileSync(join(outDir, "app.js"), "utf8");
    expect(bundle).toContain("probabilityField");
    expect(bundle).not.toMatch(/\b(from|import)\s*\(?\s*["']node:/);
  });

  it("trains: the loss falls and the boundary changes; saves a screenshot", async () => {
    await page.goto(server!.url + trainQuery);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector("#cost-table[data-forward-flops]", { timeout: 60_000 });
    const panel = "#panels .panel";
    const before = { loss: await attribute(page, panel, "data-train-loss"), test: await attribute(page, panel, "data-test-loss"), field: await pixels(page, `${panel} canvas.boundary`) };
    expect(await attribute(page, panel, "data-step")).toBe(0);
    expect(before.loss).toBeGreaterThan(0);

    await train(page, 200);

    const after = { loss: await attribute(page, panel, "data-train-loss"), test: await attribute(page, panel, "data-test-loss"), field: await pixels(page, `${panel} canvas.boundary`) };
    expect(await attribute(page, panel, "data-step")).toBeGreaterThanOrEqual(200);
    expect(after.loss).toBeLessThan(0.7 * before.loss);
    expect(after.test).toBeLessThan(before.test);
    const changed = after.field.filter((v, i) => Math.abs(v - before.field[i]!) > 8).length;
    expect(after.field.length).toBe(360 * 360 * 4);
    expect(changed / after.field.length).toBeGreaterThan(0.05);

    mkdirSync(join(packageDir, "out"), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it("counts more FLOPs for the gradient in forward mode than in reverse mode", async () => {
    const reverse = await attribute(page, "#cost-table", "data-reverse-flops");
    const forward = await attribute(page, "#cost-table", "data-forward-flops");
    expect(await attribute(page, "#cost-table", "data-parameters")).toBe(2 * 6 + 6 + 6 * 6 + 6 + 6 + 1);
    expect(reverse).toBeGreaterThan(0);
    expect(forward).toBeGreaterThan(10 * reverse);
  });

  it("downloads the trained network as ONNX, which onnxruntime-web runs in the page as tapegrad does", async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-onnx")]);
    expect(download.suggestedFilename()).toBe("playground.onnx");
    const bytes = new Uint8Array(readFileSync((await download.path())!));
    const points = [[0, 0], [1, 0.5], [-1, 0.3], [0.5, -0.5], [2, 1], [-0.7, -1.2]];
    await page.addScriptTag({ type: "module", content: `import * as ort from "/ort/ort.wasm.min.mjs"; window.ort = ort;` });
    await page.waitForFunction(() => "ort" in window);
    const fromOrt = await page.evaluate(async ({ model, points }) => {
      const ort = (window as unknown as { ort: typeof import("onnxruntime-web") }).ort;
      ort.env.wasm.wasmPaths = "/ort/";
      ort.env.wasm.numThreads = 1;
      const session = await ort.InferenceSession.create(Uint8Array.from(atob(model), (c) => c.charCodeAt(0)));
      const feeds = { points: new ort.Tensor("float32", Float32Array.from(points.flat()), [points.length, 2]) };
      const out = await session.run(feeds);
      return { inputs: session.inputNames, outputs: session.outputNames, dims: out["logits"]!.dims, logits: Array.from(out["logits"]!.data as Float32Array) };
    }, { model: Buffer.from(bytes).toString("base64"), points });
    expect([fromOrt.inputs, fromOrt.outputs, fromOrt.dims]).toEqual([["points"], ["logits"], [points.length, 1]]);
    // The same file read back by tapegrad: what the page's network computes, to float32 rounding.
    const { fn, params } = importOnnx(bytes);
    const expected = fn(params, tensor(points))[0]!.data;
    fromOrt.logits.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(expected[i]!))));
    // Trained weights, not the ones the settings start from.
    const initial = buildNetwork(parseSettings(trainQuery)).stateDict();
    expect(Object.keys(params)).toEqual(Object.keys(initial));
    expect(params["0.weight"]!.toArray()).not.toEqual(initial["0.weight"]!.toArray());
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("keeps every setting in the URL and writes changes from the form back to it", async () => {
    const shown = new URLSearchParams(new URL(page.url()).search);
    for (const [key, value] of new URLSearchParams(trainQuery)) expect([key, shown.get(key)]).toEqual([key, value]);
    await page.selectOption("select[name=opt]", "sgd");
    await page.waitForFunction(() => location.search.includes("opt=sgd"));
    const changed = new URLSearchParams(new URL(page.url()).search);
    expect(changed.get("lr")).toBe("0.1");
    expect(changed.get("data")).toBe("moons");
    expect(await attribute(page, "#panels .panel", "data-step")).toBe(0);

    // One more hidden layer: the new layer copies the last width, and the cost panel counts the new network.
    await page.fill("input[name=depth]", "3");
    await page.dispatchEvent("input[name=depth]", "change");
    await page.waitForFunction(() => location.search.includes("hidden=6-6-6"));
    expect(await page.inputValue("input[name=hidden]")).toBe("6, 6, 6");
    await page.waitForSelector("#cost-table[data-forward-flops]", { timeout: 60_000 });
    expect(await attribute(page, "#cost-table", "data-parameters")).toBe(2 * 6 + 6 + 2 * (6 * 6 + 6) + 6 + 1);
  });

  it("races five optimizers from the same start, each lowering its loss", async () => {
    await page.goto(server!.url + raceQuery);
    await page.waitForSelector("body[data-ready=true]");
    const racers = "#panels .panel";
    const names = await page.$$eval(racers, (els) => els.map((e) => e.getAttribute("data-optimizer")));
    expect(names).toEqual(["sgd", "rmsprop", "adadelta", "adam", "adabelief"]);
    const start = await page.$$eval(racers, (els) => els.map((e) => Number(e.getAttribute("data-train-loss"))));
    expect(new Set(start).size).toBe(1);
    await train(page, 60);
    const end = await page.$$eval(racers, (els) => els.map((e) => Number(e.getAttribute("data-train-loss"))));
    for (const loss of end) expect(loss).toBeLessThan(start[0]!);
    expect(new Set(end).size).toBe(5);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
