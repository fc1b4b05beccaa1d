// `pnpm fuzz`: runs every property and fuzz test (the test files that import fast-check) from a fresh seed,
// with TAPEGRAD_FUZZ_FACTOR (default 20) times each property's runs, and prints each round's seed so that a
// failure can be replayed. `--rounds N` runs N rounds, each from its own seed; TAPEGRAD_FUZZ_SEED replays
// one round. The plain `pnpm test` runs the same properties from a fixed seed (test-support/fuzz.ts).
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const roundsAt = args.indexOf("--rounds");
const rounds = roundsAt === -1 ? 1 : Number(args[roundsAt + 1]);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`fuzz: --rounds must be an integer >= 1 (got ${args[roundsAt + 1]})`);
const fixedSeed = process.env.TAPEGRAD_FUZZ_SEED || undefined;
if (fixedSeed !== undefined && rounds > 1) throw new Error("fuzz: TAPEGRAD_FUZZ_SEED replays one round; leave out --rounds");
const factor = process.env.TAPEGRAD_FUZZ_FACTOR || "20";

// The folders vitest.config.ts includes, skipping installed packages.
const roots = [...readdirSync("packages").flatMap((p) => ["src", "test"].map((d) => join("packages", p, d))), "docs"];
const files = roots
  .flatMap((root) => {
    try {
      return readdirSync(root, { recursive: true }).map((f) => join(root, String(f)));
    } catch {
      return [];
    }
  })
  .filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules") && /from "fast-check"/.test(readFileSync(f, "utf8")))
  .sort();

const results = [];
for (let round = 1; round <= rounds; round++) {
  // fast-check's seeds are 32-bit integers.
  const seed = fixedSeed ?? String(randomInt(2 ** 31));
  console.log(`\nfuzz round ${round}/${rounds}: TAPEGRAD_FUZZ_SEED=${seed} TAPEGRAD_FUZZ_FACTOR=${factor}, ${files.length} files`);
  const started = Date.now();
  // Each property runs `factor` times longer than under `pnpm test`, so the per-test time limit grows with it.
  const run = spawnSync("node", ["scripts/test.mjs", `--testTimeout=${60_000 * Number(factor)}`, ...files], {
    stdio: "inherit",
    env: { ...process.env, TAPEGRAD_FUZZ_SEED: seed, TAPEGRAD_FUZZ_FACTOR: factor },
  });
  results.push({ round, seed, ok: run.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log("\nfuzz summary (replay a round with TAPEGRAD_FUZZ_SEED=<seed> TAPEGRAD_FUZZ_FACTOR=" + factor + " npx -y pnpm@12.21.0 fuzz):");
for (const r of results) console.log(`  round ${r.round}: seed ${r.seed}: ${r.ok ? "passed" : "FAILED"} in ${r.seconds} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
