import type { Tensor } from "@tapegrad/core";
import { Module } from "./module.js";

/** max(0, x), element-wise. @example `new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]` */
export class ReLU extends Module {
  forward(x: Tensor): Tensor { return x.relu(); }
}

/** 1 / (1 + e^−x), element-wise. @example `new Sigmoid().forward(tensor([0])).toArray(); // [0.5]` */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return x.sigmoid(); }
}

/** tanh(x), element-wise. @example `new Tanh().forward(tensor([0])).toArray(); // [0]` */
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return x.tanh(); }
}

/** x for x > 0, αx otherwise (α = 0.01 by default). @example `new LeakyReLU(0.1).forward(tensor([-10])).toArray(); // [-1]` */
export class LeakyReLU extends Module {
  constructor(readonly alpha = 0.01) { super(); }
  forward(x: Tensor): Tensor { return x.leakyRelu(this.alpha); }
}

/** Softmax along `axis` (the last by default): the lecture's output for classification. @example `new Softmax().forward(tensor([[0, 0]])).toArray(); // [[0.5, 0.5]]` */
export class Softmax extends Module {
  constructor(readonly axis = -1) { super(); }
  forward(x: Tensor): Tensor { return x.softmax(this.axis); }
}

/** Returns its input: the lecture's output for regression. @example `new Identity().forward(x) === x; // true` */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}
