export { exportOnnx, SUPPORTED_OPSETS } from "./exportOnnx.js";
export type { ExportableModule, ExportOnnxOptions } from "./exportOnnx.js";
