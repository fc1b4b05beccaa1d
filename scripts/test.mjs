// Runs every test with vitest, then prints the plain closing line `N passed, N failed` (vitest's own summary
// is styled for terminals). Exits with vitest's status.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";

const report = ".vitest-report.json";
rmSync(report, { force: true });
const run = spawnSync("vitest", ["run", "--reporter=default", "--reporter=json", `--outputFile=${report}`, ...process.argv.slice(2)], {
  stdio: "inherit",
  shell: process.platform === "win32",
});
try {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, "utf8"));
  console.log(`\nvitest: ${numPassedTests} passed, ${numFailedTests} failed${numPendingTests ? `, ${numPendingTests} skipped` : ""}`);
} catch {
  console.log("\nvitest: no report was written");
}
process.exit(run.status ?? 1);
