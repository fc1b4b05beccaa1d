import { TapegradError } from "@tapegrad/core";

/**
 * Throws unless `e` is one of tapegrad's errors: what the fuzz tests of every package ask of a call
 * with junk arguments, which must fail with an error that names what is wrong, never a TypeError from
 * inside a loop.
 */
export function ownError(what: string, e: unknown): void {
  if (!(e instanceof TapegradError)) throw new Error(`${what} threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
}
