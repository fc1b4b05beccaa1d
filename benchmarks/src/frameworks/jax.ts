/**
 * jax-js adapter. In Node, `init("wasm")` (a bare `init()` touches `navigator` and throws); the wasm
 * device is single-threaded there. Arrays are reference-counted and consumed when passed to a function:
 * pass `a.ref` to keep `a` alive. `data()` consumes its array too.
 */
import { readFileSync } from "node:fs";
import { defaultDevice, init } from "@jax-js/jax";

let ready: Promise<void> | null = null;

/** Starts the jax-js wasm device once and makes it the default. */
export function initJax(): Promise<void> {
  ready ??= (async () => {
    const devices = await init("wasm");
    if (!devices.includes("wasm")) throw new Error(`jax-js: init("wasm") gave devices [${devices.join(", ")}]`);
    defaultDevice("wasm");
  })();
  return ready;
}

/** The installed version (the package's exports do not include its package.json, so read the file). */
export const jaxVersion: string = (() => {
  try {
    const url = new URL("../../node_modules/@jax-js/jax/package.json", import.meta.url);
    return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
})();
