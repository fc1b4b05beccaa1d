import { describe, expect, it } from "vitest";
import { GradError, stopGradient, tensor, trace, ValueError, zeros, type Tensor } from "../src/index.js";
import { exp32 } from "../src/kernels/float32Math.js";

describe("trace", () => {
  it("records the primitives applied to the inputs and named parameters, in order", () => {
    const w = tensor([[1, 2], [3, 4]]);
    const graph = trace((x) => x.matmul(w).relu(), [zeros([3, 2])], { params: { w } });
    expect(graph.nodes.map((n) => n.op)).toEqual(["matmul", "relu"]);
    const [matmul, relu] = graph.nodes;
    expect(matmul!.inputs).toEqual([graph.inputs[0], graph.params[0]]);
    expect(relu!.inputs).toEqual([matmul!.output]);
    expect(graph.outputs).toEqual([relu!.output]);
    expect(graph.values[graph.params[0]!]!.source).toMatchObject({ kind: "param", name: "w" });
    expect(graph.values[relu!.output]!.shape).toEqual([3, 2]);
  });

  it("folds what depends on neither inputs nor parameters into constants, and drops what no output needs", () => {
    const c = tensor([1, 2]);
    const graph = trace((x) => {
      x.exp(); // unused
      return x.add(c.mul(2).exp());
    }, [zeros([2])]);
    expect(graph.nodes.map((n) => n.op)).toEqual(["add"]);
    expect(graph.constants).toHaveLength(1);
    const folded = graph.values[graph.constants[0]!]!.source;
    // The folded value is eager's: float32 exp's own float32 formula (within 1 ulp of Math.exp rounded; at 4, one ulp above).
    expect(folded.kind === "constant" && folded.tensor.toArray()).toEqual([exp32(2), exp32(4)]);
  });

  it("keeps numbers mixed into ops as scalar constants and outputs as a flattened pytree", () => {
    const graph = trace((x) => ({ a: x.mul(3), b: [x] }), [zeros([2], { dtype: "float64" })]);
    expect(graph.nodes.map((n) => n.op)).toEqual(["mul"]);
    expect(graph.outputs).toEqual([graph.nodes[0]!.output, graph.inputs[0]]);
    const scalar = graph.values[graph.nodes[0]!.inputs[1]!]!;
    expect(scalar.source.kind === "constant" && scalar.source.tensor.item()).toBe(3);
  });

  it("refuses arguments that are not tensors, and results that are not", () => {
    expect(() => trace((x) => x, [3 as never])).toThrow(ValueError);
    expect(() => trace(() => "a" as never, [zeros([1])])).toThrow(/^trace: f's result must be a Tensor/);
  });
});

describe("trace, values that alias a known one", () => {
  it("sees a detached copy of a parameter (a state dict's entry) as that parameter, and stopGradient's result as its input", () => {
    const w = tensor([2, 3]);
    const graph = trace((x) => x.mul(w).sub(stopGradient(x.max())), [tensor([1, 5])], { params: { w: w.detach() } });
    expect(graph.nodes.map((n) => n.op)).toEqual(["mul", "max", "neg", "add"]);
    expect(graph.constants).toEqual([]);
    expect(graph.values[graph.params[0]!]!.source).toMatchObject({ kind: "param", name: "w" });
  });
});

describe("trace with the tape on", () => {
  it("records a backward() inside f: the forward kernels, then the gradient's", () => {
    const step = (x: Tensor): Tensor => {
      const w = x.detach(); // stands for the input (it shares its storage)
      w.requiresGrad = true;
      w.mul(w).sum().backward();
      return w.grad!;
    };
    expect(() => trace(step, [tensor([1, 2])])).toThrow(GradError); // under noGrad by default
    const graph = trace(step, [tensor([1, 2])], { tape: true });
    expect(graph.nodes[0]!.op).toBe("mul");
    expect(graph.nodes.length).toBeGreaterThan(1);
    const output = graph.values[graph.outputs[0]!]!;
    expect(output.source.kind).toBe("node"); // the gradient 2x, computed from the input by recorded kernels
  });
});
