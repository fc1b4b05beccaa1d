// The checks both smoke scripts run on the packages they loaded, each in its own way (ESM import, CommonJS
// require): a gradient, a product large enough to be split across worker threads (so the built worker
// code runs too), and a non-empty export list for every other package.
module.exports = function check(how, core, packages) {
  const { grad, randn, Rng, setThreads, tensor, threads } = core;
  const g = grad((x) => x.mul(x).sum())(tensor([1, 2, 3]));
  if (JSON.stringify(g.toArray()) !== "[2,4,6]") throw new Error(`core: unexpected gradient ${g.toArray()}`);

  // Two threads even on a one-core machine, so that the built worker code runs. The helper starts in the
  // background with the first large product, so products repeat for a second: a helper that failed to
  // start would end the process with its error, and one that computed wrongly would fail the check.
  setThreads(2);
  const rng = new Rng(1);
  const a = randn([256, 256], { rng });
  const b = randn([256, 256], { rng });
  // One element in the first columns and one in the last: different chunks, so different threads.
  const probes = [[7, 9], [200, 250]].map(([i, j]) => {
    let expected = 0;
    for (let k = 0; k < 256; k++) expected += a.data[i * 256 + k] * b.data[k * 256 + j];
    return { at: i * 256 + j, expected };
  });
  for (const until = Date.now() + 1000; Date.now() < until; ) {
    const c = a.matmul(b);
    for (const { at, expected } of probes) {
      if (Math.abs(c.data[at] - expected) > 1e-3 * Math.max(1, Math.abs(expected))) {
        throw new Error(`core: matmul on ${threads()} thread(s) gave ${c.data[at]} at ${at}, expected ${expected}`);
      }
    }
  }
  for (const [name, mod] of Object.entries(packages)) {
    if (Object.keys(mod).length === 0) throw new Error(`@tapegrad/${name} exports nothing`);
  }
  console.log(`${how} of @tapegrad/core, nn, optim, datasets: ok (matmul on ${threads()} thread(s))`);
};
