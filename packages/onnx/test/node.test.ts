import { ValueError, zeros, type Tensor } from "@tapegrad/core";
import { mlp } from "@tapegrad/nn";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exportOnnx, importOnnx } from "../src/index.js";
import { writeOnnx } from "../src/node.js";

const dirs: string[] = [];
const folder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "tapegrad-onnx-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("writeOnnx", () => {
  it("writes exportOnnx's bytes to the file and returns their count", async () => {
    const path = join(folder(), "mlp.onnx");
    const net = mlp([3, 4, 2]);
    const written = await writeOnnx(path, net, [zeros([1, 3])]);
    const bytes = new Uint8Array(readFileSync(path));
    expect(written).toBe(bytes.length);
    expect(Buffer.compare(bytes, exportOnnx(net, [zeros([1, 3])]))).toBe(0);
    expect(importOnnx(bytes).inputNames).toEqual(["input"]);
  });

  it("leaves the old file whole and nothing half-written when the export fails", async () => {
    const dir = folder();
    const path = join(dir, "model.onnx");
    await writeOnnx(path, mlp([3, 2]), [zeros([1, 3])]);
    const before = readFileSync(path);
    await expect(writeOnnx(path, (x: Tensor) => x.mean(0), [zeros([2, 3])], { dynamicAxes: { 0: [0] } })).rejects.toThrow(ValueError);
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir)).toEqual(["model.onnx"]);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });
});
