import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  apply, concat, grad, GradError, hessian, hvp, jacfwd, jacrev, jvp, pad, primitives, ShapeError, slice, softmaxCrossEntropy,
  tensor, transpose, ValueError, where, zeros, type AnyOpRule, type CaseGen, type OpRule, type Tensor,
} from "@tapegrad/core";
import { accepts, caseGen, drawOpCase, type Gen } from "../../../test-support/opHarness.js";
import { runs } from "../../../test-support/fuzz.js";

type Fn = (...args: Tensor[]) => Tensor;

const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const f64 = (values: number[], shape: readonly number[]): Tensor => tensor(Float64Array.from(values), { shape: [...shape] });
const values = (g: CaseGen, shape: readonly number[], lo = -1.5, hi = 1.5): number[] => Array.from({ length: sizeOf(shape) }, () => g.real(lo, hi));

/** The largest |a − b| over |b|'s scale: a mismatch of `tol` relative to the Jacobian's size fails. */
function expectClose(actual: Tensor, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.size, what).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - expected[i]!));
  expect(worst / scale, `${what}: worst difference ${worst} (scale ${scale})`).toBeLessThanOrEqual(tol);
}

/** Central finite differences of f with respect to argument `arg`, laid out as `[...out.shape, ...x.shape]`. */
function finiteJacobian(f: Fn, args: readonly Tensor[], arg: number, h = 1e-6): Float64Array {
  const x = args[arg]!;
  const at = (j: number, delta: number): Tensor => {
    const moved = Float64Array.from(x.data);
    moved[j]! += delta;
    return f(...args.map((a, i) => (i === arg ? f64([...moved], x.shape) : a)));
  };
  const outSize = f(...args).size;
  const jac = new Float64Array(outSize * x.size);
  for (let j = 0; j < x.size; j++) {
    const [plus, minus] = [at(j, h), at(j, -h)];
    for (let i = 0; i < outSize; i++) jac[i * x.size + j] = (plus.data[i]! - minus.data[i]!) / (2 * h);
  }
  return jac;
}

interface Step {
  readonly name: string;
  readonly shape: number[];
  readonly run: (t: Tensor, y: Tensor) => Tensor;
}

const LIMIT = 36; // elements of any intermediate value, so that finite differences stay quick

/**
 * One random step of a composition, valid for the current shape. Structural steps (reshape, transpose,
 * reductions with axes, slice, pad, concat, broadcastTo, where, softmaxCrossEntropy) are drawn as often as
 * elementwise ones, because they are the ops whose rules must know about a batch of tangents.
 */
function drawStep(g: CaseGen, s: number[], last: boolean): Step {
  const rank = s.length;
  const n = sizeOf(s);
  const kinds = ["unary", "reshape", "transpose", "sum", "max", "where", "matmul", "mulY", "logSumExp"];
  if (rank >= 1) kinds.push("slice", "concat");
  if (rank >= 1 && n * 2 <= LIMIT) kinds.push("pad", "broadcastTo");
  if (rank === 2 && last) kinds.push("softmaxCrossEntropy", "softmaxCrossEntropy");
  const kind = kinds[g.int(0, kinds.length - 1)]!;
  switch (kind) {
    case "reshape": {
      const shape = g.bool() ? [n] : [...s].reverse();
      return { name: `reshape[${shape}]`, shape, run: (t) => t.reshape(shape) };
    }
    case "transpose": {
      const perm = g.permutation(rank);
      return { name: `transpose[${perm}]`, shape: perm.map((a) => s[a]!), run: (t) => transpose(t, perm) };
    }
    case "sum":
    case "max":
    case "logSumExp": {
      const all = g.bool();
      const axes = all ? undefined : s.map((_, i) => i).filter(() => g.bool()).map((a) => (g.bool() ? a - rank : a));
      const keepDims = g.bool();
      const norm = axes === undefined ? s.map((_, i) => i) : axes.map((a) => (a < 0 ? a + rank : a));
      const shape = s.flatMap((d, i) => (norm.includes(i) ? (keepDims ? [1] : []) : [d]));
      const run = (t: Tensor): Tensor => (kind === "sum" ? t.sum(axes, { keepDims }) : kind === "max" ? t.max(axes, { keepDims }) : t.logSumExp(axes, { keepDims }));
      return { name: `${kind}[${axes ?? "all"}${keepDims ? ",keep" : ""}]`, shape, run };
    }
    case "slice": {
      const begin = s.map((d) => g.int(0, d - 1));
      const size = s.map((d, i) => g.int(1, d - begin[i]!));
      return { name: `slice[${begin}|${size}]`, shape: size, run: (t) => slice(t, begin, size) };
    }
    case "pad": {
      const before = s.map(() => g.int(0, 1));
      const after = s.map((_, i) => (i === 0 ? 1 - before[0]! : 0));
      return { name: `pad[${before}|${after}]`, shape: s.map((d, i) => d + before[i]! + after[i]!), run: (t) => pad(t, before, after) };
    }
    case "concat": {
      const axis = g.int(-rank, rank - 1);
      const a = axis < 0 ? axis + rank : axis;
      const shape = s.map((d, i) => (i === a ? 2 * d : d));
      if (sizeOf(shape) > LIMIT) return drawStep(g, s, last);
      return { name: `concat[${axis}]`, shape, run: (t) => concat([t, t.tanh()], axis) };
    }
    case "broadcastTo": {
      const shape = [2, ...s.map((d) => (d === 1 && g.bool() ? 2 : d))];
      if (sizeOf(shape) > LIMIT) return drawStep(g, s, last);
      return { name: `broadcastTo[${shape}]`, shape, run: (t) => t.broadcastTo(shape) };
    }
    case "where": {
      const mask = f64(Array.from({ length: n }, () => (g.bool() ? 1 : 0)), s);
      return { name: "where", shape: s, run: (t) => where(mask, t, t.cos()) };
    }
    case "matmul": {
      const k = g.int(1, 3);
      const m = rank >= 1 ? s[rank - 1]! : 1;
      const c = f64(values(g, [m, k]), [m, k]);
      const lead = rank >= 2 ? s.slice(0, -1) : [1];
      const shape = [...lead, k];
      if (sizeOf(shape) > LIMIT) return drawStep(g, s, last);
      return { name: `matmul[${m}x${k}]`, shape, run: (t) => (rank >= 2 ? t : t.reshape([1, m])).matmul(c) };
    }
    case "mulY":
      return { name: "mulY", shape: s, run: (t, y) => t.mul(y.sum().tanh()) };
    case "softmaxCrossEntropy": {
      const [b, c] = [s[0]!, s[1]!];
      // Probability rows must sum to 1: the fused rule's gradient (softmax − y)/batch assumes it.
      const rows = Array.from({ length: b }, () => values(g, [c], 0.1, 1)).flatMap((row) => row.map((v) => v / row.reduce((a, r) => a + r, 0)));
      const target = g.bool() ? f64(Array.from({ length: b }, () => g.int(0, c - 1)), [b]) : f64(rows, [b, c]);
      return { name: "softmaxCrossEntropy", shape: [], run: (t) => softmaxCrossEntropy(t, target) };
    }
    default: {
      const fns: [string, (t: Tensor) => Tensor][] = [
        ["sin", (t) => t.sin()], ["tanh", (t) => t.tanh()], ["sigmoid", (t) => t.sigmoid()],
        ["exp", (t) => t.mul(0.3).exp()], ["square", (t) => t.square()], ["softplus", (t) => t.softplus()],
      ];
      const [name, run] = fns[g.int(0, fns.length - 1)]!;
      return { name, shape: s, run };
    }
  }
}

/** A random composition f(x, y): a broadcasting binary op on both arguments, then 2 to 5 random steps. */
function drawProgram(g: CaseGen): { f: Fn; x: Tensor; y: Tensor; name: string } {
  const [xs, ys] = g.broadcastPair();
  const start: [string, (x: Tensor, y: Tensor) => Tensor][] = [
    ["mul", (x, y) => x.mul(y)], ["add.sin", (x, y) => x.add(y).sin()], ["maximum", (x, y) => x.maximum(y)],
    ["pow", (x, y) => x.sigmoid().add(0.5).pow(y)], ["matmulLike", (x, y) => x.mul(y).tanh()],
  ];
  const [first, op] = start[g.int(0, start.length - 1)]!;
  let shape = [...(xs!.length >= ys!.length ? xs! : ys!)].map((_, i, a) => {
    const [px, py] = [xs![i - (a.length - xs!.length)] ?? 1, ys![i - (a.length - ys!.length)] ?? 1];
    return Math.max(px, py);
  });
  const steps: Step[] = [];
  const count = g.int(2, 5);
  for (let i = 0; i < count; i++) {
    const step = drawStep(g, shape, i === count - 1);
    steps.push(step);
    shape = step.shape;
  }
  const f: Fn = (x, y) => steps.reduce((t, step) => step.run(t, y!), op(x!, y!));
  return { f, x: f64(values(g, xs!), xs!), y: f64(values(g, ys!), ys!), name: [first, ...steps.map((s) => s.name)].join(" → ") };
}

describe("jacfwd and jacrev on random compositions (float64)", () => {
  it("agree with each other tightly, and with finite differences, for every argument", () => {
    fc.assert(
      fc.property(fc.gen(), (gen: Gen) => {
        const g = caseGen(gen);
        const { f, x, y, name } = drawProgram(g);
        const out = f(x, y);
        const forward = jacfwd(f, { argnums: [0, 1] })(x, y);
        const reverse = jacrev(f, { argnums: [0, 1] })(x, y);
        [x, y].forEach((arg, i) => {
          expect(forward[i]!.shape, name).toEqual([...out.shape, ...arg.shape]);
          expect(reverse[i]!.shape, name).toEqual([...out.shape, ...arg.shape]);
          expectClose(forward[i]!, reverse[i]!.data, 1e-12, `${name}: jacfwd vs jacrev, argument ${i}`);
          expectClose(reverse[i]!, finiteJacobian(f, [x, y], i), 1e-6, `${name}: jacrev vs finite differences, argument ${i}`);
        });
        const chunked = jacfwd(f, { argnums: 0, chunkSize: g.int(1, 3) })(x, y);
        expectClose(chunked, forward[0]!.data, 1e-12, `${name}: chunked jacfwd`);
      }),
      runs(60),
    );
  });

  it("give one Jacobian for an index and a list for a list", () => {
    const f: Fn = (x, y) => x.mul(y).sum(0);
    const [x, y] = [f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([7, 8, 9], [3])];
    const one = jacfwd(f, { argnums: 1 })(x, y);
    const list = jacrev(f, { argnums: [1] })(x, y);
    expect(one.shape).toEqual([3, 3]);
    expect(Array.isArray(list) && list.length).toBe(1);
    // ∂(Σ_i x_ij y_j)/∂y_k = δ_jk Σ_i x_ik: column sums of x on the diagonal.
    expect(one.toArray()).toEqual([[5, 0, 0], [0, 7, 0], [0, 0, 9]]);
    expect(list[0]!.toArray()).toEqual(one.toArray());
  });
});

const differentiable = (primitives as readonly AnyOpRule[]).filter((r) => !r.constant).map((r) => [r.name, r] as const);

describe("batched tangents through every primitive", () => {
  it.each(differentiable)("%s: one batched pass equals one unbatched jvp per direction", (name, rule) => {
    fc.assert(
      fc.property(fc.gen(), (gen: Gen) => {
        const { f, free } = drawOpCase(rule, gen);
        fc.pre(free.length > 0 && accepts(() => f(...free)));
        const argnums = free.map((_, i) => i);
        const batched = jacfwd(f, { argnums })(...free);
        free.forEach((x, i) => {
          const columns = Array.from({ length: x.size }, (_, j) => {
            const tangents = free.map((z, k) => {
              const e = zeros(z.shape, { dtype: "float64" });
              if (k === i) e.data[j] = 1;
              return e;
            });
            return jvp(f, free, tangents)[1];
          });
          const outSize = f(...free).size;
          const expected = new Float64Array(outSize * x.size);
          columns.forEach((col, j) => col.data.forEach((v, r) => (expected[r * x.size + j] = v)));
          expectClose(batched[i]!, expected, 1e-12, `${name}, input ${i}`);
        });
      }),
      runs(20),
    );
  });
});

/** jacfwd and jacrev of f at the free inputs, compared argument by argument. */
function expectJacobiansAgree(f: Fn, free: readonly Tensor[], what: string): void {
  const argnums = free.map((_, i) => i);
  const forward = jacfwd(f, { argnums })(...free);
  const reverse = jacrev(f, { argnums })(...free);
  free.forEach((_, i) => {
    expect(forward[i]!.shape, what).toEqual(reverse[i]!.shape);
    expectClose(forward[i]!, reverse[i]!.data, 1e-12, `${what}, input ${i}`);
  });
}

describe("jacfwd equals jacrev through every primitive", () => {
  it.each(differentiable)("%s", (name, rule) => {
    fc.assert(
      fc.property(fc.gen(), (gen: Gen) => {
        const { f, free } = drawOpCase(rule, gen);
        fc.pre(free.length > 0 && accepts(() => f(...free)));
        expectJacobiansAgree(f, free, name);
      }),
      runs(20),
    );
  });
});

/**
 * Users' own ops, written as docs/custom-ops.md teaches: plain `jvp` and `vjp` rules that say nothing
 * about batches of tangents. jacfwd must be right on them whatever their rules do with axes.
 */
/** A user's op, as the registry holds it: its own input types forgotten. */
const userOp = <I extends readonly Tensor[]>(rule: OpRule<I>): AnyOpRule => rule as unknown as AnyOpRule;

const userOps: Record<string, { rule: AnyOpRule; shapes: (g: CaseGen) => number[][] }> = {
  softsign: {
    rule: userOp<[Tensor]>({
      name: "softsign",
      arity: 1,
      shape: ({ inputs: [x] }) => x.shape,
      forward: ({ inputs: [x] }) => x.data.map((v) => v / (1 + Math.abs(v))),
      jvp: ({ primals: [x], tangents: [dx] }) => dx && x.abs().add(1).square().reciprocal().mul(dx),
      vjp: ({ primals: [x], ct }) => [ct.mul(x.abs().add(1).square().reciprocal())],
      cost: () => 0,
      test: {},
    }),
    shapes: (g) => [g.shape(0, 3)],
  },
  sumOverAxis0: {
    rule: userOp<[Tensor]>({
      name: "sumOverAxis0",
      arity: 1,
      shape: ({ inputs: [x] }) => x.shape.slice(1),
      forward: ({ inputs: [x] }) => x.sum(0).data,
      jvp: ({ tangents: [dx] }) => dx && dx.sum(0),
      vjp: ({ primals: [x], ct }) => [ct.broadcastTo(x.shape)],
      cost: () => 0,
      test: {},
    }),
    shapes: (g) => [g.shape(1, 3)],
  },
  transposed: {
    rule: userOp<[Tensor]>({
      name: "transposed",
      arity: 1,
      shape: ({ inputs: [x] }) => [x.shape[1]!, x.shape[0]!],
      forward: ({ inputs: [x] }) => x.transpose().data,
      jvp: ({ tangents: [dx] }) => dx && dx.transpose(),
      vjp: ({ ct }) => [ct.transpose()],
      cost: () => 0,
      test: {},
    }),
    shapes: (g) => [[g.int(1, 4), g.int(1, 4)]],
  },
  dot: {
    rule: userOp<[Tensor, Tensor]>({
      name: "dot",
      arity: 2,
      shape: () => [],
      forward: ({ inputs: [x, y] }) => x.mul(y).sum().data,
      jvp: ({ primals: [x, y], tangents: [dx, dy] }) => (dx ? dx.mul(y).sum() : tensor(0, { dtype: x.dtype })).add(dy ? x.mul(dy).sum() : 0),
      vjp: ({ primals: [x, y], ct }) => [ct.mul(y), ct.mul(x)],
      cost: () => 0,
      test: {},
    }),
    shapes: (g) => {
      const s = g.shape(1, 2);
      return [s, s];
    },
  },
};

describe("jacfwd equals jacrev through users' own ops, whose rules say nothing about batches", () => {
  it("on sum over axis 0 of [[1, 2, 3]], both give the identity (jacfwd once gave all ones)", () => {
    const sum0 = (x: Tensor): Tensor => apply(userOps.sumOverAxis0!.rule, [x], undefined);
    const x = f64([1, 2, 3], [1, 3]);
    expect(jacfwd(sum0)(x).toArray()).toEqual([[[1, 0, 0]], [[0, 1, 0]], [[0, 0, 1]]]);
    expect(jacrev(sum0)(x).toArray()).toEqual(jacfwd(sum0)(x).toArray());
    const tall = f64([1, 2, 3, 4, 5, 6], [3, 2]); // once: "JVP rule returned a tangent that does not fit the output"
    expectJacobiansAgree(sum0, [tall], "sumOverAxis0 of [3,2]");
    expect(hessian((z: Tensor) => sum0(z.square()).sum())(tall).shape).toEqual([3, 2, 3, 2]);
  });

  it.each(Object.entries(userOps))("%s", (name, { rule, shapes }) => {
    fc.assert(
      fc.property(fc.gen(), (gen: Gen) => {
        const g = caseGen(gen);
        const free = shapes(g).map((s) => f64(values(g, s), s));
        expectJacobiansAgree((...xs) => apply(rule, xs, undefined), free, name);
      }),
      runs(20),
    );
  });
});

describe("hessian and hvp", () => {
  it("hessian is symmetric, equals the finite-difference Jacobian of grad and jacfwd(jacfwd(f)); hvp equals H·v", () => {
    fc.assert(
      fc.property(fc.gen(), (gen: Gen) => {
        const g = caseGen(gen);
        const { f, x, y, name } = drawProgram(g);
        const F: Fn = (a, b) => {
          const out = f(a!, b!);
          return out.size === 1 ? out.reshape([]) : out.sin().sum();
        };
        const H = hessian(F)(x, y);
        const n = x.size;
        expect(H.shape, name).toEqual([...x.shape, ...x.shape]);
        const transposed = Array.from({ length: n * n }, (_, k) => H.data[(k % n) * n + Math.floor(k / n)]!);
        expectClose(H, transposed, 1e-10, `${name}: symmetry`);
        const gradF: Fn = (a, b) => grad(F)(a!, b!);
        expectClose(H, finiteJacobian(gradF, [x, y], 0), 1e-5, `${name}: hessian vs finite differences of grad`);
        expectClose(jacfwd(jacfwd(F))(x, y), H.data, 1e-10, `${name}: jacfwd(jacfwd)`);
        const v = f64(values(g, x.shape), x.shape);
        const Hv = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => H.data[i * n + j]! * v.data[j]!).reduce((a, b) => a + b, 0));
        expectClose(hvp((a) => F(a, y), x, v), Hv, 1e-10, `${name}: hvp vs H·v`);
      }),
      runs(30),
    );
  });

  it("matches a closed form: f(x) = Σ x_i³ has H = diag(6x)", () => {
    const x = f64([1, -2, 0.5], [3]);
    const H = hessian((z) => z.pow(3).sum())(x);
    expect(H.shape).toEqual([3, 3]);
    expect(Array.from(H.data, (v) => v + 0)).toEqual([6, 0, 0, 0, -12, 0, 0, 0, 3]); // + 0 turns −0 into 0
    expect(hvp((z) => z.pow(3).sum(), x, f64([1, 1, 2], [3])).toArray()).toEqual([6, -12, 6]);
  });
});

describe("errors", () => {
  it("jacfwd and jacrev refuse what is not a function of Tensors, naming themselves", () => {
    for (const [name, transform] of [["jacfwd", jacfwd], ["jacrev", jacrev]] as const) {
      expect(() => transform(42 as unknown as Fn)(tensor([1]))).toThrow(ValueError);
      expect(() => transform(42 as unknown as Fn)(tensor([1]))).toThrow(`${name}: expected a function of Tensors, got 42`);
      expect(() => transform((() => 3) as unknown as Fn)(tensor([1]))).toThrow(`${name}: every leaf the function returns must be a Tensor, got 3`);
      expect(() => transform((() => []) as unknown as Fn)(tensor([1]))).toThrow(`${name}: the function must return a Tensor or a pytree with at least one Tensor`);
      // A list is a pytree output: one Jacobian per element.
      expect((transform as typeof jacrev)((x: Tensor) => [x.mul(2)])(tensor([1]))[0]!.toArray()).toEqual([[2]]);
      expect(() => transform((x) => x, { argnums: 2 })(tensor([1]))).toThrow(`${name}: argnums 2 is out of range for 1 arguments`);
      expect(() => transform((x) => x)("x" as unknown as Tensor)).toThrow(`${name}: argument 0 must be a Tensor or a number, got "x"`);
    }
    expect(() => jacfwd((x) => x, { chunkSize: 0 })).toThrow("jacfwd: chunkSize must be a positive integer, got 0");
  });

  it("mismatched tangent shapes name the transform and both shapes", () => {
    const x = tensor([1, 2, 3]);
    const check = (fn: () => unknown, message: string, shapes: number[][]): void => {
      try {
        fn();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ShapeError);
        expect((e as ShapeError).message).toContain(message);
        expect((e as ShapeError).shapes).toEqual(shapes);
      }
    };
    check(() => jvp((z) => z.sin(), [x], [tensor([1, 2])]), "jvp: tangent 0 must have its primal's shape", [[3], [2]]);
    check(() => hvp((z) => z.sum(), x, tensor([[1, 2, 3]])), "hvp: v must have x's shape", [[3], [1, 3]]);
  });

  it("hessian and hvp of a non-scalar function say so", () => {
    const x = tensor([1, 2]);
    for (const [name, run] of [["hessian", () => hessian((z) => z.mul(2))(x)], ["hvp", () => hvp((z) => z.mul(2), x, x)]] as const) {
      expect(run).toThrow(GradError);
      expect(run).toThrow(`${name}: the function must return a scalar, got float32[2]`);
    }
  });
});
