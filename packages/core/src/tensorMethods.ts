import * as ops from "./ops/index.js";
import * as composites from "./composites/index.js";
import { backward } from "./autodiff/backward.js";
import { stopGradient } from "./autodiff/stopGradient.js";
import { bindTensorMethods } from "./tensor.js";
import "./ops/registry.js"; // the registry hands the engine the ops it applies itself

/**
 * Loads the op functions, the composites and the engine's reverse pass, and gives the Tensor class its
 * methods' implementations. The package's entry imports this first; tensor.ts itself imports no op, so
 * tensor, ops, engine and composites form no import cycle.
 */
bindTensorMethods({ ops, composites, backward, stopGradient });
