/**
 * TensorFlow.js adapter. The union package `@tensorflow/tfjs` is imported (not `tfjs-core` alone, which
 * registers no gradients: `gradient function not found for RealDiv`). Importing
 * `@tensorflow/tfjs-backend-wasm` registers the "wasm" backend; in Node it finds its `.wasm` files inside
 * its own package (no `setWasmPaths` needed) and runs on one thread with SIMD.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

export { tf };

export type TfjsBackend = "cpu" | "wasm";

/** Switches tfjs to `backend` and waits until it is ready; throws if it cannot be used. */
export async function useTfjsBackend(backend: TfjsBackend): Promise<void> {
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`tfjs: setBackend("${backend}") failed (active: ${tf.getBackend()})`);
}

export const tfjsVersion: string = tf.version.tfjs;
