import { defineConfig } from "vitest/config";

// Tests run against each package's `src/` through the "source" export condition, so no build is needed.
export default defineConfig({
  ssr: { resolve: { conditions: ["source", "module", "node", "development|production"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "docs/**/*.test.ts", "test-support/**/*.test.ts"],
    testTimeout: 60_000,
    // Fixes fast-check's seed for every property and fuzz test (TAPEGRAD_FUZZ_SEED replays another).
    setupFiles: ["test-support/fuzzSetup.ts"],
  },
});
