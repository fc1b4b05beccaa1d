import { jit, Rng, softmaxCrossEntropy, type Tensor } from "@tapegrad/core";
import { loadDigits } from "@tapegrad/datasets";
import { mlp } from "@tapegrad/nn";
import { DataLoader } from "@tapegrad/datasets";
import { Adam } from "@tapegrad/optim";

/**
 * The training the soak runs: the lecture's 4-layer network 64 → 32 → 32 → 10 (ReLU) on the handwritten
 * digits, Adam (lr 1e-3), shuffled mini-batches of 32 from a seeded DataLoader. Returns one step
 * (forward, backward, update) that gives the loss read back into JavaScript, as a user's loop would;
 * `compiled`: the step (zeroGrad, forward, backward, update) under `jit`, the batch drawn outside it.
 */
export function lectureTraining(compiled = false): () => number {
  const { train } = loadDigits({ seed: 0, standardize: true });
  const model = mlp([64, 32, 32, 10], { activation: "relu", rng: new Rng(1) });
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const loader = new DataLoader({ x: train.x, y: train.y }, { batchSize: 32, shuffle: true, seed: 2 });
  const body = (x: Tensor, y: Tensor): Tensor => {
    optimizer.zeroGrad();
    const loss = softmaxCrossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  const step = compiled ? jit(body) : body;
  return () => {
    const batch = loader.gather(loader.nextIndices()!);
    return step(batch.x, batch.y).item();
  };
}
