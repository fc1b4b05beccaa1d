/**
 * The params of the core primitives that the ONNX mappings read, as the primitives record them. Kept
 * here as plain shapes of data, because a traced node carries its params untyped.
 */
export interface Window {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [readonly [number, number], readonly [number, number]];
  readonly dilation: readonly [number, number];
}
export interface Im2colParams extends Window {
  readonly padValue: number;
}
export interface Conv2dParams extends Window {
  readonly groups: number;
}
export interface ReduceParams {
  readonly axes: readonly number[] | undefined;
  readonly keepDims: boolean;
}
export interface ArgReduceParams {
  readonly axis: number | null;
  readonly keepDims: boolean;
}
export interface MatmulParams {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}
export interface SliceParams {
  readonly begin: readonly number[];
  readonly size: readonly number[];
}
export interface PadParams {
  readonly before: readonly number[];
  readonly after: readonly number[];
}
