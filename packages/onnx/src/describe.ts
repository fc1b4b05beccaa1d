import { Tensor } from "@tapegrad/core";

/** A short description of a value that an error names (its type, or a tensor's dtype and shape). */
export function describe(value: unknown): string {
  if (value instanceof Tensor) return `a ${value.dtype}[${value.shape.join(",")}] tensor`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}
