// Type-checked (not run) as a user's ES module with moduleResolution nodenext: the published .d.ts
// files resolve through each package's exports, and the data sets' types fit where data is expected.
import { grad, softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { writeFileAtomically } from "@tapegrad/core/node";
import { mlp, type Sequential } from "@tapegrad/nn";
import { DataLoader, SGD, type Batch } from "@tapegrad/optim";
import { DataLoader as LoaderOfDatasets, loadDigits, type Dataset, type Split } from "@tapegrad/datasets";
import { exportOnnx, importOnnx, type ImportedOnnx } from "@tapegrad/onnx";
import { writeOnnx } from "@tapegrad/onnx/node";
import { accuracy, evaluate } from "@tapegrad/train";

const g: Tensor = grad((x: Tensor) => x.mul(x).sum())(tensor([1, 2, 3]));
const model: Sequential = mlp([64, 32, 10]);
const optimizer = new SGD(model.parameters(), { lr: 0.1 });
const loader: DataLoader<Split> = new DataLoader(loadDigits().train, { batchSize: 32 });
for (const { x, y } of loader satisfies Iterable<Batch<Split>>) {
  optimizer.zeroGrad();
  softmaxCrossEntropy(model.forward(x), y).backward();
  optimizer.step();
}
const bytes: Uint8Array = exportOnnx(model, [tensor([[1, 2]])], { opset: 17, dynamicAxes: { 0: [0] } });
const imported: ImportedOnnx = importOnnx(bytes);
const outputs: Tensor[] = imported.fn(imported.params, tensor([[1, 2]]));
const written: Promise<number> = writeOnnx("model.onnx", model, [tensor([[1, 2]])]);
const split: Dataset<Split> = loadDigits().test;
const same: typeof DataLoader = LoaderOfDatasets;
const scores: Record<string, number> = evaluate(model, split, { accuracy });
const saved: Promise<void> = writeFileAtomically("out.txt", "done");
export { g, outputs, written, saved, same, scores };
