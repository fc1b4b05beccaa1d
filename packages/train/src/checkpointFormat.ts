import { tensor, ValueError, type DType, type Tensor } from "@tapegrad/core";

/**
 * How a checkpoint's tensors are written inside its JSON document: dtype, shape and the little-endian
 * bytes in base64. JSON numbers would lose NaN, infinities and the sign of zero; the bytes keep every bit.
 * @internal
 */
export interface EncodedTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: string;
}

const WIDTH: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/** Writes one element of `dtype` at byte `at`, little-endian. */
function setElement(view: DataView, dtype: DType, at: number, v: number): void {
  if (dtype === "float64") view.setFloat64(at, v, true);
  else if (dtype === "int32") view.setInt32(at, v, true);
  else view.setFloat32(at, v, true);
}

/** Reads one element of `dtype` at byte `at`, little-endian. */
function getElement(view: DataView, dtype: DType, at: number): number {
  if (dtype === "float64") return view.getFloat64(at, true);
  return dtype === "int32" ? view.getInt32(at, true) : view.getFloat32(at, true);
}

/** A tensor as {@link EncodedTensor}. @internal */
export function encodeTensor(t: Tensor): EncodedTensor {
  const width = WIDTH[t.dtype];
  const bytes = new Uint8Array(t.size * width);
  const view = new DataView(bytes.buffer);
  // Written element by element through a DataView so the file is little-endian on every host.
  t.data.forEach((v, i) => setElement(view, t.dtype, i * width, v));
  return { dtype: t.dtype, shape: [...t.shape], data: Buffer.from(bytes).toString("base64") };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads one {@link EncodedTensor}, refusing an unknown dtype, a malformed shape or a byte count that does
 * not match the shape with a `ValueError` naming `where` (the file and the entry). @internal
 */
export function decodeTensor(where: string, value: unknown): Tensor {
  const fail = (message: string): never => {
    throw new ValueError("loadCheckpoint", `${where}: ${message}`);
  };
  if (!isRecord(value)) return fail(`expected { dtype, shape, data }, got ${JSON.stringify(value)?.slice(0, 80)}`);
  const { dtype, shape, data } = value;
  if (dtype !== "float32" && dtype !== "float64" && dtype !== "int32") return fail(`unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return fail(`shape must be non-negative integers, got ${JSON.stringify(shape)}`);
  if (typeof data !== "string") return fail(`data must be a base64 string`);
  const bytes = Buffer.from(data, "base64");
  const width = WIDTH[dtype];
  const size = (shape as number[]).reduce((n, d) => n * d, 1);
  if (bytes.length !== size * width) return fail(`shape [${shape.join(",")}] of ${dtype} needs ${size * width} bytes, the entry holds ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = dtype === "float64" ? new Float64Array(size) : dtype === "int32" ? new Int32Array(size) : new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = getElement(view, dtype, i * width);
  return tensor(values, { shape: shape as number[] });
}
