// The same from CommonJS: Node >= 20.19 can require() an ES module, which is how CJS users load tapegrad.
const { grad, tensor } = require("@tapegrad/core");
const packages = { nn: require("@tapegrad/nn"), optim: require("@tapegrad/optim"), datasets: require("@tapegrad/datasets") };

const g = grad((x) => x.mul(x).sum())(tensor([1, 2, 3]));
if (JSON.stringify(g.toArray()) !== "[2,4,6]") throw new Error(`core: unexpected gradient ${g.toArray()}`);
for (const [name, mod] of Object.entries(packages)) {
  if (Object.keys(mod).length === 0) throw new Error(`@tapegrad/${name} exports nothing`);
}
console.log("CommonJS require of @tapegrad/core, nn, optim, datasets: ok");
