import { ValueError } from "@tapegrad/core";

/** The two Node modules the file loader needs, typed locally (the package's main entry imports no `node:` module). */
interface NodeFiles {
  fs: { readFileSync(url: URL): Uint8Array & { toString(encoding: "utf8"): string } };
  zlib: { gunzipSync(bytes: Uint8Array): Uint8Array & { toString(encoding: "utf8"): string } };
}

/**
 * `node:fs` and `node:zlib`, reached through `process.getBuiltinModule` when first needed rather than
 * imported, so that the package (and `@tapegrad/optim`, which re-exports its `DataLoader`) loads in a
 * browser, where the synthetic sets and the loader work and only the shipped files cannot be read.
 */
function nodeFiles(name: string): NodeFiles {
  const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const [fs, zlib] = [proc?.getBuiltinModule?.("node:fs"), proc?.getBuiltinModule?.("node:zlib")];
  if (fs === undefined || zlib === undefined) throw new ValueError("datasets", `reading data/${name} needs Node's file system (Node >= 20.16); the synthetic sets work anywhere`);
  return { fs, zlib } as NodeFiles;
}

/**
 * Reads one of the files shipped in the package's `data/` folder as text, gunzipping `.gz` files. The
 * path is resolved against this module, which sits one level below the package root both as
 * `src/files.ts` (tests, tsx) and inside the bundled `dist/index.js`, so the same URL works from both.
 * @internal
 */
export function readDataFile(name: string): string {
  const { fs, zlib } = nodeFiles(name);
  const bytes = fs.readFileSync(new URL(`../data/${name}`, import.meta.url));
  return (name.endsWith(".gz") ? zlib.gunzipSync(bytes) : bytes).toString("utf8");
}
