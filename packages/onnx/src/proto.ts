import { create } from "@bufbuild/protobuf";
import { tensor, ValueError, type DType, type Tensor } from "@tapegrad/core";
import {
  AttributeProto_AttributeType as AttributeType,
  AttributeProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType as DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from "onnx-buf";

/** A node attribute: an int, a float, a list of ints, a string or a tensor. */
export type Attribute = { readonly i: number } | { readonly f: number } | { readonly ints: readonly number[] } | { readonly s: string } | { readonly t: TensorProto };

/** One dimension as the graph declares it: a size, or a name left symbolic (the batch), or unknown (null). */
export type DeclaredDim = number | string | null;

const dataTypes: Record<DType, DataType> = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32 };

/** The ONNX element type of a tapegrad dtype. */
export function onnxDataType(dtype: DType): DataType {
  return dataTypes[dtype];
}

/** The tapegrad dtype of an ONNX element type (int64 is read as int32, bool as float32 0/1), or null. */
export function tapegradDType(type: number): DType | null {
  switch (type) {
    case DataType.FLOAT: return "float32";
    case DataType.DOUBLE: return "float64";
    case DataType.INT32: case DataType.INT64: return "int32";
    default: return null;
  }
}

/** A tensor's values as an ONNX initializer (little-endian raw data, as ONNX asks). */
export function tensorProto(name: string, t: Tensor): TensorProto {
  const data = t.data;
  return create(TensorProtoSchema, {
    name,
    dims: t.shape.map(BigInt),
    dataType: onnxDataType(t.dtype),
    rawData: copyBytes(data),
  });
}

/** The bytes of a typed array, copied (its buffer may be shared with worker threads). */
function copyBytes(data: ArrayBufferView): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return bytes;
}

/** A 1-D int64 initializer (shapes, axes, pads). */
export function int64Proto(name: string, values: readonly number[]): TensorProto {
  const data = BigInt64Array.from(values.map(BigInt));
  return create(TensorProtoSchema, { name, dims: [BigInt(values.length)], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) });
}

function attribute(name: string, value: Attribute): AttributeProto {
  if ("i" in value) return create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(value.i) });
  if ("f" in value) return create(AttributeProtoSchema, { name, type: AttributeType.FLOAT, f: value.f });
  if ("ints" in value) return create(AttributeProtoSchema, { name, type: AttributeType.INTS, ints: value.ints.map(BigInt) });
  if ("s" in value) return create(AttributeProtoSchema, { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.s) });
  return create(AttributeProtoSchema, { name, type: AttributeType.TENSOR, t: value.t });
}

/** A node of the standard (empty) domain. */
export function nodeProto(opType: string, name: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, Attribute>>): NodeProto {
  return create(NodeProtoSchema, {
    opType,
    name,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
  });
}

/** A graph input's or output's declaration: its name, element type and (possibly symbolic) shape. */
export function valueInfo(name: string, dtype: DType, dims: readonly DeclaredDim[]): ValueInfoProto {
  const dim = dims.map((d) =>
    create(TensorShapeProto_DimensionSchema, {
      value: typeof d === "number" ? { case: "dimValue", value: BigInt(d) } : typeof d === "string" ? { case: "dimParam", value: d } : { case: undefined },
    }),
  );
  const tensorType = create(TypeProto_TensorSchema, { elemType: onnxDataType(dtype), shape: create(TensorShapeProtoSchema, { dim }) });
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: "tensorType", value: tensorType } }) });
}

/** The values of an initializer or Constant tensor as a tapegrad tensor (int64 read as int32). */
export function tensorFromProto(p: TensorProto, where: string): Tensor {
  const dtype = tapegradDType(p.dataType);
  const shape = p.dims.map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  if (dtype === null) throw new ValueError("importOnnx", `${where}: tensor element type ${DataType[p.dataType] ?? p.dataType} is not supported (float, double, int32, int64)`);
  if (p.dataLocation === 1) throw new ValueError("importOnnx", `${where}: tensor data stored outside the file is not supported`);
  const raw = p.rawData;
  let values: ArrayLike<number>;
  if (raw.length > 0) {
    const bytes = raw.slice().buffer;
    const perElement = p.dataType === DataType.FLOAT || p.dataType === DataType.INT32 ? 4 : 8;
    if (raw.length !== size * perElement) throw new ValueError("importOnnx", `${where}: raw data of ${raw.length} bytes does not fit shape [${shape.join(",")}]`);
    values =
      p.dataType === DataType.FLOAT ? new Float32Array(bytes)
      : p.dataType === DataType.DOUBLE ? new Float64Array(bytes)
      : p.dataType === DataType.INT32 ? new Int32Array(bytes)
      : Array.from(new BigInt64Array(bytes), Number);
  } else {
    values =
      p.dataType === DataType.FLOAT ? p.floatData
      : p.dataType === DataType.DOUBLE ? p.doubleData
      : p.dataType === DataType.INT64 ? p.int64Data.map(Number)
      : p.int32Data;
    if (values.length !== size) throw new ValueError("importOnnx", `${where}: ${values.length} values do not fit shape [${shape.join(",")}]`);
  }
  return tensor(storageOf(dtype, values), { shape, dtype });
}

function storageOf(dtype: DType, values: ArrayLike<number>): Float32Array | Float64Array | Int32Array {
  return dtype === "float32" ? Float32Array.from(values) : dtype === "float64" ? Float64Array.from(values) : Int32Array.from(values);
}
