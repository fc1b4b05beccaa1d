// The checks both smoke scripts run on the packages they loaded, each in its own way (ESM import, CommonJS
// require): a gradient, a product large enough to be split across worker threads (so the built worker
// code runs too), and a non-empty export list for every other package.
module.exports = function check(how, core, packages) {
  const { grad, randn, Rng, setThreads, tensor, threads } = core;
  const g = grad((x) => x.mul(x).sum())(tensor([1, 2, 3]));
  if (JSON.stringify(g.toArray()) !== "[2,4,6]") throw new Error(`core: unexpected gradient ${g.toArray()}`);

  setThreads(2); // threads are opt-in; the built worker code must work when asked for
  const rng = new Rng(1);
  const a = randn([256, 256], { rng });
  const b = randn([256, 256], { rng });
  const c = a.matmul(b);
  let expected = 0;
  for (let k = 0; k < 256; k++) expected += a.data[7 * 256 + k] * b.data[k * 256 + 9];
  if (Math.abs(c.data[7 * 256 + 9] - expected) > 1e-3 * Math.max(1, Math.abs(expected))) {
    throw new Error(`core: matmul on ${threads()} thread(s) gave ${c.data[7 * 256 + 9]}, expected ${expected}`);
  }
  for (const [name, mod] of Object.entries(packages)) {
    if (Object.keys(mod).length === 0) throw new Error(`@tapegrad/${name} exports nothing`);
  }
  console.log(`${how} of @tapegrad/core, nn, optim, datasets: ok (matmul on ${threads()} thread(s))`);
};
