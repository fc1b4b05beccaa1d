import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { afterAll, describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "tapegrad-demo-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the demo, end to end", () => {
  it("trains all three tasks for one epoch, prints the summary and writes the picture, the curves and the report", () => {
    const run = spawnSync("npx", ["tsx", "--conditions=source", "src/main.ts", "--epochs", "1", "--hidden", "4,4", "--out", out], {
      cwd: pkg, encoding: "utf8", env: { ...process.env, INIT_CWD: pkg },
    });
    expect(run.stderr).not.toMatch(/error|^\s+at /im); // npx may warn about npm itself; nothing of the demo's
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^moons +2-4-4-2 +1 +\d\.\d{4} +test accuracy \d\.\d{3} +majority class 0\.500 /m);
    expect(run.stdout).toMatch(/^digits +64-4-4-10 +1 /m);
    expect(run.stdout).toMatch(/^diabetes +10-4-4-1 +1 +\d\.\d{4} +test MSE \d+ +training mean \d+ /m);
    expect(run.stdout).toContain("true \\ predicted");
    for (const file of ["boundary-moons.png", "loss.svg", "report.html"]) {
      expect(existsSync(join(out, file))).toBe(true);
      expect(run.stdout).toContain(`wrote ${join(out, file)}\n`); // outside the working directory: absolute
    }
    const png = PNG.sync.read(readFileSync(join(out, "boundary-moons.png")));
    expect([png.width, png.height]).toEqual([420, 420]);
    expect(readFileSync(join(out, "loss.svg"), "utf8").match(/<polyline /g)).toHaveLength(6);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain(`<img src="boundary-moons.png"`);
    expect(html).toContain(`<img src="loss.svg"`);
  }, 180_000); // a child process that starts tsx and trains three networks: slow on a loaded 2-core machine
});
