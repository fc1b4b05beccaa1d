import { grad, jacfwd, jvp, zeros, type Tensor } from "@tapegrad/core";
import type { Network } from "./network.js";

/**
 * The three ways the benchmark computes the full parameter gradient ∂F/∂θ. Each returns the gradient
 * flattened in parameter order, so the runner can check that all three agree.
 */

const flatten = (parts: readonly Tensor[]): Float64Array => Float64Array.from(parts.flatMap((t) => Array.from(t.data)));
const all = (net: Network): number[] => net.params.map((_, i) => i);

/** Reverse mode: one forward pass on the tape and one backward pass (backpropagation). */
export function reverseGradient(net: Network): Float64Array {
  return flatten(grad(net.loss, { argnums: all(net) })(...net.params));
}

/**
 * Forward mode as `jacfwd` over all parameters: one tangent row per parameter, pushed through the JVP
 * rules in batches of `chunkSize` rows (the lecture's product of Jacobians from the input side).
 */
export function jacfwdGradient(net: Network, chunkSize: number): Float64Array {
  return flatten(jacfwd(net.loss, { argnums: all(net), chunkSize })(...net.params));
}

/**
 * Forward mode one `jvp` per parameter, the textbook loop: direction e_j gives ∂F/∂θ_j. The zero tangents
 * are made once and the one-hot entry is set and cleared in place, so the loop times the JVPs, not
 * allocation. It stops after `limit` parameters, or at the first parameter after `deadline` (a
 * `performance.now()` time): the time box. Returns the entries done.
 */
export function jvpPerParameterGradient(net: Network, limit = Infinity, deadline = Infinity): Float64Array {
  const tangents = net.params.map((p) => zeros(p.shape, { dtype: "float64" }));
  const out: number[] = [];
  const more = (): boolean => out.length < limit && (deadline === Infinity || performance.now() < deadline);
  for (let a = 0; a < tangents.length && more(); a++) {
    const t = tangents[a]!;
    for (let j = 0; j < t.size && more(); j++) {
      t.data[j] = 1;
      out.push(jvp(net.loss, net.params, tangents)[1].item());
      t.data[j] = 0;
    }
  }
  return Float64Array.from(out);
}
