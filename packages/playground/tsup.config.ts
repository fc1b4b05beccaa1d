import { join } from "node:path";
import { defineConfig, type Options } from "tsup";

/**
 * The page's bundle: one ES module for the browser with the workspace packages compiled in from their
 * TypeScript sources, next to the static files of `public/`. `node:` imports are left unresolved rather
 * than failing the build (the data sets package's file loaders use them); nothing the page uses reaches
 * them, so tree shaking drops them, and the end-to-end test checks that the bundle holds none.
 * `root` is this package's folder and `outDir` where the page goes (tests bundle into a folder of their own).
 */
export function bundleOptions(root = ".", outDir = join(root, "dist")): Options {
  return {
    entry: { app: join(root, "src/app/main.ts") },
    outDir,
    publicDir: join(root, "public"),
    format: ["esm"],
    platform: "browser",
    target: "es2022",
    noExternal: [/^@tapegrad\//],
    external: [/^node:/],
    splitting: false,
    sourcemap: true,
    clean: true,
    dts: false,
    esbuildOptions(o) {
      o.conditions = ["source", "module", "browser"];
    },
  };
}

export default defineConfig(bundleOptions());
