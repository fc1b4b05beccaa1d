import type { UnaryLoop } from "../elementwise.js";
import { add32, brIf, const32, end, get, i32, load128, loop, ltU32, mul32, set, store128, v128, type Code, type Func, type LaneLocals } from "./assembler.js";
import { defineWasmKernel, runInBlocks } from "./registered.js";

/**
 * An eager float32 kernel from a unary op's lane formula (`OpRule.simd`), for the ops whose float32
 * formula is long in JavaScript (exp, tanh: a dozen rounded operations an element, slower than
 * `Math.exp`): four lanes at a time in WebAssembly, a staged block at a time (`runInBlocks`), in place where
 * the output lives in the memory. The formula gives the float32 scalar formula's bits (float32Math.test.ts),
 * so the kernel's results are those of the JavaScript loop `fallback`, which runs instead on short arrays
 * (under `LANES_FROM` elements the call and the staging cost more) and where the kernel cannot run (no
 * WebAssembly SIMD, or the reference backend).
 */

/** Below this many elements the JavaScript loop is the faster. */
const LANES_FROM = 64;

/** The in-place loop `map(at, groups)`: the formula over `groups` vectors of four float32 lanes from byte address `at`. */
function mapFunc(formula: (this: LaneLocals, x: Code) => Code): Func {
  const [at, groups, o, end4] = [0, 1, 2, 3];
  let next = 4;
  const lanes = formula.call({ v128: () => next++ }, [...get(at), ...get(o), ...add32, ...load128()]);
  return {
    name: "map",
    params: [i32, i32],
    results: [],
    locals: [i32, i32, ...new Array<number>(next - 4).fill(v128)],
    body: [
      ...get(groups), ...const32(16), ...mul32, ...set(end4), // end4 = groups · 16 bytes
      ...loop,
      ...get(at), ...get(o), ...add32, ...lanes, ...store128(),
      ...get(o), ...const32(16), ...add32, ...set(o),
      ...get(o), ...get(end4), ...ltU32, ...brIf(0),
      ...end,
    ],
  };
}

/**
 * The fast backend's loop for a float32 op of lane formula `formula` (see the module's comment).
 * @example
 * ```ts
 * const loop = laneLoop("exp", expOp.simd!, unaryLoop(exp32)); // loop(out, x): out[i] = exp32(x[i])
 * ```
 */
export function laneLoop(name: string, formula: (this: LaneLocals, x: Code) => Code, fallback: UnaryLoop): UnaryLoop {
  const kernel = defineWasmKernel<{ map(at: number, groups: number): void }>({ name: `${name} (float32 lanes)`, build: () => [mapFunc(formula)] });
  return (out, x) => {
    const k = x.length >= LANES_FROM && out instanceof Float32Array ? kernel.acquire() : null;
    if (k === null) return fallback(out, x);
    out.set(x);
    runInBlocks(k, { operands: [out as Float32Array], updated: [0] }, ([at], groups) => k.exports.map(at!, groups));
  };
}
