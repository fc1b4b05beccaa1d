import { AnomalyError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { withHooks, type KernelEvent } from "./hooks.js";

/**
 * Anomaly detection: while it is on, every kernel's output is checked for NaN and infinities, and the
 * first op that makes one from finite inputs is reported with what it was doing (its forward kernel, or a
 * JVP or VJP rule being evaluated) and the user's stack where the op was called. It plugs into the engine
 * through its hooks (hooks.ts): a kernel hook that checks, a recorded hook that notes where each taped op
 * was called, and a rule hook that marks what a rule computes as that rule's. Off, it costs nothing.
 */
let depth = 0;

/** What the engine is evaluating right now on behalf of an op: its JVP or its VJP rule. */
interface Phase {
  readonly kind: "jvp" | "vjp";
  readonly op: string;
  readonly site: string;
}
const phases: Phase[] = [];

/** Where the user called each op taped under detectAnomaly: a VJP's error points there. */
const sites = new WeakMap<Tensor, string>();

/** The user's part of the current stack: frames inside tapegrad's own sources are left out. */
function callSite(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const own = /[\\/](core[\\/](src|dist)|node_modules)[\\/]/;
  const user = frames.filter((f) => !own.test(f));
  return (user.length > 0 ? user : frames).slice(0, 6).map((f) => `    ${f.trim()}`).join("\n");
}

/** Runs a rule evaluation marked as the JVP or VJP of `op`, so that a NaN it makes is blamed on it. */
function markRule<T>(kind: "jvp" | "vjp", op: string, out: Tensor | null, run: () => T): T {
  phases.push({ kind, op, site: (out && sites.get(out)) ?? callSite() });
  try {
    return run();
  } finally {
    phases.pop();
  }
}

const finite = (t: Tensor): boolean => t.data.every(Number.isFinite);

function check(event: KernelEvent): void {
  if (finite(event.out)) return;
  const shapes = event.inputs.map((x) => x.shape);
  const bad = event.inputs.findIndex((x) => !finite(x));
  const phase = phases[phases.length - 1];
  const what = event.out.data.some(Number.isNaN) ? "NaN" : "an infinity";
  if (bad >= 0 && phase === undefined) {
    throw new AnomalyError(event.rule.name, "forward", `input ${bad} already holds NaN or infinity: it comes from the data or from code run outside detectAnomaly`, shapes, callSite());
  }
  if (phase === undefined) {
    throw new AnomalyError(event.rule.name, "forward", `produced ${what} from finite inputs${hint(event.rule.name)}`, shapes, callSite());
  }
  throw new AnomalyError(
    phase.op,
    phase.kind,
    `its ${phase.kind.toUpperCase()} rule produced ${what} (in ${event.rule.name})${phase.kind === "vjp" ? maskedWhereHint : ""}`,
    shapes,
    phase.site,
  );
}

function hint(op: string): string {
  return ["log", "sqrt", "pow", "reciprocal"].includes(op)
    ? `; if where() discards this value, its gradient is still NaN: give the op a safe input in the discarded branch (docs/reliability.md)`
    : "";
}

const maskedWhereHint = `; a where() that discards a branch still sends that branch a zero cotangent, and 0 · ∞ = NaN: give the discarded branch a safe input (docs/reliability.md)`;

/**
 * Runs `fn` with anomaly detection on: it throws an `AnomalyError` at the first op whose forward output, JVP
 * tangent or VJP cotangent holds a NaN or an infinity that its inputs did not, naming the op, its input
 * shapes and where the user called it. Use it to find where a NaN loss comes from; it slows every op.
 * @example
 * ```ts
 * const x = tensor([-1, 4], { requiresGrad: true });
 * detectAnomaly(() => x.sqrt().sum().backward()); // AnomalyError: sqrt: produced NaN from finite inputs …
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  if (depth > 0) return fn(); // already on
  depth++;
  try {
    return withHooks({ kernel: check, recorded: (out) => sites.set(out, callSite()), rule: markRule }, fn);
  } finally {
    depth--;
  }
}
