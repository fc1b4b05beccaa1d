/**
 * @tapegrad/core: tensors, a tape that records ops, reverse- and forward-mode automatic differentiation
 * driven by each primitive's VJP and JVP rules, and a cost meter.
 *
 * @example
 * ```ts
 * import { tensor, grad } from "@tapegrad/core";
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad?.toArray(); // [2, 4, 6]
 * grad((x) => x.sin().sum())(tensor([0])).toArray(); // [1]
 * ```
 * @packageDocumentation
 */
import "./tensorMethods.js"; // first: gives Tensor its methods and the engine its ops
export { Tensor } from "./tensor.js";
export type { TensorLike, NestedArray, Axes, ReduceOptions } from "./tensor.js";
export type { FormatOptions } from "./format.js";
export type { DType, Storage } from "./dtype.js";
export { checkDType } from "./dtype.js";
export type { Shape } from "./shape.js";
export { broadcastShapes } from "./shape.js";
export { TapegradError, ShapeError, DTypeError, ValueError, GradError, NotDifferentiableError, AnomalyError } from "./errors.js";
export { Rng, manualSeed } from "./rng.js";
export { tensor, zeros, ones, full, zerosLike, onesLike, arange, randn, rand } from "./creation.js";
export type { CreateOptions, RandomOptions } from "./creation.js";
export * from "./ops/index.js";
export * from "./composites/index.js";
export { primitives } from "./ops/registry.js";
export type { OpRule, AnyOpRule, BatchArgs, BatchRule, Inputs, PerInput, Arity, ShapeContext, ForwardContext, JvpContext, VjpContext, CostContext, OpTestSpec, CaseGen, Domain } from "./ops/rule.js";
export { unary, binary } from "./ops/define.js";
export type { ReduceParams } from "./ops/reduceParams.js";
export type { SliceParams } from "./ops/slice.js";
export type { PadParams } from "./ops/pad.js";
export type { MatmulParams } from "./ops/matmul.js";
export { apply } from "./autodiff/apply.js";
export { noGrad } from "./autodiff/mode.js";
export { detectAnomaly } from "./autodiff/anomaly.js";
export { installHooks, withHooks } from "./autodiff/hooks.js";
export type { EngineHooks, KernelEvent, StateEffect } from "./autodiff/hooks.js";
export { observeKernels } from "./autodiff/observers.js";
export { stopGradient } from "./autodiff/stopGradient.js";
export type { BackwardOptions } from "./autodiff/backward.js";
export { grad, valueAndGrad, vjp } from "./autodiff/transforms.js";
export type { TensorFunction, ArgnumsOption, ArgnumsSpec, GradOptions, GradResult, TreeGrad } from "./autodiff/transforms.js";
export { treeFlatten, treeUnflatten, treeMap } from "./autodiff/tree.js";
export { customVjp, customJvp } from "./autodiff/customRules.js";
export { checkpoint } from "./autodiff/checkpoint.js";
export { vmap } from "./autodiff/vmap.js";
export type { VmapOptions, AxisSpec } from "./autodiff/vmap.js";
export type { CustomVjpRules, CustomJvpRule, ArgumentCotangents } from "./autodiff/customRules.js";
export type { Tree, TreeLeaf, TreeDef, TreeWith, TensorTree, LeafOf } from "./autodiff/tree.js";
export { jvp } from "./autodiff/jvp.js";
export { jacrev, jacfwd, hessian, hvp } from "./autodiff/jacobian.js";
export type { JacobianOptions, HessianResult, JacobianTree } from "./autodiff/jacobian.js";
export { adviseMode } from "./autodiff/modeAdvisor.js";
export type { ModeAdvice } from "./autodiff/modeAdvisor.js";
export { tapeStats, resetTapePeak } from "./autodiff/tapeStats.js";
export type { TapeStats } from "./autodiff/tapeStats.js";
export { setThreads, threads, maxThreads, readyThreads, chunksRunByHelpers } from "./kernels/threads.js";
export { setKernels } from "./kernels/active.js";
export type { KernelBackend } from "./kernels/active.js";
export { profile } from "./profile.js";
export type { Profile } from "./profile.js";
export { trace } from "./trace/index.js";
export { jit, ConcretizationError } from "./jit/index.js";
export type { JitOptions, Jitted, ProgramSummary, TraceInfo } from "./jit/index.js";
export { updateInPlace, valueCheck } from "./autodiff/effects.js";
export type { TraceOptions, TraceGraph, TraceNode, TraceSource, TraceValue, TraceEffect } from "./trace/index.js";
export { encodeTorchSave, decodeTorchSave } from "./io/torch/torchSave.js";
export { pyTuple, isPyTuple } from "./io/torch/values.js";
export type { TorchValue, TorchObject } from "./io/torch/values.js";
export { gradcheck, GradcheckError } from "./testing/gradcheck.js";
export type { GradcheckOptions } from "./testing/gradcheck.js";
