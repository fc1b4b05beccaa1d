import { apply } from "../autodiff/apply.js";
import { ShapeError, ValueError } from "../errors.js";
import { kernels } from "../kernels/active.js";
import { broadcastShapes, sizeOf, type Shape } from "../shape.js";
import type { Tensor, TensorLike } from "../tensor.js";
import { describeValue } from "../errors.js";
import { argShape } from "./args.js";
import { sumPresent } from "./define.js";
import { reshape } from "./reshape.js";
import type { OpRule } from "./rule.js";

/** Options of `matmul`: read either operand's last two axes transposed, without a copy. */
export interface MatmulOptions {
  /** Use `[..., k, m]` x as its matrix transpose `[..., m, k]`. Default false. */
  readonly transposeA?: boolean;
  /** Use `[..., n, k]` y as its matrix transpose `[..., k, n]`. Default false. */
  readonly transposeB?: boolean;
}

/** The op's params: both flags, always present. */
export interface MatmulParams {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** A shape's last two axes, swapped when `transposed`: the matrix the product uses. */
function asUsed(shape: Shape, transposed: boolean): { rows: number; cols: number } {
  const [r, c] = [shape[shape.length - 2]!, shape[shape.length - 1]!];
  return transposed ? { rows: c, cols: r } : { rows: r, cols: c };
}

/**
 * The matrix product with each operand optionally transposed (as BLAS's gemm and XLA's dot take them).
 * The VJP needs products with transposed operands (dA = C̄·Bᵀ, dB = Aᵀ·C̄); flags let the kernel read
 * them in place instead of taping a `transpose` copy first, and the VJP of a flagged product is again
 * flagged products, so every order of derivative stays copy-free.
 */
export const matmulOp: OpRule<[Tensor, Tensor], MatmulParams> = {
  name: "matmul",
  arity: 2,
  batching: "broadcasts", // over the batch dims before the last two, so a vmap batch is one more of them
  takesInt32: true,
  shape: ({ inputs: [x, y], params: p }) => {
    const a = x.shape;
    const b = y.shape;
    if (a.length < 2 || b.length < 2) {
      throw new ShapeError("matmul", `the primitive takes operands of rank >= 2 (the matmul function reshapes vectors)`, [a, b]);
    }
    const [left, right] = [asUsed(a, p.transposeA), asUsed(b, p.transposeB)];
    if (left.cols !== right.rows) throw new ShapeError("matmul", `inner dimensions differ (${left.cols} != ${right.rows})`, [a, b]);
    return [...broadcastShapes("matmul", a.slice(0, -2), b.slice(0, -2)), left.rows, right.cols];
  },
  forward: ({ inputs: [x, y], params: p, outShape, dtype }) => {
    // A stack of matrices times one matrix is one taller product over the same memory: x's batch dims
    // fold into its rows (a vmap batch, a sequence of tokens), which the kernel runs far faster than
    // one small product per matrix.
    if (y.shape.length === 2 && x.shape.length > 2 && !p.transposeA) {
      const k = x.shape[x.shape.length - 1]!;
      const rows = x.size / k;
      return kernels.matmul(x.data, [rows, k], y.data, y.shape, [rows, outShape[outShape.length - 1]!], dtype, false, p.transposeB);
    }
    return kernels.matmul(x.data, x.shape, y.data, y.shape, outShape, dtype, p.transposeA, p.transposeB);
  },
  // d(op(A)·op(B)) = op(dA)·op(B) + op(A)·op(dB)
  jvp: ({ primals: [x, y], tangents: [dx, dy], params: p }) => sumPresent(dx && matmul(dx, y, p), dy && matmul(x, dy, p)),
  // With C̄ the cotangent: d op(A) = C̄·op(B)ᵀ and d op(B) = op(A)ᵀ·C̄, each written as one flagged product
  // of the stored operands. Batch dims that were broadcast are summed back by the engine.
  vjp: ({ primals: [x, y], params: p, ct, needed }) => [
    needed[0] ? (p.transposeA ? matmul(y, ct, { transposeA: p.transposeB, transposeB: true }) : matmul(ct, y, { transposeB: !p.transposeB })) : null,
    needed[1] ? (p.transposeB ? matmul(ct, x, { transposeA: true, transposeB: p.transposeA }) : matmul(x, ct, { transposeA: !p.transposeA })) : null,
  ],
  cost: ({ inputShapes: [a], outShape, params: p }) => 2 * sizeOf(outShape) * asUsed(a, p.transposeA).cols, // a multiply and an add per (i, j, k)
  test: {
    cases: (g) => {
      const [m, k, n] = [g.int(1, 4), g.int(1, 4), g.int(1, 4)];
      const params = { transposeA: g.bool(), transposeB: g.bool() };
      // Trailing dims of a broadcast pair stay aligned, so at most two batch dims that still broadcast.
      const batch = g.bool() ? null : g.broadcastPair();
      const [ba, bb] = batch ? [batch[0].slice(-2), batch[1].slice(-2)] : [[], []];
      const a = params.transposeA ? [k, m] : [m, k];
      const b = params.transposeB ? [n, k] : [k, n];
      return { shapes: [[...ba, ...a], [...bb, ...b]], params };
    },
  },
};

/**
 * Matrix product of the last two axes, `[..., m, k] × [..., k, n] → [..., m, n]`, with the leading
 * (batch) axes broadcast against each other. `transposeA` / `transposeB` use an operand's matrix
 * transpose, read in place (no copy is made or taped). A 1-D operand is a vector, as in `torch.matmul`:
 * on the left it is a row `[1, k]`, on the right a column `[k, 1]`, and that axis is dropped from the
 * result, so vector·vector is a scalar.
 * @example
 * ```ts
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * matmul(tensor([[1], [2]]), tensor([[3], [4]]), { transposeA: true }).toArray(); // [[11]]
 * matmul(tensor([1, 2]), tensor([[3, 4], [5, 6]])).toArray(); // [13, 16]
 * matmul(tensor([1, 2]), tensor([3, 4])).item(); // 11
 * ```
 */
export function matmul(x: TensorLike, y: TensorLike, options: MatmulOptions = {}): Tensor {
  const params = { transposeA: flag(options, "transposeA"), transposeB: flag(options, "transposeB") };
  const [a, b] = [argShape("matmul", x), argShape("matmul", y)];
  if (a.length === 0 || b.length === 0) throw new ShapeError("matmul", `operands need rank >= 1 (use mul to scale by a scalar)`, [a, b]);
  if (a.length > 1 && b.length > 1) return apply(matmulOp, [x, y], params);
  // A vector becomes the matrix that, read as the flags say, is a row (left) or a column (right).
  const left = a.length === 1 ? reshape(x, params.transposeA ? [a[0]!, 1] : [1, a[0]!]) : x;
  const right = b.length === 1 ? reshape(y, params.transposeB ? [1, b[0]!] : [b[0]!, 1]) : y;
  const product = apply(matmulOp, [left, right], params);
  const shape = product.shape.slice(0, -2);
  if (a.length > 1) shape.push(product.shape[product.shape.length - 2]!);
  if (b.length > 1) shape.push(product.shape[product.shape.length - 1]!);
  return reshape(product, shape);
}

/** An optional boolean option (false when absent), or a ValueError naming matmul and the option. */
function flag(options: MatmulOptions, name: keyof MatmulOptions): boolean {
  if (typeof options !== "object" || options === null) throw new ValueError("matmul", `options must be an object, got ${describeValue(options)}`);
  const value: unknown = options[name];
  if (value !== undefined && typeof value !== "boolean") throw new ValueError("matmul", `${name} must be a boolean, got ${describeValue(value)}`);
  return value ?? false;
}
