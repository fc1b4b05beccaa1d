import { jit, primitives, Rng, softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { Adam } from "@tapegrad/optim";
const rng = new Rng(1);
const S = [784, 256, 128, 10], B = 128;
const params: Tensor[] = [];
for (let l = 0; l < 3; l++) { params.push(tensor(Float32Array.from({ length: S[l]! * S[l + 1]! }, () => rng.normal() * 0.05), { shape: [S[l]!, S[l + 1]!], requiresGrad: true })); params.push(tensor(new Float32Array(S[l + 1]!), { requiresGrad: true })); }
const [w1, b1, w2, b2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
const x = tensor(Float32Array.from({ length: B * 784 }, () => rng.uniform()), { shape: [B, 784] });
const y = tensor(Float32Array.from({ length: B }, () => rng.int(10)));
const opt = new Adam(params, { lr: 1e-3 });
const times = new Map<string, number>();
const counts = new Map<string, number>();
const profiling = process.argv.includes("--prof");
if (profiling) for (const r of Object.values(primitives) as any[]) {
  const f = r.forward.bind(r);
  r.forward = (ctx: any) => { const t = performance.now(); const o = f(ctx); times.set(r.name, (times.get(r.name) ?? 0) + performance.now() - t); counts.set(r.name, (counts.get(r.name) ?? 0) + 1); return o; };
}
const origStep = opt.step.bind(opt);
if (profiling) (opt as any).step = () => { const t = performance.now(); origStep(); times.set("adam.step", (times.get("adam.step") ?? 0) + performance.now() - t); };
const body = () => { opt.zeroGrad(); const l = softmaxCrossEntropy(x.matmul(w1).add(b1).relu().matmul(w2).add(b2).relu().matmul(w3).add(b3), y); l.backward(); opt.step(); return l; };
const mode = process.argv[2];
const step = mode === "jit" ? jit(body) : body;
for (let i = 0; i < 20; i++) step().item();
times.clear(); counts.clear();
const N = 100;
const ts: number[] = [];
for (let i = 0; i < N; i++) { const t = performance.now(); step().item(); ts.push(performance.now() - t); }
ts.sort((a, b) => a - b);
console.log(mode, "median ms", ts[N >> 1]!.toFixed(2));
if (profiling) { let tot = 0; for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) { tot += k === "adam.step" ? v : v; console.log(k.padEnd(22), (v / N).toFixed(3), "ms", counts.get(k) ? (counts.get(k)! / N) + "x" : ""); } }
