export { exportOnnx, SUPPORTED_OPSETS } from "./exportOnnx.js";
export type { ExportableModule, ExportOnnxOptions } from "./exportOnnx.js";
export { importOnnx, IMPORT_OPSETS } from "./importOnnx.js";
export type { ImportedOnnx } from "./importOnnx.js";
