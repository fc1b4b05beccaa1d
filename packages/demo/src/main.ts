/**
 * tapegrad's demo: the lecture's 4-layer network (2 → 16 → 16 → 2, ReLU, softmax output) learns to separate
 * two interleaved half-moons, trained by mini-batch SGD with gradients from reverse mode. Everything is built
 * from core ops, so this file is also an example of a custom model.
 */
import { noGrad, randn, Rng, softmaxCrossEntropy, tensor, zeros, type Tensor } from "@tapegrad/core";

const rng = new Rng(0);

/** Two noisy half-moons: class 0 on the upper arc, class 1 on the lower one, shifted. */
function moons(n: number, noise: number): { x: Tensor; y: Tensor } {
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const angle = Math.PI * rng.uniform();
    const [px, py] = label === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
    points.push([px + noise * rng.normal(), py + noise * rng.normal()]);
    labels.push(label);
  }
  return { x: tensor(points), y: tensor(labels) };
}

/** One affine layer with PyTorch's layout and He initialisation. */
function layer(inputs: number, outputs: number): { w: Tensor; b: Tensor } {
  const w = randn([outputs, inputs], { rng }).mul(Math.sqrt(2 / inputs)).detach();
  w.requiresGrad = true;
  return { w, b: zeros([outputs], { requiresGrad: true }) };
}

const layers = [layer(2, 16), layer(16, 16), layer(16, 2)];
const params = layers.flatMap(({ w, b }) => [w, b]);
const forward = (x: Tensor): Tensor =>
  layers.reduce((h, { w, b }, i) => {
    const a = h.matmul(w.transpose()).add(b);
    return i < layers.length - 1 ? a.relu() : a;
  }, x);

const train = moons(512, 0.1);
const test = moons(256, 0.1);
const batchSize = 32;
const accuracy = (data: { x: Tensor; y: Tensor }): number =>
  noGrad(() => {
    const predicted = forward(data.x).toArray() as number[][];
    return predicted.filter((row, i) => (row[1]! > row[0]! ? 1 : 0) === data.y.data[i]).length / predicted.length;
  });

console.log("tapegrad demo: the lecture's 4-layer network on two moons (512 train, 256 test points)");
for (let epoch = 1; epoch <= 30; epoch++) {
  // Mini-batches drawn without replacement: a fresh permutation each epoch, as in the lecture.
  const order = rng.permutation(512);
  let total = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const xb = tensor(rows.map((r) => [train.x.data[2 * r]!, train.x.data[2 * r + 1]!]));
    const yb = tensor(rows.map((r) => train.y.data[r]!));
    const loss = softmaxCrossEntropy(forward(xb), yb);
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        p.data.forEach((v, i) => (p.data[i] = v - 0.1 * p.grad!.data[i]!));
        p.zeroGrad();
      }
    });
    total += loss.item() * rows.length;
  }
  if (epoch % 5 === 0 || epoch === 1) {
    console.log(`epoch ${String(epoch).padStart(2)}  loss ${(total / 512).toFixed(4)}  train acc ${accuracy(train).toFixed(3)}  test acc ${accuracy(test).toFixed(3)}`);
  }
}
