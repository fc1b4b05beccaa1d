// Proves the published packages as a user gets them, not as the workspace sees them: packs each one
// (after `build`), installs the tarballs with npm into a fresh folder outside the workspace, offline, and
// from there loads them by ESM import, CommonJS require() and ESM with --conditions=source, and
// type-checks a small consumer with moduleResolution nodenext. The runtime checks (gradient, a matmul
// shared with a worker thread, an epoch on the digits) are in consumer/checks.cjs.
// Usage: node scripts/consumer-check.mjs (from anywhere). Exits 1 with the failing step and its output.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const PNPM = ["npx", "-y", "pnpm@12.21.0"]; // the pin of the README and .ci/run
const typescript = join(root, "node_modules/typescript"); // the workspace's own TypeScript

// Published = not private. Read from the manifests, so a new package is checked without editing this.
const published = readdirSync(join(root, "packages"))
  .map((dir) => join(root, "packages", dir))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => !manifest.private);

// Run under pnpm, children would inherit npm_config_* settings (npm_config_local_prefix among them,
// which makes npm install into the workspace): each child gets the environment without them.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^p?npm_/i.test(key)));

class StepError extends Error {
  constructor(message, output = "") {
    super(message);
    this.output = output;
  }
}

/** Runs a command to completion; throws with its output when it fails. Returns its stdout. */
function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8" });
  if (r.status !== 0) {
    const why = r.error?.message ?? (r.signal ? `was killed by ${r.signal}` : `exited with ${r.status}`);
    throw new StepError(`\`${[command, ...args].join(" ")}\` (in ${cwd}) ${why}`, `${r.stdout ?? ""}${r.stderr ?? ""}`);
  }
  return r.stdout.trim();
}

const since = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;
/** Runs one named step and prints it with what it found and how long it took. */
function step(name, body) {
  const t = performance.now();
  let detail;
  try {
    detail = body();
  } catch (error) {
    error.message = `${name}: ${error.message}`;
    throw error;
  }
  console.log(`  ok  ${name}${detail ? ` — ${detail}` : ""} (${since(t)})`);
}

/** Every file path a manifest's exports, main and types name (exports: any nesting of conditions). */
function targets(manifest) {
  const walk = (value) => (typeof value === "string" ? [value] : Object.values(value ?? {}).flatMap(walk));
  return [...walk(manifest.exports), manifest.main, manifest.types].filter((path) => typeof path === "string");
}

/** Where a package `name` that the package in `from` depends on is installed (pnpm's layout or npm's). */
function installedDependency(from, name) {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
  }
  throw new StepError(`${name}, a dependency of ${from}, is not installed (run pnpm install)`);
}

/**
 * The folders of the third-party runtime dependencies of the published packages (@tapegrad/onnx's
 * protobuf runtime and ONNX schema), and theirs, as the workspace installed them: packed beside the
 * packages' tarballs, so that npm installs everything offline.
 */
function thirdPartyDependencies() {
  const found = new Map();
  const visit = (dir, manifest) => {
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (name.startsWith("@tapegrad/") || found.has(name)) continue;
      const at = installedDependency(dir, name);
      found.set(name, at);
      visit(at, JSON.parse(readFileSync(join(at, "package.json"), "utf8")));
    }
  };
  for (const { dir, manifest } of published) visit(dir, manifest);
  return found;
}

const tmp = mkdtempSync(join(tmpdir(), "tapegrad-consumer-"));
const [tarballs, app] = [join(tmp, "tarballs"), join(tmp, "app")];
// spawnSync holds signals until the child ends; then this handler still removes the folder.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (rmSync(tmp, { recursive: true, force: true }), process.exit(130)));
const start = performance.now();
console.log(`consumer check of ${published.map((p) => p.manifest.name).join(", ")} in ${tmp}`);
try {
  step("pack", () => {
    run(PNPM[0], [...PNPM.slice(1), "-r", ...published.flatMap((p) => ["--filter", p.manifest.name]), "pack", "--pack-destination", tarballs], root);
    const packed = readdirSync(tarballs).filter((f) => f.endsWith(".tgz"));
    if (packed.length !== published.length) throw new StepError(`expected ${published.length} tarballs, got ${packed.join(", ") || "none"}`);
    const thirdParty = thirdPartyDependencies();
    for (const [name, dir] of thirdParty) {
      // npm packs a folder inside node_modules wrongly ("Exit handler never called"): pack a copy.
      const copy = join(tmp, "dependencies", name);
      cpSync(dir, copy, { recursive: true, filter: (path) => !path.slice(dir.length).includes("node_modules") });
      run("npm", ["pack", "--pack-destination", tarballs, "--ignore-scripts", "--offline"], copy);
    }
    return `${packed.join(", ")}; their dependencies ${[...thirdParty.keys()].join(", ") || "none"}`;
  });

  step("install the tarballs with npm, offline", () => {
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "tapegrad-consumer", private: true }));
    cpSync(join(root, "scripts/consumer"), app, { recursive: true });
    // --offline: nothing may come from the registry. The packages' runtime dependencies are each other and
    // the third-party ones packed beside them, so a dependency missing from the tarballs (or a workspace:
    // range left in) fails here.
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", ...files], app);
  });

  step("packed manifests name only packed files", () => {
    let count = 0;
    for (const { manifest } of published) {
      const installed = join(app, "node_modules", manifest.name);
      const packed = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
      for (const path of targets(packed)) {
        if (!existsSync(join(installed, path))) {
          throw new StepError(`${manifest.name} names ${path} (exports, main or types), which is not in its tarball (built? in "files"?)`);
        }
        count += 1;
      }
    }
    return `${count} paths in exports, main and types`;
  });

  for (const [name, args] of [
    ["ESM import", ["esm.mjs"]],
    ["CommonJS require()", ["cjs.cjs"]],
    ["ESM import with --conditions=source", ["--conditions=source", "esm.mjs"]],
  ]) {
    step(name, () => run(process.execPath, args, app));
  }

  step("type-check a consumer (module nodenext, ESM and CommonJS)", () => {
    run(process.execPath, [join(typescript, "bin/tsc"), "-p", app], app);
    return `TypeScript ${JSON.parse(readFileSync(join(typescript, "package.json"), "utf8")).version}, no @types, no skipLibCheck`;
  });
  console.log(`consumer check passed in ${since(start)}`);
} catch (error) {
  console.error(`\nconsumer check FAILED at ${error.message}`);
  if (error.output) console.error(error.output.trimEnd());
  if (!(error instanceof StepError)) console.error(error.stack);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
