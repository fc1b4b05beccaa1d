import { concat, DTypeError, ShapeError, ValueError, where, zeros, type DType, type Tensor } from "@tapegrad/core";

/**
 * MultiheadAttention's masks as float addends to the scores `[B, heads, L, S']`, as PyTorch's
 * `multi_head_attention_forward` builds them. `extra` key columns (from `bias_k` and the zero attention)
 * are appended unmasked, as PyTorch pads its masks with zeros. @internal
 */
export interface MaskShape {
  readonly layer: string;
  readonly batch: number;
  readonly heads: number;
  readonly L: number;
  readonly S: number;
  readonly extra: number;
  readonly dtype: DType;
}

const same = (shape: readonly number[], want: readonly number[]): boolean => shape.length === want.length && shape.every((s, i) => s === want[i]);

/** The attention mask `[L, S]` or `[batch·heads, L, S]` as an addend `[L, S']` or `[B, heads, L, S']`. @internal */
export function attnMaskAddend(mask: Tensor, m: MaskShape): Tensor {
  const two = [m.L, m.S];
  const three = [m.batch * m.heads, m.L, m.S];
  if (!same(mask.shape, two) && !same(mask.shape, three)) {
    throw new ShapeError(m.layer, `attnMask must be [L, S] = [${two.join(", ")}] or [batch·numHeads, L, S] = [${three.join(", ")}]`, [mask.shape]);
  }
  const addend = padKeys(addendOf("attnMask", mask, m), m);
  return mask.shape.length === 2 ? addend : addend.reshape([m.batch, m.heads, m.L, m.S + m.extra]);
}

/** The key padding mask `[batch, S]` as an addend `[B, 1, 1, S']`. @internal */
export function keyPaddingAddend(mask: Tensor, m: MaskShape): Tensor {
  if (!same(mask.shape, [m.batch, m.S])) throw new ShapeError(m.layer, `keyPaddingMask must be [batch, S] = [${m.batch}, ${m.S}]`, [mask.shape]);
  return padKeys(addendOf("keyPaddingMask", mask, m), m).reshape([m.batch, 1, 1, m.S + m.extra]);
}

/** Appends `extra` zero columns (never masked) on the last axis. */
function padKeys(addend: Tensor, m: MaskShape): Tensor {
  return m.extra === 0 ? addend : concat([addend, zeros([...addend.shape.slice(0, -1), m.extra], { dtype: addend.dtype })], -1);
}

/** A 0/1 mask (int32, or float holding only 0 and 1) becomes −∞ where 1; other float masks are added as they are. */
function addendOf(name: string, mask: Tensor, m: MaskShape): Tensor {
  if (!(mask.dtype === "int32" || mask.dtype === "float32" || mask.dtype === "float64")) throw new DTypeError(m.layer, `${name} must be int32 or float, got ${String(mask.dtype)}`);
  const boolean = mask.dtype === "int32" || mask.data.every((x) => x === 0 || x === 1);
  if (!boolean) return mask;
  if (mask.dtype === "int32" && !mask.data.every((x) => x === 0 || x === 1)) throw new ValueError(m.layer, `${name} of int32 must hold only 0 and 1`);
  return where(mask.ne(0), zeros([], { dtype: m.dtype }).add(-Infinity), zeros([], { dtype: m.dtype }));
}
