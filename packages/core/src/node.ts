/**
 * @tapegrad/core/node: what core offers that needs Node's file system, kept out of the main entry so that
 * `@tapegrad/core` itself imports no `node:` module and loads in a browser as it is. Other packages reach
 * their Node-only helpers here (`@tapegrad/nn`'s `save`, checkpoints).
 *
 * @example
 * ```ts
 * import { writeFileAtomically } from "@tapegrad/core/node";
 * await writeFileAtomically("run/notes.txt", "epoch 3 done");
 * ```
 * @packageDocumentation
 */
export { writeFileAtomically } from "./io/writeFileAtomically.js";
