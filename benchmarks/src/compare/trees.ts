/**
 * Before/after timings of a change to core's kernels, in one process: loads @tapegrad/core from two
 * checkouts (their TypeScript sources) and times the elementwise-heavy steps of the benchmark cases on
 * each, taking turns in short blocks so that load from elsewhere falls on both alike. Prints medians and
 * the ratio after ÷ before.
 *
 *   npx tsx --conditions=source src/compare/trees.ts <before checkout> <after checkout> [seconds per step kind]
 *
 * The steps: the lecture's MLP training step without the optimizer (784→256→128→10, ReLU, fused softmax
 * cross-entropy, batch 128, float32: forward and backward), the small-ops scalar chain (1000 links of
 * tanh(x·w + b), forward and backward), and elementwise ops alone on a [128, 256] float32 activation
 * (exp, tanh, relu, add with a broadcast bias, mul, maximum, comparison).
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

type Core = typeof import("@tapegrad/core");
type Step = () => void;

async function load(checkout: string): Promise<Core> {
  return (await import(pathToFileURL(resolve(checkout, "packages/core/src/index.ts")).href)) as Core;
}

function mlpStep(c: Core): Step {
  const rng = new c.Rng(0);
  const sizes = [784, 256, 128, 10];
  const layers = sizes.slice(1).map((n, i) => ({
    w: c.randn([sizes[i]!, n], { rng }).mul(Math.sqrt(2 / sizes[i]!)).detach(),
    b: c.zeros([n]),
  }));
  for (const l of layers) { l.w.requiresGrad = true; l.b.requiresGrad = true; }
  const x = c.rand([128, 784], { rng });
  const y = c.tensor(Int32Array.from({ length: 128 }, (_, i) => (i * 7) % 10));
  return () => {
    const logits = layers.reduce((h, l, i) => {
      const a = h.matmul(l.w).add(l.b);
      return i < layers.length - 1 ? a.relu() : a;
    }, x);
    c.softmaxCrossEntropy(logits, y).backward();
    for (const l of layers) { l.w.grad = null; l.b.grad = null; }
  };
}

function smallOpsStep(c: Core): Step {
  const rng = new c.Rng(1);
  const w = Array.from({ length: 1000 }, () => c.tensor(rng.uniform() * 0.2 + 0.9, { requiresGrad: true }));
  const b = Array.from({ length: 1000 }, () => c.tensor(rng.uniform() * 0.2 - 0.1, { requiresGrad: true }));
  return () => {
    let h = c.tensor(0.5);
    for (let i = 0; i < 1000; i++) h = h.mul(w[i]!).add(b[i]!).tanh();
    h.backward();
    for (let i = 0; i < 1000; i++) { w[i]!.grad = null; b[i]!.grad = null; }
  };
}

function elementwiseStep(c: Core): Step {
  const rng = new c.Rng(2);
  const a = c.randn([128, 256], { rng });
  const bias = c.randn([256], { rng });
  return () => {
    a.exp(); a.tanh(); a.relu(); a.add(bias); a.mul(a); c.maximum(a, bias); a.gt(0);
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const [beforePath, afterPath, secondsArg] = process.argv.slice(2);
  if (!beforePath || !afterPath) throw new Error("usage: trees.ts <before checkout> <after checkout> [seconds]");
  const seconds = Number(secondsArg ?? 20);
  const cores = { before: await load(beforePath), after: await load(afterPath) };
  const kinds = { "MLP forward+backward": mlpStep, "small-ops chain": smallOpsStep, "elementwise ops [128,256]": elementwiseStep };
  for (const [name, make] of Object.entries(kinds)) {
    const steps = { before: make(cores.before), after: make(cores.after) };
    for (let i = 0; i < 5; i++) { steps.before(); steps.after(); } // warm-up
    const times: Record<"before" | "after", number[]> = { before: [], after: [] };
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      for (const side of ["before", "after"] as const) {
        const blockEnd = performance.now() + 250;
        while (performance.now() < blockEnd) {
          const t = performance.now();
          steps[side]();
          times[side].push(performance.now() - t);
        }
      }
    }
    const [mb, ma] = [median(times.before), median(times.after)];
    console.log(`| ${name} | ${mb.toFixed(3)} | ${ma.toFixed(3)} | ${(ma / mb).toFixed(3)} | ${times.before.length} / ${times.after.length} |`);
  }
}

await main();
