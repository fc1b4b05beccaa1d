/**
 * The one place tapegrad turns generated source into a function: the fast backend's per-op elementwise
 * loops and jit's fused loops both come through here. Callers write their source from fixed templates
 * (counters, indices and lengths vary, never an op's name or text a user supplied; formulas come in as
 * arguments), so nothing user-written is ever evaluated.
 *
 * Where `new Function` is refused (a page whose Content-Security-Policy forbids eval) this returns null,
 * and each caller falls back to running the same formulas without generated code: slower, same results.
 * @example
 * ```ts
 * const twice = generatedFunction<(f: (v: number) => number) => (v: number) => number>(["f"], "return (v) => f(f(v));");
 * twice?.((v) => v + 1)(1); // 3, or null under a strict Content-Security-Policy
 * ```
 */
export function generatedFunction<F>(params: readonly string[], body: string): F | null {
  try {
    return new Function(...params, body) as F;
  } catch {
    return null;
  }
}
