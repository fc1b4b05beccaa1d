import { describe, expect, it } from "vitest";
import { FlagError, helpText, parseFlags } from "./flags.js";
import { main } from "./main.js";

/** A sink that keeps what is written to it. */
const sink = () => {
  const chunks: string[] = [];
  return { chunks, write: (s: string) => void chunks.push(s), text: () => chunks.join("") };
};

describe("parseFlags", () => {
  it("gives each task its own defaults when no flag is passed", () => {
    const f = parseFlags([]);
    expect(f).toMatchObject({ help: false, dataset: "all", activation: "relu", optimizer: "adam", schedule: "constant", batchSize: 32, seed: 0, out: "out" });
    expect([f.hidden, f.lr, f.epochs]).toEqual([undefined, undefined, undefined]);
  });

  it("reads --name value and --name=value, and skips the -- that pnpm passes through", () => {
    const f = parseFlags(["--", "--dataset", "spirals", "--hidden=8,4,2", "--activation", "tanh", "--optimizer=sgd", "--lr", "0.05",
      "--schedule", "cosine", "--epochs", "3", "--batch-size", "16", "--seed", "7", "--out", "/tmp/x"]);
    expect(f).toMatchObject({ dataset: "spirals", hidden: [8, 4, 2], activation: "tanh", optimizer: "sgd", lr: 0.05, schedule: "cosine", epochs: 3, batchSize: 16, seed: 7, out: "/tmp/x" });
    expect(parseFlags(["-h"]).help).toBe(true);
    expect(parseFlags(["--help"]).help).toBe(true);
  });

  it.each([
    [["--dataset", "mnist"], `--dataset must be one of all, moons, circles, spirals, xor, blobs, digits, diabetes (got "mnist")`],
    [["--hidden", "16,0"], `--hidden must be an integer >= 1 (got "0")`],
    [["--hidden", "16,"], `--hidden must be an integer >= 1 (got "")`],
    [["--lr", "-1"], `--lr must be a number > 0 (got "-1")`],
    [["--lr", "fast"], `--lr must be a number > 0 (got "fast")`],
    [["--epochs", "2.5"], `--epochs must be an integer >= 1 (got "2.5")`],
    [["--batch-size", "0"], `--batch-size must be an integer >= 1 (got "0")`],
    [["--seed"], `--seed needs a value`],
    [["--activation", "gelu"], `--activation must be one of relu, sigmoid, tanh, leakyRelu (got "gelu")`],
    [["--epoch", "3"], `unknown option "--epoch"`],
    [["digits"], `unknown option "digits"`],
  ])("rejects %j naming the flag and the value", (argv, message) => {
    expect(() => parseFlags(argv)).toThrow(FlagError);
    expect(() => parseFlags(argv)).toThrow(message);
  });
});

describe("main's answer to flags", () => {
  it("prints a one-line error and the help on stderr for a bad flag, with exit code 2 and no stack trace", () => {
    const [out, err] = [sink(), sink()];
    expect(main(["--optimizer", "lbfgs"], { stdout: out, stderr: err, cwd: "/tmp" })).toBe(2);
    const [first, blank, ...rest] = err.text().split("\n");
    expect(first).toBe(`error: --optimizer must be one of sgd, rmsprop, adadelta, adam, adamw, adabelief (got "lbfgs")`);
    expect(blank).toBe("");
    expect(rest.join("\n").trimEnd()).toBe(helpText);
    expect(err.text()).not.toMatch(/^\s+at /m);
    expect(out.text()).toBe("");
  });

  it("prints the help on stdout for --help and trains nothing", () => {
    const [out, err] = [sink(), sink()];
    expect(main(["--help"], { stdout: out, stderr: err, cwd: "/tmp" })).toBe(0);
    expect(out.text()).toBe(`${helpText}\n`);
    expect(err.text()).toBe("");
  });
});
