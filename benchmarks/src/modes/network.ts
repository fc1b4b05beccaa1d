import { Rng, randn, type Tensor } from "@tapegrad/core";

/** The lecture's network (§1, §4): s hidden layers of width n between an input and an output of width n. */
export interface Network {
  readonly n: number;
  readonly s: number;
  /** M1, v1, M2, v2, …, M(s+1), v(s+1): weight matrices [n, n] and bias columns [n, 1]. */
  readonly params: Tensor[];
  /** The datum: an input column x and its target y, both [n, 1]. */
  readonly x: Tensor;
  readonly y: Tensor;
  /** F(θ) = ½‖y − f(x; θ)‖² with the parameters as arguments, in the order of `params`. */
  readonly loss: (...params: Tensor[]) => Tensor;
}

/** Hidden activations the benchmark can use (the lecture's sigmoid and ReLU). */
export type Activation = "sigmoid" | "relu";

/**
 * Builds the network with seeded float64 parameters (scaled by 1/√n so activations stay in range). The
 * output layer is the identity, as for the lecture's vector regression.
 */
export function lectureNetwork(n: number, s: number, activation: Activation, seed = 0): Network {
  const rng = new Rng(seed);
  const layers = s + 1;
  const params = Array.from({ length: layers }, () => [
    randn([n, n], { dtype: "float64", rng }).mul(1 / Math.sqrt(n)),
    randn([n, 1], { dtype: "float64", rng }).mul(0.1),
  ]).flat();
  const x = randn([n, 1], { dtype: "float64", rng });
  const y = randn([n, 1], { dtype: "float64", rng });
  const g = (t: Tensor): Tensor => (activation === "sigmoid" ? t.sigmoid() : t.relu());
  const loss = (...theta: Tensor[]): Tensor => {
    let a = x;
    for (let l = 0; l < layers; l++) {
      const pre = theta[2 * l]!.matmul(a).add(theta[2 * l + 1]!); // a' = M a + v
      a = l < layers - 1 ? g(pre) : pre;
    }
    const d = a.sub(y);
    return d.mul(d).sum().mul(0.5);
  };
  return { n, s, params, x, y, loss };
}

/** Number of parameters: (s + 1)(n² + n). */
export const parameterCount = (net: Network): number => net.params.reduce((a, p) => a + p.size, 0);
