/**
 * tfjs-backend-wasm 4.22.0 registers `Conv2D` and `Conv2DBackpropInput` but not `Conv2DBackpropFilter`,
 * so training any convolution on it fails with "Kernel 'Conv2DBackpropFilter' not registered for backend
 * 'wasm'". It does register the 3-D filter gradient, `Conv3DBackpropFilterV2` (compiled C++ in its
 * WebAssembly module): this module registers the 2-D filter gradient as that kernel over a depth of 1
 * (reshapes share the data, as the backend's own `Reshape` kernel does), so that tfjs on wasm can train
 * a CNN with its own compiled kernels only. Limited to what the benchmarks use: NHWC, unit dilation,
 * "same"/"valid" padding.
 */
import { tf } from "./tfjs.js";

const [FILTER_2D, FILTER_3D, RESHAPE] = ["Conv2DBackpropFilter", "Conv3DBackpropFilterV2", "Reshape"] as const;

/** The attributes tfjs passes to `Conv2DBackpropFilter` (tfjs-core's Conv2DBackpropFilterAttrs). */
interface FilterGradAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | unknown;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: string;
  filterShape: [number, number, number, number];
}

/** Registers the kernel once (tfjs throws on a second registration); a no-op where wasm has its own. */
export function registerWasmConv2dFilterGrad(): void {
  if (tf.getKernel(FILTER_2D, "wasm") !== undefined) return;
  const filter3d = tf.getKernel(FILTER_3D, "wasm")?.kernelFunc;
  const reshape = tf.getKernel(RESHAPE, "wasm")?.kernelFunc;
  if (filter3d === undefined || reshape === undefined) throw new Error(`tfjs wasm: no ${FILTER_3D} or ${RESHAPE} kernel to build ${FILTER_2D} from`);
  tf.registerKernel({
    kernelName: FILTER_2D,
    backendName: "wasm",
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as FilterGradAttrs;
      if (a.dataFormat !== "NHWC" || (a.pad !== "same" && a.pad !== "valid") || a.dimRoundingMode !== undefined) {
        throw new Error(`${FILTER_2D} on wasm (via ${FILTER_3D}): only NHWC with "same" or "valid" padding`);
      }
      const strides = typeof a.strides === "number" ? [a.strides, a.strides] : a.strides;
      const depth1 = (t: tf.TensorInfo): tf.TensorInfo => reshape({ inputs: { x: t }, attrs: { shape: [t.shape[0]!, 1, ...t.shape.slice(1)] }, backend }) as tf.TensorInfo;
      const [x5, dy5] = [depth1(x), depth1(dy)];
      const dw5 = filter3d({ inputs: { x: x5, dy: dy5 }, attrs: { strides: [1, ...strides], pad: a.pad, filterShape: [1, ...a.filterShape] }, backend }) as tf.TensorInfo;
      const dw = reshape({ inputs: { x: dw5 }, attrs: { shape: a.filterShape }, backend }) as tf.TensorInfo;
      for (const t of [x5, dy5, dw5]) (backend as tf.KernelBackend).disposeData(t.dataId);
      return dw;
    },
  });
}
