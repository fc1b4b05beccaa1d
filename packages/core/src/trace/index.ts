export { trace } from "./trace.js";
export type { TraceOptions } from "./trace.js";
export type { TraceEffect, TraceGraph, TraceNode, TraceSource, TraceValue } from "./graph.js";
