// Type-checked (not run) as a user's CommonJS module: `import = require` of the ES-module packages,
// which TypeScript allows under module nodenext because Node >= 20.19 can require() them.
import core = require("@tapegrad/core");
import optim = require("@tapegrad/optim");
import datasets = require("@tapegrad/datasets");
import onnx = require("@tapegrad/onnx");
import training = require("@tapegrad/train");

const t: core.Tensor = core.tensor([1, 2]);
const loader = new optim.DataLoader(datasets.moons(), { batchSize: 8 });
const bytes: Uint8Array = onnx.exportOnnx((x: core.Tensor) => x.relu(), [t]);
const right: number = training.accuracy(core.tensor([[0, 1]]), core.tensor([1]));
export = { t, loader, bytes, right };
