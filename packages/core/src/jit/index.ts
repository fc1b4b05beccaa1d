export { jit } from "./jit.js";
export type { JitOptions, Jitted, TraceInfo } from "./jit.js";
export type { ProgramSummary } from "./program.js";
export { ConcretizationError } from "./errors.js";
