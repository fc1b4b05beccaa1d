import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

/** The package's sources import no `node:` module, so it (and optim, which re-exports DataLoader) loads in a browser. */
describe("@tapegrad/datasets in a browser", () => {
  it("no source file imports a node: module statically", () => {
    const dir = new URL("../src/", import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.filter((f) => /^\s*import\b[^;]*?from\s*"node:/m.test(readFileSync(new URL(f, dir), "utf8")));
    expect(offenders).toEqual([]);
  });
});
