import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inspect } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";

/**
 * Every ```ts block in docs/ runs here, and where an ```text block follows it, what the code printed must
 * equal that text: the docs cannot go stale. Blocks import the real packages.
 */
const docsDir = fileURLToPath(new URL(".", import.meta.url));
const runDir = fileURLToPath(new URL("./.run/", import.meta.url));

interface Example {
  code: string;
  expected: string | null;
  line: number;
}

function examples(markdown: string): Example[] {
  const found: Example[] = [];
  const fence = /^```(\w+)\n([\s\S]*?)^```$/gm;
  const blocks = [...markdown.matchAll(fence)].map((m) => ({ lang: m[1]!, body: m[2]!, index: m.index, end: m.index + m[0].length }));
  blocks.forEach((b, i) => {
    if (b.lang !== "ts") return;
    const next = blocks[i + 1];
    const adjacent = next && next.lang === "text" && markdown.slice(b.end, next.index).trim() === "";
    found.push({ code: b.body, expected: adjacent ? next.body.trimEnd() : null, line: markdown.slice(0, b.index).split("\n").length });
  });
  return found;
}

/**
 * One console.log argument as the page shows it: a string as it is, a value with its own inspect form (a
 * tensor) as Node's console.log prints it, anything else as compact JSON.
 */
function shown(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (typeof arg === "object" && arg !== null && Symbol.for("nodejs.util.inspect.custom") in arg) return inspect(arg);
  return JSON.stringify(arg);
}

mkdirSync(runDir, { recursive: true });
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

/** Pages with at least one ```ts block; a page of prose and tables alone has nothing to run. */
const pages = readdirSync(docsDir)
  .filter((f) => f.endsWith(".md"))
  .map((page) => [page, examples(readFileSync(docsDir + page, "utf8"))] as const)
  .filter(([, list]) => list.length > 0);

describe.each(pages)("docs/%s", (page, list) => {
  it.each(list.map((e) => [e.line, e] as const))("the example at line %i runs and prints what the page says", async (_, example) => {
    const file = `${runDir}${page.replace(/\W/g, "_")}_${example.line}.ts`;
    writeFileSync(file, example.code);
    const printed: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(args.map(shown).join(" "));
    });
    try {
      await import(pathToFileURL(file).href);
    } finally {
      spy.mockRestore();
    }
    if (example.expected !== null) expect(printed.join("\n")).toBe(example.expected);
  });
});
