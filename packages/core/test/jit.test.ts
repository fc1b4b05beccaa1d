import { describe, expect, it, vi } from "vitest";
import { isResident } from "../src/wasm.js";
import { checkpoint, ConcretizationError, customJvp, customVjp, grad, jit, jvp, noGrad, ones, rand, randn, Rng, split, tensor, updateInPlace, vmap, zeros, type Tensor } from "../src/index.js";

const values = (t: Tensor): number[] => Array.from(t.data);

describe("jit", () => {
  it("traces once per signature and runs the program on later calls, with the eager values", () => {
    const w = tensor([[1, -2], [3, 4]]);
    const signatures: string[] = [];
    const f = jit((x: Tensor) => x.matmul(w).relu().sum(1), { onTrace: ({ signature }) => signatures.push(signature) });
    const x = tensor([[1, 2], [-3, 0.5]]);
    const eager = x.matmul(w).relu().sum(1);
    expect(values(f(x))).toEqual(values(eager));
    expect(values(f(x))).toEqual(values(eager));
    expect(f.traces).toBe(1);
    f(ones([3, 2])); // a new shape: a new signature
    expect(f.traces).toBe(2);
    expect(signatures).toHaveLength(2);
    expect(values(f(tensor([[0, 1], [1, 0]])))).toEqual(values(tensor([[0, 1], [1, 0]]).matmul(w).relu().sum(1)));
    expect(f.traces).toBe(2);
  });

  it("keeps the parameters it updates and its buffers in WebAssembly memory, taking back a parameter whose storage was replaced", () => {
    const w = tensor([[0.5, -1], [2, 0.25]], { requiresGrad: true });
    const constant = tensor([1, 2]);
    let resident = false;
    const f = jit(
      (x: Tensor) => {
        w.grad = null;
        const loss = x.matmul(w).add(constant).relu().sum();
        loss.backward();
        updateInPlace("sgd", () => w.data.forEach((v, i) => (w.data[i] = v - 0.1 * w.grad!.data[i]!)));
        return loss;
      },
      { onTrace: ({ program }) => (resident = program.resident) },
    );
    const x = tensor([[1, 2], [3, -1]]);
    f(x); // traced: the eager call
    expect([resident, isResident(w.data), isResident(constant.data)]).toEqual([true, true, false]);
    const after1 = values(w);
    f(x); // the program: .grad is its own buffer
    expect(isResident(w.grad!.data)).toBe(true);
    expect(values(w)).not.toEqual(after1);
    w.rebind(Float32Array.of(1, 1, 1, 1)); // as a loader that replaces storage would
    f(x);
    expect(isResident(w.data)).toBe(true);
    // From w = ones: the gradient of sum(relu(x·w + c)) is xᵀ·1 over the rows where x·w + c > 0 (all of them).
    expect(values(w)).toEqual([1 - 0.4, 1 - 0.4, 1 - 0.1, 1 - 0.1].map(Math.fround));
  });

  it("keeps at most maxPrograms programs, retracing a signature that was dropped", () => {
    const f = jit((x: Tensor) => x.mul(2), { maxPrograms: 1 });
    f(ones([1]));
    f(ones([2]));
    f(ones([1]));
    expect(f.traces).toBe(3);
    expect(f.signatures).toHaveLength(1);
  });

  it("reads captured tensors by reference: in-place changes between calls are seen", () => {
    const w = tensor([1, 2]);
    const f = jit((x: Tensor) => x.mul(w));
    f(ones([2]));
    updateInPlace("test", () => w.data.set([5, 7]));
    expect(values(f(ones([2])))).toEqual([5, 7]);
  });

  it("refuses to read a traced value, naming what was read and how to restructure", () => {
    const f = jit((x: Tensor) => (x.sum().item() > 0 ? x : x.neg()));
    expect(() => f(tensor([1, 2]))).toThrow(ConcretizationError);
    expect(() => f(tensor([1, 2]))).toThrow(/item\(\), toArray\(\).*where\(cond, a, b\)/);
    const g = jit((x: Tensor) => x.exp().toArray());
    expect(() => g(tensor([1]))).toThrow(/argument|computed from its arguments/);
  });

  it("records backward and an in-place update as effects: parameters and .grad match the eager step", () => {
    const make = (): { w: Tensor; step: (x: Tensor) => Tensor } => {
      const w = tensor([0.5, -1, 2], { requiresGrad: true });
      const step = (x: Tensor): Tensor => {
        w.zeroGrad();
        const loss = x.mul(w).tanh().square().sum();
        loss.backward();
        updateInPlace("sgd", () => {
          const [p, g] = [w.data, w.grad!.data];
          for (let i = 0; i < p.length; i++) p[i] = p[i]! - 0.1 * g[i]!;
        });
        return loss;
      };
      return { w, step };
    };
    const eager = make();
    const compiled = make();
    const jitted = jit(compiled.step);
    const x = tensor([1, 2, 3]);
    for (let i = 0; i < 5; i++) {
      expect(values(jitted(x))).toEqual(values(eager.step(x)));
      expect(values(compiled.w)).toEqual(values(eager.w));
      expect(values(compiled.w.grad!)).toEqual(values(eager.w.grad!));
    }
    expect(jitted.traces).toBe(1);
    expect(jitted.program(jitted.signatures[0]!)).toMatchObject({ effects: 4 }) // zeroGrad, backward reading and setting .grad, the update;
  });

  it("traces again when a .grad it reads before assigning is set where it was null, with eager's values", () => {
    const make = () => {
      const w = tensor([1, 2], { requiresGrad: true });
      const step = (x: Tensor): Tensor => {
        const loss = x.mul(w).square().sum();
        loss.backward(); // accumulates over calls: the first finds w.grad null, the later ones set
        return loss;
      };
      return { w, step };
    };
    const eager = make();
    const compiled = make();
    const traced: string[] = [];
    const f = jit(compiled.step, { onTrace: ({ signature }) => traced.push(signature) });
    const x = tensor([0.5, -3]);
    for (let i = 0; i < 4; i++) {
      expect(values(f(x))).toEqual(values(eager.step(x)));
      expect(values(compiled.w.grad!)).toEqual(values(eager.w.grad!));
    }
    expect(traced).toEqual(["(float32[2]) with .grad null", "(float32[2]) with .grad set"]);
    expect(f.traces).toBe(2);
    compiled.w.zeroGrad(); // the first state again: its program, not a third trace
    eager.w.zeroGrad();
    expect(values(f(x))).toEqual(values(eager.step(x)));
    expect(values(compiled.w.grad!)).toEqual(values(eager.w.grad!));
    expect(f.traces).toBe(2);
  });

  it("keys a program by the .grad state of each tensor it reads, so a mixed state gets its own", () => {
    const [a, b] = [tensor([1, 2], { requiresGrad: true }), tensor([3], { requiresGrad: true })];
    const f = jit((x: Tensor) => {
      const loss = x.mul(a).sum().mul(b).sum();
      loss.backward();
      return loss;
    });
    f(ones([2])); // both null
    b.zeroGrad(); // a set, b null
    f(ones([2]));
    expect(f.signatures).toEqual(["(float32[2]) with .grad null (2 tensors)", "(float32[2]) with .grad set/null 01"]); // backward reads b first
    expect(values(a.grad!)).toEqual([6, 6]);
    expect(values(b.grad!)).toEqual([3]);
  });

  it("drops primitives nothing uses and .grad effects that cannot matter, keeping eager's values", () => {
    const make = (extra: boolean) => {
      const w = tensor([1, -2, 3], { requiresGrad: true });
      const step = (x: Tensor): Tensor => {
        if (extra) {
          w.zeroGrad(); // the read backward makes then finds null, and backward's assignment replaces this one
          x.exp().sum(); // a value nothing reads
        }
        const loss = x.mul(w).tanh().sum();
        loss.backward();
        return loss;
      };
      return { w, step };
    };
    const steps: number[] = [];
    const lean = make(false);
    jit(lean.step, { onTrace: ({ program }) => steps.push(program.steps) })(tensor([0.5, 1, 2]));
    const eager = make(true);
    const compiled = make(true);
    const f = jit(compiled.step, { onTrace: ({ program }) => steps.push(program.steps) });
    const x = tensor([0.5, 1, 2]);
    for (let i = 0; i < 3; i++) {
      expect(values(f(x))).toEqual(values(eager.step(x)));
      expect(values(compiled.w.grad!)).toEqual(values(eager.w.grad!));
    }
    expect(f.traces).toBe(1);
    expect(steps[1]).toBe(steps[0]); // the zeroGrad and the unused sum cost the program nothing
  });

  it("writes the gradient of a split tensor in one step, with eager's bits (−0 turned into +0 as the adds did)", () => {
    const make = () => {
      const w = tensor([[1, -2, 3, 0.5, -1, 2], [0.25, 4, -3, 1, 2, -0.5]], { requiresGrad: true });
      const step = (x: Tensor): Tensor => {
        w.zeroGrad();
        const [a, b, c] = split(w, 2, 1) as [Tensor, Tensor, Tensor];
        // a's gradient is −1·0 = −0 where x is 0; b is used twice; c by a tanh
        const loss = a.mul(x).sum().neg().add(b.mul(b).mul(x).sum()).add(c.tanh().sum());
        loss.backward();
        return loss;
      };
      return { w, step };
    };
    const eager = make();
    const compiled = make();
    let summary = { pieceSums: 0 };
    const f = jit(compiled.step, { onTrace: ({ program }) => (summary = program) });
    const x = tensor([[0, 1], [2, 0]]);
    for (let i = 0; i < 3; i++) {
      expect(values(f(x))).toEqual(values(eager.step(x)));
      const [got, want] = [values(compiled.w.grad!), values(eager.w.grad!)];
      expect(got.every((v, k) => Object.is(v, want[k]))).toBe(true);
    }
    expect(values(eager.w.grad!)[0]).toBe(0);
    // The three pads of the pieces' gradients and the two adds summing them are one step.
    expect(summary.pieceSums).toBe(1); // the three pads of the pieces' gradients and the two adds of them: one step
  });

  it("places pieces wider than a vector in WebAssembly memory with the bits of the adds, −0 included", () => {
    const make = () => {
      const w = tensor(Float32Array.from({ length: 36 }, (_, i) => Math.sin(i)), { shape: [3, 12], requiresGrad: true });
      const step = (x: Tensor): Tensor => {
        w.zeroGrad();
        const [a, b] = split(w, [5, 7], 1) as [Tensor, Tensor];
        // −x where x is 0 is −0: in the vector lanes and in the scalar tail of both pieces' rows
        const loss = a.mul(x.slice([0, 0], [3, 5])).sum().neg().add(b.mul(x.slice([0, 5], [3, 7])).sum().neg());
        loss.backward();
        return loss;
      };
      return { w, step };
    };
    const eager = make();
    const compiled = make();
    const f = jit(compiled.step);
    const x = tensor(Float32Array.from({ length: 36 }, (_, i) => (i % 3 === 0 ? 0 : i)), { shape: [3, 12] });
    for (let i = 0; i < 3; i++) {
      f(x);
      eager.step(x);
      const [got, want] = [values(compiled.w.grad!), values(eager.w.grad!)];
      expect(got.every((v, k) => Object.is(v, want[k]))).toBe(true);
      expect(want.some((v) => Object.is(v, 0))).toBe(true); // −0 + 0 is +0: the adds leave no −0
    }
  });

  it("adds a weight's per-use gradient products into their running sum with eager's bits", () => {
    const make = () => {
      const rng = new Rng(11);
      const w = randn([32, 32], { rng, requiresGrad: true });
      const step = (x: Tensor): Tensor => {
        w.zeroGrad();
        // w is used three times: its gradient is three products xᵀ·g (k = 16, the batch) added up
        const loss = x.matmul(w).tanh().matmul(w).tanh().matmul(w).square().mean();
        loss.backward();
        return loss;
      };
      return { w, step };
    };
    const eager = make();
    const compiled = make();
    let summary = { accumulatedProducts: 0 };
    const f = jit(compiled.step, { onTrace: ({ program }) => (summary = program) });
    const x = randn([16, 32], { rng: new Rng(12) });
    for (let i = 0; i < 3; i++) {
      expect(values(f(x))).toEqual(values(eager.step(x)));
      const [got, want] = [values(compiled.w.grad!), values(eager.w.grad!)];
      expect(got.every((v, k) => Object.is(v, want[k]))).toBe(true);
    }
    // The first add of the three products runs in the kernel; the last writes .grad, which outlives the call.
    expect(summary.accumulatedProducts).toBe(1);
  });

  it("replays random draws from the generator the function drew from, as eager calls would", () => {
    const run = (useJit: boolean): number[][] => {
      const rng = new Rng(7);
      const body = (x: Tensor): Tensor => x.mul(rand([3], { rng }).gt(0.5));
      const f = useJit ? jit(body) : body;
      return [0, 1, 2].map(() => values(f(ones([3]))));
    };
    expect(run(true)).toEqual(run(false));
  });

  it("refuses an output still on the tape, which the program could not differentiate later", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => jit((x: Tensor) => x.mul(w))(ones([2]))).toThrow(/on the tape.*backward\(\) inside f/);
    expect(values(jit((x: Tensor) => noGrad(() => x.mul(w)))(ones([2])))).toEqual([1, 2]);
  });

  it("composes with grad and vmap: under them f runs inline, inside it they are traced", () => {
    const f = (x: Tensor): Tensor => x.sin().mul(x).sum();
    const x = tensor([0.5, 1.5]);
    expect(values(grad(jit(f))(x))).toEqual(values(grad(f)(x)));
    const g = jit(grad(f));
    g(x);
    expect(values(g(x))).toEqual(values(grad(f)(x)));
    expect(g.traces).toBe(1);
    const v = jit(vmap((r: Tensor) => r.exp().sum()));
    const rows = tensor([[1, 2], [3, 4]]);
    v(rows);
    expect(values(v(rows))).toEqual(values(rows.exp().sum(1)));
    expect(values(vmap(jit((r: Tensor) => r.exp().sum()))(rows))).toEqual(values(rows.exp().sum(1)));
  });

  it("shares buffers by liveness: a long chain needs far less than one buffer per value", () => {
    let summary = { arenaBytes: 0, unsharedBytes: 0 };
    const f = jit(
      (x: Tensor) => {
        let y = x;
        for (let i = 0; i < 50; i++) y = y.exp().reshape([10, 100]).neg().reshape([1000]); // reshape ends each fused loop
        return y;
      },
      { onTrace: ({ program }) => (summary = program) },
    );
    f(zeros([1000]));
    expect(summary.arenaBytes).toBeLessThanOrEqual(3 * 4000);
    expect(summary.unsharedBytes).toBeGreaterThan(190 * 4000);
  });

  it("fuses a chain of elementwise ops into one generated loop, bit for bit", () => {
    let summary = { fusedLoops: 0, fusedNodes: 0, arenaBytes: 0 };
    const bias = tensor([0.25, -0.5, 1]);
    const body = (x: Tensor): Tensor => x.mul(1.01).add(bias).relu().exp().neg();
    const f = jit(body, { onTrace: ({ program }) => (summary = program) });
    const x = tensor([[0.1, -0.2, 0.3], [1.5, -2.5, 0.7]]);
    f(x);
    expect(summary).toMatchObject({ fusedLoops: 1, fusedNodes: 5, arenaBytes: 0 }); // no intermediate buffer: the output has its own
    const y = tensor([[0.4, 0.2, -0.3], [-1.5, 2.5, 0.1]]);
    expect(values(f(y))).toEqual(values(body(y)));
  });

  it("composes with customVjp, customJvp and checkpoint: their rules are traced like any ops", () => {
    const clip = customVjp((x: Tensor) => x.mul(2), { fwd: (x) => [x.mul(2), null], bwd: (_, ct) => [ct.clamp(-1, 1)] });
    const softplus = customJvp((x: Tensor) => x.exp().add(1).log(), { jvp: ([x], [dx]) => x.sigmoid().mul(dx!) });
    const block = checkpoint((x: Tensor) => x.tanh().mul(x));
    const f = (x: Tensor): Tensor => block(softplus(clip(x))).mul(tensor([5, -0.5, 3])).sum();
    const g = jit(grad(f));
    const x = tensor([0.3, -1.2, 2]);
    g(x);
    expect(values(g(x))).toEqual(values(grad(f)(x)));
    const t = jit((x: Tensor) => jvp(f, [x], [ones([3])])[1]);
    t(x);
    expect(values(t(x))).toEqual(values(jvp(f, [x], [ones([3])])[1]));
    expect([g.traces, t.traces]).toEqual([1, 1]);
  });

  it("runs each op by its own kernel where the page refuses new Function (a Content-Security-Policy)", () => {
    let summary = { fusedLoops: -1 };
    const body = (x: Tensor): Tensor => x.mul(3).add(1).tanh().sum();
    vi.stubGlobal("Function", function refused(): never {
      throw new EvalError("Refused to evaluate a string as JavaScript");
    });
    try {
      const f = jit(body, { onTrace: ({ program }) => (summary = program) });
      f(tensor([0.5, -1, 2]));
      expect(values(f(tensor([1, 2, 3])))).toEqual(values(body(tensor([1, 2, 3]))));
    } finally {
      vi.unstubAllGlobals();
    }
    expect(summary.fusedLoops).toBe(0);
  });

  it("returns pytrees with numbers, inputs and state as eager does, and retraces after f threw", () => {
    const w = tensor([1, 2]);
    const f = jit((a: { x: Tensor; k: number }, ids: Tensor) => ({ y: a.x.mul(a.k).add(w), same: a.x, w, k: a.k, n: ids.add(1) }));
    const ids = tensor([3, 4], { dtype: "int32" });
    f({ x: tensor([1, 1]), k: 2 }, ids);
    const x = tensor([5, 6]);
    const out = f({ x, k: 2 }, ids);
    expect(values(out.y)).toEqual([11, 14]);
    expect(out.same).toBe(x);
    expect(out.w).toBe(w);
    expect(out.k).toBe(2);
    expect(values(out.n)).toEqual([4, 5]);
    expect(out.n.dtype).toBe("int32");
    f({ x, k: 3 }, ids); // a number leaf is static: a new value is a new signature
    expect(f.traces).toBe(2);

    let fail = true;
    const g = jit((x: Tensor) => {
      if (fail) throw new Error("not yet");
      return x.exp();
    });
    expect(() => g(tensor([0]))).toThrow("not yet");
    fail = false;
    expect(values(g(tensor([0])))).toEqual([1]);
    expect(g.traces).toBe(1);
  });
});
