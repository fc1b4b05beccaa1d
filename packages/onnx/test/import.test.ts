import { fromBinary } from "@bufbuild/protobuf";
import { gradcheck, Rng, randn, type Tensor } from "@tapegrad/core";
import { Conv2d, Linear, LSTM, MaxPool2d, mlp, Module, ReLU, Sequential, Flatten } from "@tapegrad/nn";
import { ModelProtoSchema } from "onnx-buf";
import { describe, expect, it } from "vitest";
import { exportOnnx, importOnnx, type ExportableModule } from "../src/index.js";
import { testModels } from "./models.js";
import { expectClose } from "./ort.js";

/** An imported model as a module again, so that it exports under the same initializer names. */
const asModule = ({ fn, params }: ReturnType<typeof importOnnx>): ExportableModule => ({ forward: (x: Tensor) => fn(params, x)[0]!, stateDict: () => params });

describe("importOnnx", () => {
  it.each(testModels)("reads $name back: the same outputs, and exported again, the same nodes and initializers", ({ make, features }) => {
    const rng = new Rng(7);
    const net = make(rng);
    const x = randn([3, features], { rng });
    const bytes = exportOnnx(net, [x], { dynamicAxes: { 0: [0] } });
    const imported = importOnnx(bytes);
    expect(Object.keys(imported.params)).toEqual(expect.arrayContaining(Object.keys(net.stateDict()).filter((k) => k in imported.params)));
    const y = randn([5, features], { rng });
    expectClose(imported.fn(imported.params, y)[0]!, net.forward(y), 4);
    const again = exportOnnx(asModule(imported), [x], { dynamicAxes: { 0: [0] } });
    const nodes = (b: Uint8Array) => fromBinary(ModelProtoSchema, b).graph!.node.map((n) => `${n.opType}(${n.input.join(",")})->${n.output.join(",")}`);
    expect(nodes(again)).toEqual(nodes(bytes));
    // The same initializers: names, types, shapes and values (their order may differ).
    const inits = (b: Uint8Array) =>
      fromBinary(ModelProtoSchema, b).graph!.initializer.map((t) => `${t.name}:${t.dataType}[${t.dims.join(",")}]:${Buffer.from(t.rawData).toString("base64")}`).sort();
    expect(inits(again)).toEqual(inits(bytes));
  });
});

/** Small float64 versions of the models, whose gradients finite differences can check. */
class SmallCnn extends Module {
  readonly features = new Sequential(new Conv2d(1, 2, 3, { padding: 1, dtype: "float64", rng: new Rng(3) }), new ReLU(), new MaxPool2d(2), new Flatten());
  readonly head = new Linear(2 * 2 * 2, 3, { dtype: "float64", rng: new Rng(4) });
  forward(x: Tensor): Tensor {
    return this.head.forward(this.features.forward(x.reshape([x.shape[0]!, 1, 4, 4])));
  }
}
class SmallLstm extends Module {
  readonly lstm = new LSTM(2, 3, { batchFirst: true, dtype: "float64", rng: new Rng(5) });
  forward(x: Tensor): Tensor {
    const [out] = this.lstm.forward(x.reshape([x.shape[0]!, 4, 2]));
    return out;
  }
}

describe("importOnnx gradients (float64, against finite differences)", () => {
  it.each([
    ["an MLP", () => mlp([8, 5, 3], { dtype: "float64", rng: new Rng(2), activation: "tanh" }), 8],
    ["a CNN with max pooling", () => new SmallCnn(), 16],
    ["an LSTM", () => new SmallLstm(), 8],
  ] as const)("%s: gradcheck in the inputs and every weight", (_, make, features) => {
    const net = make();
    const rng = new Rng(11);
    const x = randn([2, features], { rng, dtype: "float64" }).add(0.1);
    const { fn, params } = importOnnx(exportOnnx(net, [x]));
    const names = Object.keys(params);
    expect(names.length).toBeGreaterThan(0);
    const f = (input: Tensor, ...weights: Tensor[]): Tensor => fn(Object.fromEntries(names.map((n, i) => [n, weights[i]!])), input)[0]!.tanh().sum();
    gradcheck(f, [x, ...names.map((n) => params[n]!)]);
  });
});
