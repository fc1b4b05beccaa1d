import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { primitives, type AnyOpRule, type OpRule, type Tensor } from "@tapegrad/core";

const opsDir = fileURLToPath(new URL("../src/ops/", import.meta.url));
/** Files in ops/ that hold helpers rather than primitives. */
const helpers = new Set(["define.ts", "rule.ts", "index.ts", "registry.ts", "reduceParams.ts", "args.ts", "windows.ts"]);

const isRule = (v: unknown): v is AnyOpRule =>
  typeof v === "object" && v !== null && typeof (v as AnyOpRule).name === "string" && typeof (v as AnyOpRule).forward === "function";

const registered: readonly AnyOpRule[] = primitives;

describe("the op registry", () => {
  it("lists every primitive defined in an op file, and nothing else", async () => {
    const files = readdirSync(opsDir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !helpers.has(f));
    const found: AnyOpRule[] = [];
    for (const file of files) {
      const module = (await import(/* @vite-ignore */ `../src/ops/${file}`)) as Record<string, unknown>;
      const rules = Object.values(module).filter(isRule);
      expect(rules.length, `${file} defines no primitive`).toBeGreaterThan(0);
      found.push(...rules);
    }
    const listed = new Set<AnyOpRule>(registered);
    for (const rule of found) expect(listed.has(rule), `${rule.name} is not in the registry`).toBe(true);
    expect(new Set(found).size).toBe(primitives.length);
  });

  it("gives every primitive a unique name, a VJP and a JVP unless it is constant", () => {
    expect(new Set(primitives.map((r) => r.name)).size).toBe(primitives.length);
    for (const rule of registered) {
      expect(Boolean(rule.constant) || (typeof rule.jvp === "function" && typeof rule.vjp === "function"), rule.name).toBe(true);
    }
  });

  it("gives every primitive a batching rule, so vmap and jacfwd never fall back to the loop over examples for one", () => {
    // A primitive may be listed here only with the reason it has to run once per example. None has to today.
    const loop: Record<string, string> = {};
    for (const rule of registered) {
      if (rule.name in loop) expect(rule.batching, `${rule.name} is listed as looping: ${loop[rule.name]}`).toBeUndefined();
      else expect(rule.batching, `${rule.name} has no batching rule`).toBeDefined();
    }
  });

  it("states each op's arity, and the type checker refuses an op without both rules or with the wrong arity", () => {
    for (const rule of registered) expect(rule.arity === "variadic" || (Number.isInteger(rule.arity) && rule.arity >= 1), rule.name).toBe(true);
    const common = { name: "cube", shape: ({ inputs: [x] }: { inputs: [Tensor] }) => x.shape, forward: () => new Float32Array(0), cost: () => 0, test: {} };
    // Each @ts-expect-error fails `pnpm typecheck` if the record ever stops refusing the mistake below it.
    // @ts-expect-error: a differentiable op needs a JVP rule too
    const noJvp: OpRule<[Tensor]> = { ...common, arity: 1, vjp: ({ ct }) => [ct] };
    // @ts-expect-error: and a VJP rule
    const noVjp: OpRule<[Tensor]> = { ...common, arity: 1, jvp: ({ tangents: [dx] }) => dx };
    // @ts-expect-error: the arity must be the length of the inputs' tuple
    const wrongArity: OpRule<[Tensor]> = { ...common, arity: 2, constant: true };
    const constant: OpRule<[Tensor]> = { ...common, arity: 1, constant: true };
    expect([noJvp, noVjp, wrongArity, constant].map((r) => r.name)).toEqual(["cube", "cube", "cube", "cube"]);
  });
});
