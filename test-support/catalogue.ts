import { describe, expect, it } from "vitest";
import type { ShapeError, TapegradError } from "@tapegrad/core";

/**
 * One row of a catalogue of bad inputs: a call with one kind of mistake, and the error it must get — its
 * class, the op or option it names (`error.op`), the shapes it carries (for a ShapeError) and text its
 * message must contain (the value, the option or the shapes). Each package keeps its own rows; this runner
 * is shared so that every catalogue holds its errors to the same standard.
 */
export interface CatalogueRow {
  /** What is wrong with the input. */
  readonly bad: string;
  readonly call: () => unknown;
  readonly error: new (...args: never[]) => TapegradError;
  /** The op or function the error must name. */
  readonly op: string;
  /** For a ShapeError: the shapes it must carry. */
  readonly shapes?: readonly (readonly number[])[];
  /** Text the message must contain. */
  readonly says: string;
}

/** Declares one test per row, titled by what is wrong. */
export function describeCatalogue(title: string, rows: readonly CatalogueRow[]): void {
  describe(title, () => {
    it.each(rows.map((r) => [r.bad, r] as const))("%s", (_, row) => {
      let thrown: unknown;
      try {
        row.call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(row.error);
      const error = thrown as TapegradError;
      expect(error.op).toBe(row.op);
      expect(error.message).toContain(row.says);
      if (row.shapes !== undefined) expect((error as ShapeError).shapes).toEqual(row.shapes);
    });
  });
}
