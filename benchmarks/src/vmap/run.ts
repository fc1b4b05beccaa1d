/**
 * Per-example gradients of the lecture's network (784 → 256 → 128 → 10) on a batch: one
 * vmap(grad(loss)) call against the loop of one grad(loss) per example. Both give the same numbers
 * (packages/core/test/perExample.test.ts checks it); this measures how much faster the batched call is.
 * Run: npx -y pnpm@12.21.0 bench:vmap [batch] [dtype]   (defaults: 32 float32)
 */
import { grad, randn, Rng, softmaxCrossEntropy, tensor, vmap, type DType, type Tensor } from "@tapegrad/core";

type Params = { layers: { w: Tensor; b: Tensor }[] };

const batch = Number(process.argv[2] ?? 32);
const dtype = (process.argv[3] ?? "float32") as DType;
const sizes = [784, 256, 128, 10];
const rng = new Rng(0);
const params: Params = {
  layers: sizes.slice(1).map((out, i) => ({
    w: randn([sizes[i]!, out], { rng, dtype }).mul(Math.sqrt(2 / sizes[i]!)),
    b: randn([out], { rng, dtype }).mul(0.1),
  })),
};
const x = randn([batch, 784], { rng, dtype });
const labels = tensor(Array.from({ length: batch }, (_, k) => (k * 7) % 10), { dtype: "int32" });

const loss = (p: Params, xi: Tensor, label: Tensor): Tensor => {
  const logits = p.layers.reduce((h, { w, b }, i) => (i > 0 ? h.relu() : h).matmul(w).add(b), xi);
  return softmaxCrossEntropy(logits.reshape([1, 10]), label.reshape([1]));
};
const perExampleGrad = grad(loss);
const batched = vmap(perExampleGrad, { inAxes: [null, 0, 0] });

const loop = (): void => {
  for (let k = 0; k < batch; k++) perExampleGrad(params, x.slice([k, 0], [1, 784]).reshape([784]), labels.slice([k], [1]).reshape([]));
};
const once = (): void => void batched(params, x, labels);

/** Medians of `runs` timings of each, the two interleaved so that a busy moment of the machine hits both. */
function medians(fns: readonly (() => void)[], runs: number): number[] {
  fns.forEach((fn) => fn()); // warm-up
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      fn();
      times[i]!.push(performance.now() - t0);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(runs / 2)]!);
}

const runs = 15;
const [tLoop, tVmap] = medians([loop, once], runs) as [number, number];
console.log(`per-example gradients, 784-256-128-10, batch ${batch}, ${dtype}, median of ${runs}`);
console.log(`loop of grad: ${tLoop.toFixed(1)} ms   vmap(grad): ${tVmap.toFixed(1)} ms   speed-up ${(tLoop / tVmap).toFixed(2)}x`);
