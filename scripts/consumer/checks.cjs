// What the consumer check runs on the installed packages, once per way of loading them (ESM import,
// CommonJS require, ESM with --conditions=source): a gradient, a matrix product shared with a worker
// thread, a file written through the Node-only entry, an Adam step (optim's SIMD kernel, which reaches
// core through @tapegrad/core/wasm) and a training epoch over a shipped data set. CommonJS, so that both
// entries can load it. It resolves nothing itself: the entry passes in the modules it loaded from the
// consumer's node_modules.
const N = 256; // 256³ multiply-adds: far above the size at which products are split across threads

/** Fails with what was checked, through which loading path, and what came out. */
function fail(how, message) {
  throw new Error(`${how}: ${message}`);
}

/** A gradient through the tape: d/dx sum(x²) = 2x. */
function checkGradient(how, { grad, tensor }) {
  const g = grad((x) => x.mul(x).sum())(tensor([1, 2, 3])).toArray();
  if (JSON.stringify(g) !== "[2,4,6]") fail(how, `@tapegrad/core: gradient of sum(x²) at [1,2,3] is ${JSON.stringify(g)}, expected [2,4,6]`);
}

/**
 * A float32 product on two threads, against a plain float64 loop. The helper starts in the background
 * on the first large product and runs the built kernels from its own thread (the code a packaging
 * mistake would break), so products repeat until it has taken chunks of them, each one checked.
 */
async function checkThreadedMatmul(how, { chunksRunByHelpers, randn, readyThreads, Rng, setThreads }) {
  setThreads(2); // two even on a one-core machine, so the worker path always runs
  const rng = new Rng(1);
  const [a, b] = [randn([N, N], { rng }), randn([N, N], { rng })];
  const expected = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < N; k++) {
      const aik = a.data[i * N + k];
      for (let j = 0; j < N; j++) expected[i * N + j] += aik * b.data[k * N + j];
    }
  }
  const checked = () => {
    const c = a.matmul(b).data;
    const bad = expected.findIndex((e, at) => Math.abs(c[at] - e) > 1e-3 * Math.max(1, Math.abs(e)));
    if (bad >= 0) fail(how, `@tapegrad/core: threaded matmul gave ${c[bad]} at [${Math.floor(bad / N)}, ${bad % N}], expected ${expected[bad]}`);
  };
  const before = chunksRunByHelpers();
  // Generous: on a busy machine a worker can take seconds to start.
  const deadline = Date.now() + 20_000;
  let products = 0;
  while (readyThreads() < 2 || chunksRunByHelpers() === before) {
    if (Date.now() > deadline) {
      fail(how, `@tapegrad/core: after ${products} products of ${N}×${N}, ${readyThreads()} thread(s) ready and ${chunksRunByHelpers() - before} chunks run by helpers; the worker thread never shared the work`);
    }
    checked();
    products += 1;
    await new Promise((resolve) => setTimeout(resolve, 5)); // give the worker's start-up a turn
  }
  checked();
  return `${readyThreads()} threads, helpers ran ${chunksRunByHelpers() - before} chunks`;
}

/**
 * One epoch of SGD on the digits, read from the package's own data files, batched by the DataLoader of
 * @tapegrad/datasets (which @tapegrad/optim re-exports, the same class), scored by @tapegrad/train.
 */
function checkTraining(how, { core, nn, optim, datasets, train: training }) {
  if (optim.DataLoader !== datasets.DataLoader) fail(how, "@tapegrad/optim's DataLoader is not the one of @tapegrad/datasets");
  const { train, test } = datasets.loadDigits();
  const model = nn.mlp([64, 32, 10], { rng: new core.Rng(0) });
  const loss = () => core.softmaxCrossEntropy(model.forward(test.x), test.y).item();
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const first = loss();
  for (const { x, y } of new datasets.DataLoader(train, { batchSize: 32, shuffle: true, seed: 0 })) {
    opt.zeroGrad();
    core.softmaxCrossEntropy(model.forward(x), y).backward();
    opt.step();
  }
  const last = loss();
  if (!(last < first)) fail(how, `one epoch on the digits left the test loss at ${last} (from ${first})`);
  const { accuracy } = training.evaluate(model, test, { accuracy: training.accuracy });
  if (!(accuracy > 0.1 && accuracy <= 1)) fail(how, `@tapegrad/train: test accuracy ${accuracy} after an epoch, no better than chance (0.1)`);
  return `digits test loss ${first.toFixed(2)} → ${last.toFixed(2)}, accuracy ${accuracy.toFixed(2)}`;
}

/** Node's file I/O from its own entry (`@tapegrad/core/node`): a file written atomically, then read back. */
async function checkNodeIo(how, { writeFileAtomically }) {
  const { mkdtempSync, readFileSync, rmSync } = require("node:fs");
  const { join } = require("node:path");
  const dir = mkdtempSync(join(__dirname, "io-"));
  try {
    await writeFileAtomically(join(dir, "x.txt"), "tapegrad");
    const back = readFileSync(join(dir, "x.txt"), "utf8");
    if (back !== "tapegrad") fail(how, `@tapegrad/core/node: writeFileAtomically wrote ${JSON.stringify(back)}, expected "tapegrad"`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Adam's first step on a float32 parameter: optim's SIMD kernel, registered through @tapegrad/core/wasm,
 * moves every element by lr against its gradient's sign (to float32 rounding).
 */
function checkAdam(how, { core, optim }) {
  const p = core.tensor(Array.from({ length: 37 }, (_, i) => i), { requiresGrad: true });
  const opt = new optim.Adam([p], { lr: 1e-3 });
  p.mul(p).sum().backward(); // gradient 2p: positive except at 0
  opt.step();
  const bad = Array.from(p.data).findIndex((v, i) => Math.abs(v - (i === 0 ? 0 : i - 1e-3)) > 1e-5 * Math.max(1, i));
  if (bad >= 0) fail(how, `@tapegrad/optim: Adam's first step left p[${bad}] = ${p.data[bad]}, expected ${bad === 0 ? 0 : bad - 1e-3}`);
}

/** A model to ONNX and back (@tapegrad/onnx with its protobuf runtime): the same outputs. */
function checkOnnx(how, { core, nn, onnx }) {
  const model = nn.mlp([4, 8, 3], { rng: new core.Rng(0) });
  const x = core.randn([5, 4], { rng: new core.Rng(1) });
  const bytes = onnx.exportOnnx(model, [x], { dynamicAxes: { 0: [0] } });
  const { fn, params } = onnx.importOnnx(bytes);
  const [ours, theirs] = [model.forward(x).data, fn(params, x)[0].data];
  const bad = ours.findIndex((v, i) => Math.abs(v - theirs[i]) > 1e-6);
  if (bad >= 0) fail(how, `@tapegrad/onnx: an exported and imported MLP gives ${theirs[bad]} at ${bad}, the model ${ours[bad]}`);
  return `ONNX round trip of ${bytes.length} bytes`;
}

module.exports = async function check(how, packages) {
  checkGradient(how, packages.core);
  if ("writeFileAtomically" in packages.core) fail(how, "@tapegrad/core: the main entry exports Node's file I/O, which belongs to @tapegrad/core/node");
  await checkNodeIo(how, packages.coreNode);
  const threads = await checkThreadedMatmul(how, packages.core);
  checkAdam(how, packages);
  const training = checkTraining(how, packages);
  const onnx = checkOnnx(how, packages);
  console.log(`gradient ok; ${N}×${N} matmul matches a plain loop on ${threads}; ${training}; ${onnx}`);
};
