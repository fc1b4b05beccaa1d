import { describe, expect, it } from "vitest";
import { fixed, scientific } from "../src/decimal.js";

describe("fixed and scientific write numbers as Python's format()", () => {
  // Expected strings are Python 3's '{:.Nf}' / '{:.Ne}' of the same doubles.
  it.each([
    [0.03125, 4, "0.0312", "3.1250e-02"],
    [2.5, 0, "2", "2e+00"],
    [-2.5, 0, "-2", "-2e+00"],
    [-0, 4, "-0.0000", "-0.0000e+00"],
    [9.99996, 4, "10.0000", "1.0000e+01"],
    [-0.00012, 4, "-0.0001", "-1.2000e-04"],
    [5e-324, 4, "0.0000", "4.9407e-324"],
    [99999.5, 0, "100000", "1e+05"],
    [NaN, 4, "nan", "nan"],
    [-Infinity, 4, "-inf", "-inf"],
  ])("%s to %i digits", (x, digits, fixedText, scientificText) => {
    expect(fixed(x, digits)).toBe(fixedText);
    expect(scientific(x, digits)).toBe(scientificText);
  });
});
