// Imports every built package the way an ESM user does (plain Node, no source condition, no bundler)
// and runs a little of each, so a broken `exports` map or build fails CI.
import { grad, tensor } from "@tapegrad/core";
import * as nn from "@tapegrad/nn";
import * as optim from "@tapegrad/optim";
import * as datasets from "@tapegrad/datasets";

const g = grad((x) => x.mul(x).sum())(tensor([1, 2, 3]));
if (JSON.stringify(g.toArray()) !== "[2,4,6]") throw new Error(`core: unexpected gradient ${g.toArray()}`);
for (const [name, mod] of Object.entries({ nn, optim, datasets })) {
  if (Object.keys(mod).length === 0) throw new Error(`@tapegrad/${name} exports nothing`);
}
console.log("ESM import of @tapegrad/core, nn, optim, datasets: ok");
