/**
 * Makes the pictures in docs/playground.md: opens the built page (run `bundle` first) with the settings
 * in `query`, trains for at least `steps` steps, pauses and saves a full-page screenshot.
 *
 *   npx tsx packages/playground/scripts/screenshot.ts "?data=spirals&hidden=16-16&speed=20" 3000 docs/img/playground.png
 */
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveStatic } from "../src/server/static.js";
import { chromiumArgs, findChromium } from "../test/chromium.js";

const [query, steps, path] = process.argv.slice(2);
if (query === undefined || steps === undefined || path === undefined || !(Number(steps) >= 0)) {
  console.error('usage: screenshot.ts "<?query>" <steps> <file.png>');
  process.exit(2);
}
const server = await serveStatic(fileURLToPath(new URL("../dist/", import.meta.url)), { port: 0 });
const browser = await chromium.launch({ executablePath: findChromium(), args: [...chromiumArgs] });
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 900 } });
  await page.goto(server.url + query);
  await page.waitForSelector("#cost-table[data-forward-flops]", { timeout: 120_000 });
  await page.click("#play");
  // A string, not a function: tsx's compiled functions refer to a helper that the page does not have.
  await page.waitForFunction(`Number(document.body.dataset.step) >= ${Number(steps)}`, undefined, { timeout: 600_000 });
  await page.click("#play");
  await page.screenshot({ path, fullPage: true });
  const losses = await page.$$eval("#panels .panel", (els) => els.map((e) => `${e.getAttribute("data-optimizer")} ${e.getAttribute("data-train-loss")}`));
  console.log(`${path}: step ${await page.getAttribute("body", "data-step")}, train loss ${losses.join(", ")}`);
} finally {
  await browser.close();
  await server.close();
}
