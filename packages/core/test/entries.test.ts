import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as core from "@tapegrad/core";
import { writeFileAtomically } from "@tapegrad/core/node";

/**
 * The two entries of the package: the main one loads in a browser (no module it reaches statically is a
 * `node:` one), and Node's file I/O sits behind `@tapegrad/core/node`.
 */

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** Every module specifier that the file at `path` and the relative modules it imports import statically. */
function staticImports(path: string, seen = new Set<string>()): Set<string> {
  const specifiers = new Set<string>();
  if (seen.has(path)) return specifiers;
  seen.add(path);
  // `import ... from "x"`, `export ... from "x"` and `import "x"`; dynamic `import("x")` is left out on purpose.
  for (const m of readFileSync(path, "utf8").matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*"([^"]+)"|^\s*import\s*"([^"]+)"/gms)) {
    const spec = (m[1] ?? m[2])!;
    specifiers.add(spec);
    if (spec.startsWith(".")) for (const s of staticImports(resolve(dirname(path), spec.replace(/\.js$/, ".ts")), seen)) specifiers.add(s);
  }
  return specifiers;
}

describe("package entries", () => {
  it("the main entry reaches no node: module and exports no file I/O", () => {
    const imports = [...staticImports(join(src, "index.ts"))];
    expect(imports.length).toBeGreaterThan(20); // the walk really followed the modules
    expect(imports.filter((s) => s.startsWith("node:"))).toEqual([]);
    expect("writeFileAtomically" in core).toBe(false);
  });

  it("@tapegrad/core/node writes a file whole", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tapegrad-entries-"));
    try {
      const path = join(dir, "notes.txt");
      await writeFileAtomically(path, "first");
      await writeFileAtomically(path, Uint8Array.of(104, 105));
      expect(readFileSync(path, "utf8")).toBe("hi");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
