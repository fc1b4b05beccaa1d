import type { Tensor } from "../tensor.js";
import type { TraceGraph } from "../trace/graph.js";
import type { MatmulParams } from "../ops/matmul.js";
import { kernels } from "../kernels/active.js";
import { accumulates, matmulWasm } from "../kernels/matmulWasm.js";
import { WASM_MIN_MACS } from "../kernels/matmulFast.js"; // smaller products run a plain loop, with other bits
import { wasmRuntime } from "../kernels/wasm/runtime.js";

/**
 * Products added into a running sum. A weight used at every step of a sequence (an LSTM's W_hh and W_ih)
 * gets its gradient as one product per step, added up: `sum = sum + product`, a product's full-size
 * buffer written and then read back by an add, 31 times for 32 steps. When the running sum dies at that
 * add, the product can be added into the sum's buffer by the matrix kernel itself as it stores its tiles
 * (`matmulWasm`'s `accumulate`): the sum's buffer becomes the add's output, and the product has none.
 * The kernel rounds each sum of the product as a stored product would be before adding it, so this is
 * the bits of the product followed by the add, for products of one inner block (k ≤ KC; an LSTM's
 * weight gradients have k = batch).
 */

/** A product and the add of its value into a running sum, run as one step. */
export interface Accumulation {
  /** The node of the product and the node of the add. */
  readonly product: number;
  readonly add: number;
  /** The running sum the product is added to, whose buffer the add's output takes over. */
  readonly into: number;
  readonly output: number;
}

/**
 * Finds the adds `sum + product` (either order) that can run as a product added into `sum`: float32, no
 * broadcasting, a plain two-dimensional product on the WebAssembly kernel (the fast backend, at least
 * `WASM_MIN_MACS`, one inner block), the product and the sum each read by this add alone and by nothing
 * outside (`external`), the sum computed by the program (it owns the buffer), the add's output not kept
 * past the call (it lives in the arena), and no effect between the product and the add.
 */
export function accumulations(graph: TraceGraph, external: ReadonlySet<number>, useCount: readonly number[], effectBefore: readonly boolean[]): Accumulation[] {
  if (kernels.name !== "fast" || wasmRuntime() === null) return [];
  const producer = new Map<number, number>();
  graph.nodes.forEach((node, i) => producer.set(node.output, i));
  const found: Accumulation[] = [];
  const taken = new Set<number>();
  graph.nodes.forEach((node, j) => {
    if (node.op !== "add" || external.has(node.output)) return;
    const out = graph.values[node.output]!;
    for (const [g, p] of [[node.inputs[1]!, node.inputs[0]!], [node.inputs[0]!, node.inputs[1]!]] as const) {
      const i = producer.get(g);
      if (i === undefined || taken.has(i) || !addable(graph, i, p, node.output)) continue;
      if (useCount[g] !== 1 || useCount[p] !== 1 || external.has(g) || external.has(p) || graph.values[p]!.source.kind !== "node") continue;
      if (out.dtype !== "float32" || effectBefore.slice(i + 1, j + 1).some(Boolean)) continue;
      found.push({ product: i, add: j, into: p, output: node.output });
      taken.add(i);
      return;
    }
  });
  return found;
}

/** Whether node `i` is a 2-D float32 product of the output's shape that the kernel can add into `p`. */
function addable(graph: TraceGraph, i: number, p: number, output: number): boolean {
  const node = graph.nodes[i]!;
  if (node.op !== "matmul") return false;
  const [a, b] = node.inputs.map((id) => graph.values[id]!);
  const [pv, ov] = [graph.values[p]!, graph.values[output]!];
  if (a!.shape.length !== 2 || b!.shape.length !== 2 || a!.dtype !== "float32" || b!.dtype !== "float32") return false;
  const same = (s: readonly number[]): boolean => s.length === 2 && s[0] === ov.shape[0] && s[1] === ov.shape[1];
  if (!same(pv.shape) || !same(graph.values[node.output]!.shape) || pv.dtype !== "float32") return false;
  const { transposeA } = node.params as MatmulParams;
  const [m, n] = ov.shape as [number, number];
  const k = a!.shape[transposeA ? 0 : 1]!;
  return accumulates(k) && m * n * k >= WASM_MIN_MACS;
}

/** The step adding the product into the running sum's buffer, which is the add's output's. */
export function accumulationStep(graph: TraceGraph, acc: Accumulation, tensors: readonly Tensor[]): () => void {
  const node = graph.nodes[acc.product]!;
  const [a, b] = node.inputs.map((id) => tensors[id]!) as [Tensor, Tensor];
  const out = tensors[acc.output]!;
  const { transposeA, transposeB } = node.params as MatmulParams;
  const [m, n] = out.shape as [number, number];
  const k = a.shape[transposeA ? 0 : 1]!;
  const rt = wasmRuntime()!;
  return () => matmulWasm(rt, { a: a.data, b: b.data, transposeA, transposeB }, 0, 0, m, n, k, out.data as Float32Array, 0, true);
}
