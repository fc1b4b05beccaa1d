import fc from "fast-check";

/** One edit to a file's bytes: overwrite, insert or delete a byte, or cut the file short at a position. */
export interface ByteEdit {
  readonly kind: "set" | "insert" | "delete" | "truncate";
  readonly at: number;
  readonly value: number;
}

/** A random edit; `at` is taken modulo the file's length when applied, so any file fits it. */
export const byteEdit: fc.Arbitrary<ByteEdit> = fc.record({
  kind: fc.constantFrom("set", "insert", "delete", "truncate"),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
});

/** One to four edits: the damage a file reader's fuzz test applies to a valid file. */
export const byteDamage: fc.Arbitrary<ByteEdit[]> = fc.array(byteEdit, { minLength: 1, maxLength: 4 });

/**
 * Applies the edits in order to a copy of `bytes`, so readers of binary formats (safetensors, torch.save)
 * can be fuzzed with the same damage.
 * @example
 * ```ts
 * damageBytes(Uint8Array.of(1, 2, 3), [{ kind: "truncate", at: 1, value: 0 }]); // Uint8Array [1]
 * ```
 */
export function damageBytes(bytes: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let out = Array.from(bytes);
  for (const { kind, at, value } of edits) {
    const i = out.length === 0 ? 0 : at % out.length;
    if (kind === "set") out[i] = value;
    else if (kind === "truncate") out = out.slice(0, i);
    else if (kind === "insert") out.splice(i, 0, value);
    else out.splice(i, 1);
  }
  return Uint8Array.from(out);
}
