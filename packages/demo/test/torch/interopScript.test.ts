import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("../..", import.meta.url));

describe("interop:torch where PyTorch is missing", () => {
  it.each([
    ["an interpreter that is not there", "/nonexistent/python3", "/nonexistent/python3 is not there"],
    ["an interpreter without torch", process.execPath, "cannot import torch"], // node, asked to run Python, fails like a Python without torch
  ])("%s: says why it skips and exits 0", (_, python, why) => {
    const run = spawnSync("npx", ["tsx", "--conditions=source", "scripts/torchInterop.ts"], {
      cwd: pkg, encoding: "utf8", env: { ...process.env, TAPEGRAD_TORCH_PYTHON: python },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^interop:torch skipped: /m);
    expect(run.stdout).toContain(why);
    expect(run.stdout).toContain("apt-get install -y python3-torch");
  });
});
