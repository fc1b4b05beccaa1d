import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/**
 * Reads one of the files shipped in the package's `data/` folder as text, gunzipping `.gz` files. The
 * path is resolved against this module, which sits one level below the package root both as
 * `src/files.ts` (tests, tsx) and inside the bundled `dist/index.js`, so the same URL works from both.
 * @internal
 */
export function readDataFile(name: string): string {
  const bytes = readFileSync(new URL(`../data/${name}`, import.meta.url));
  return (name.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}
