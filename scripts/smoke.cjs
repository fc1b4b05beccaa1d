// The same from CommonJS: Node >= 20.19 can require() an ES module, which is how CJS users load tapegrad.
const check = require("./smoke-checks.cjs");

check("CommonJS require", require("@tapegrad/core"), {
  nn: require("@tapegrad/nn"),
  optim: require("@tapegrad/optim"),
  datasets: require("@tapegrad/datasets"),
});
