/**
 * Before/after timings of a change to core's kernels: loads @tapegrad/core from two checkouts (their
 * TypeScript sources) and times the elementwise-heavy steps of the benchmark cases on each, taking turns
 * in short blocks so that load from elsewhere falls on both alike. Prints medians and the ratio
 * after ÷ before. Two copies of core in one process do not run alike (the copy loaded second ran up to
 * 30% slower on the scalar chain, whichever it was), so each copy runs in a process of its own: the
 * script starts one child per checkout and per round, alternating which goes first.
 *
 *   npx tsx --conditions=source src/compare/trees.ts <before checkout> <after checkout> [rounds] [seconds per step kind]
 *
 * The steps: the lecture's MLP training step without the optimizer (784→256→128→10, ReLU, fused softmax
 * cross-entropy, batch 128, float32: forward and backward), the small-ops scalar chain (1000 links of
 * tanh(x·w + b), forward and backward), and elementwise ops alone on a [128, 256] float32 activation
 * (exp, tanh, relu, add with a broadcast bias, mul, maximum, comparison).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
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

/** Child mode: times every step kind on one checkout for `seconds` each and prints the times as JSON. */
async function timeOne(checkout: string, seconds: number): Promise<void> {
  const core = await load(checkout);
  const result: Record<string, number[]> = {};
  for (const [name, make] of Object.entries(kinds)) {
    const step = make(core);
    for (let i = 0; i < 5; i++) step(); // warm-up
    const times: number[] = [];
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t = performance.now();
      step();
      times.push(performance.now() - t);
    }
    result[name] = times;
  }
  console.log(JSON.stringify(result));
}

const kinds = { "MLP forward+backward": mlpStep, "small-ops chain": smallOpsStep, "elementwise ops [128,256]": elementwiseStep };

function runChild(checkout: string, seconds: number): Record<string, number[]> {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--one", checkout, String(seconds)], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, number[]>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--one") return timeOne(args[1]!, Number(args[2]));
  const [beforePath, afterPath, roundsArg, secondsArg] = args;
  if (!beforePath || !afterPath) throw new Error("usage: trees.ts <before checkout> <after checkout> [rounds] [seconds]");
  const [rounds, seconds] = [Number(roundsArg ?? 4), Number(secondsArg ?? 4)];
  const times = { before: {} as Record<string, number[]>, after: {} as Record<string, number[]> };
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const)) {
      const got = runChild(side === "before" ? beforePath : afterPath, seconds);
      for (const [name, ts] of Object.entries(got)) (times[side][name] ??= []).push(median(ts));
    }
  }
  console.log("| step | before ms | after ms | after ÷ before | rounds |");
  console.log("|---|---:|---:|---:|---:|");
  for (const name of Object.keys(kinds)) {
    const [mb, ma] = [median(times.before[name]!), median(times.after[name]!)];
    console.log(`| ${name} | ${mb.toFixed(3)} | ${ma.toFixed(3)} | ${(ma / mb).toFixed(3)} | ${rounds} |`);
  }
}

await main();
