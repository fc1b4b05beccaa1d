import type { Tensor } from "../tensor.js";
import { zerosLike } from "../creation.js";
import { checkFunction } from "./arguments.js";
import { checkedOutput, flattenArgs, flattenOutput, unflattenArgs } from "./flatArgs.js";
import { applyTreeFunctionOp } from "./treeFunctionOp.js";
import { jvp } from "./jvp.js";
import { isGradEnabled } from "./mode.js";
import { trace } from "./transforms.js";

/**
 * Gradient checkpointing (`jax.checkpoint`, `torch.utils.checkpoint`): `checkpoint(f)` computes the same
 * values as f, but the tape keeps only f's inputs and its output, not the intermediates inside f. The
 * backward pass runs f again on the saved inputs to rebuild them, one checkpointed piece at a time, so
 * the peak tape memory of a deep network falls from all its layers to the pieces' boundaries plus one
 * piece, for the price of a second forward pass. Gradients are the same numbers.
 *
 * Like `customVjp`, f is a one-off primitive, so every transform sees it (`grad`, `jvp`, `hessian`,
 * nested). Arguments and the output may be pytrees. Pass the parameters f uses as arguments:
 * tensors f closes over are constants to the recomputation, so they would get no gradient.
 * @example
 * ```ts
 * const block = checkpoint((h: Tensor, p: { w: Tensor; b: Tensor }) => h.matmul(p.w).add(p.b).tanh());
 * const loss = (p: { w: Tensor; b: Tensor }) => block(block(x, p), p).sum();
 * grad(loss)(params); // same as without checkpoint, with a smaller tape
 * ```
 */
export function checkpoint<A extends readonly unknown[], O>(f: (...args: A) => O): (...args: A) => O {
  checkFunction("checkpoint", f);
  return (...args) => {
    const flat = flattenArgs("checkpoint", args);
    const call = (leaves: readonly Tensor[]): O => f(...(unflattenArgs(flat, leaves) as unknown as A));
    if (!flat.leaves.some((x) => x.requiresGrad || x.dual !== null)) return checkedOutput("checkpoint", call(flat.leaves));
    const leavesOf = (leaves: readonly Tensor[]): Tensor[] => flattenOutput("checkpoint", call(leaves))[0];
    return applyTreeFunctionOp(
      {
        name: "checkpoint",
        run: call,
        jvp: (primals, tangents) => jvp(leavesOf, [primals], [tangents.map((t, i) => t ?? zerosLike(primals[i]!))])[1],
        // The rematerialisation: f runs again on the saved inputs, under the tape, and is pulled back at once.
        vjp: (cts, primals) => trace((...xs) => leavesOf(xs), primals, isGradEnabled()).pull(cts, false),
      },
      flat.leaves,
    ) as O;
  };
}

