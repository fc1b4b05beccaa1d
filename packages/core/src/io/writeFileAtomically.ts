/**
 * Durable replacement of a file: the bytes go to a temporary file in the same directory, which is flushed
 * to disk (fsync) and renamed over the target, and then the directory itself is flushed so that the
 * rename survives a power cut. A process killed at any moment leaves either the old file or the new one,
 * never a mix (at worst a stray `*.tmp` file beside them). Model files (`@tapegrad/nn`'s `save`) and
 * checkpoints (`@tapegrad/optim`'s `saveCheckpoint`) are written through it. Node only, so it is exported
 * from `@tapegrad/core/node`, not the main entry; `node:fs` is still loaded on first use, so a package
 * whose main entry re-exports a saver built on it (`@tapegrad/nn`) still loads in a browser.
 * @example
 * ```ts
 * import { writeFileAtomically } from "@tapegrad/core/node";
 * await writeFileAtomically("run/notes.txt", "epoch 3 done");
 * ```
 */
export async function writeFileAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const { open, rename, rm } = await import("node:fs/promises");
  const { dirname } = await import("node:path");
  // pid plus a random part: two processes, or two saves in flight in one process, never share a name.
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const file = await open(temporary, "wx");
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw e;
  }
  await syncDirectory(dirname(path));
}

/** Flushes a directory's entries (the rename) to disk; Windows cannot open a directory, and needs no flush for it. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const { open } = await import("node:fs/promises");
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
