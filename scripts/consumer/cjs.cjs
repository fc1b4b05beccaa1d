// The same from CommonJS: Node >= 20.19 can require() an ES module, which is how CJS users load tapegrad.
const check = require("./checks.cjs");

const packages = {
  core: require("@tapegrad/core"),
  coreNode: require("@tapegrad/core/node"),
  nn: require("@tapegrad/nn"),
  optim: require("@tapegrad/optim"),
  datasets: require("@tapegrad/datasets"),
  onnx: require("@tapegrad/onnx"),
  train: require("@tapegrad/train"),
};
check("CommonJS require", packages).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
