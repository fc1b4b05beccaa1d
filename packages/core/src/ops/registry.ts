import { absOp } from "./abs.js";
import { atanOp } from "./atan.js";
import { atan2Op } from "./atan2.js";
import { conv2dOp } from "./conv2d.js";
import { col2imOp, im2colOp } from "./im2col.js";
import { argmaxOp, argminOp } from "./argmax.js";
import { gatherOp } from "./gather.js";
import { scatterAddOp } from "./scatterAdd.js";
import { addOp } from "./add.js";
import { broadcastToOp } from "./broadcastTo.js";
import { castOp } from "./cast.js";
import { eqOp, geOp, gtOp, leOp, ltOp, neOp } from "./comparisons.js";
import { concatOp } from "./concat.js";
import { cosOp } from "./cos.js";
import { erfOp } from "./erf.js";
import { erfcOp } from "./erfc.js";
import { expOp } from "./exp.js";
import { logOp } from "./log.js";
import { log1pOp } from "./log1p.js";
import { matmulOp } from "./matmul.js";
import { maxOp } from "./max.js";
import { maximumOp } from "./maximum.js";
import { mulOp } from "./mul.js";
import { negOp } from "./neg.js";
import { padOp } from "./pad.js";
import { powOp } from "./pow.js";
import { reciprocalOp } from "./reciprocal.js";
import { reshapeOp } from "./reshape.js";
import { sinOp } from "./sin.js";
import { sliceOp } from "./slice.js";
import { softmaxCrossEntropyOp } from "./softmaxCrossEntropy.js";
import { sqrtOp } from "./sqrt.js";
import { sumOp } from "./sum.js";
import { tanhOp } from "./tanh.js";
import { transposeOp } from "./transpose.js";
import { whereOp } from "./where.js";
import { reluGradOp, reluOp } from "./relu.js";
import type { AnyOpRule } from "./rule.js";
import { provideEngineOps } from "../autodiff/engineOps.js";
import { add } from "./add.js";
import { broadcastTo } from "./broadcastTo.js";
import { cast } from "./cast.js";
import { concat } from "./concat.js";
import { reshape } from "./reshape.js";
import { slice } from "./slice.js";
import { sum } from "./sum.js";

/**
 * Every primitive, explicitly. Nothing registers itself by being imported: this list is the registry,
 * and a test fails if an op file exists that it does not name.
 */
export const primitives: readonly AnyOpRule[] = [
  addOp, mulOp, negOp, reciprocalOp, expOp, logOp, log1pOp, sqrtOp, absOp, sinOp, cosOp, tanhOp, erfOp, erfcOp, powOp, maximumOp,
  atanOp, atan2Op,
  gtOp, geOp, ltOp, leOp, eqOp, neOp, whereOp, reluOp, reluGradOp,
  sumOp, maxOp,
  reshapeOp, broadcastToOp, transposeOp, sliceOp, padOp, concatOp,
  matmulOp, castOp, softmaxCrossEntropyOp,
  argmaxOp, argminOp, gatherOp, scatterAddOp,
  conv2dOp, im2colOp, col2imOp,
];


// The engine applies a few ops itself (un-broadcasting, promotion, batches) and imports no op module, so
// that the ops, which all import the engine, form no import cycle with it: they are handed over here.
provideEngineOps({ add, reshape, sum: (x, axes) => sum(x, axes), broadcastTo, cast, concat, slice });
