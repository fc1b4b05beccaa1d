# The reference strings of packages/core/test/format.test.ts: PyTorch's repr of the same tensors, as JSON,
# with the suffix names translated to tapegrad's spelling (see src/format.ts). Needs torch (Debian: python3-torch).
# Rows come out in the order of the test's table.
import json, math, torch

nan, inf = math.nan, math.inf
t = torch.tensor
cases = {
    "integers": t([[1, 2], [3, 4]], dtype=torch.float32),
    "fractions": t([[0.5, 12.25, -3.125], [100.75, 0.25, 7]]),
    "tie": t([0.03125, 0.5, 1.0]),
    "zeros": t([0.0, -0.0, 0.0]),
    "negatives": t([-1, -2.5, 3]),
    "scientific": t([1e-5, 1, 1e8]),
    "smallest": t([0.5, 0.00005]),
    "bigIntegers": t([1e9, 1.0]),
    "wideIntegers": t([1.0, 5000.0]),
    "nonFinite": t([nan, inf, -inf, 1, 2]),
    "nonFiniteFractions": t([nan, -inf, 1.5]),
    "allNan": t([nan, nan]),
    "scalar": t(3.0),
    "scalarFraction": t(3.14159),
    "scalarFloat64": t(-0.5, dtype=torch.float64),
    "scalarBig": t(1e10),
    "empty": t([]),
    "empty03": torch.zeros(0, 3),
    "empty20": torch.zeros(2, 0),
    "emptyFloat64": t([], dtype=torch.float64),
    "int32": t([1, 2], dtype=torch.int32),
    "int32Aligned": t([[-1, 20], [300, 4]], dtype=torch.int32),
    "int32Scalar": t(7, dtype=torch.int32),
    "int32Empty": t([], dtype=torch.int32),
    "int32Summarised": torch.arange(2000, dtype=torch.int32),
    "int32Extremes": t([-2147483648, 0], dtype=torch.int32),
    "int32ThreeD": torch.arange(24, dtype=torch.int32).reshape(2, 3, 4)[:, :2],
    "oneD": t([1.25, 2.5, -3.75]),
    "threeD": torch.arange(24.0).reshape(2, 3, 4),
    "fourD": torch.arange(8.0).reshape(2, 1, 2, 2),
    "wrapped": t([(i * 37 % 101 - 50) / 8 for i in range(30)]),
    "long": torch.arange(2000.0),
    "longHalves": torch.arange(1001.0) / 2,
    "bigMatrix": t([[float((i * 40 + j) % 7 - 3) for j in range(40)] for i in range(40)]),
    "huge": torch.arange(1e6).reshape(1000, 1000),
    "float64": t([1 / 3, 2], dtype=torch.float64),
    "float64Wrapped": t([(i * 37 % 101 - 50) / 8 for i in range(8)], dtype=torch.float64),
}
x = t([[1.0, 2.0], [3.0, 4.5]], requires_grad=True)
cases["leaf"] = x
cases["taped"] = x * x
cases["scalarLeaf"] = t(2.0, requires_grad=True)

def printed_with(tensor, **options):
    torch.set_printoptions(**options)
    try:
        return repr(tensor)
    finally:
        torch.set_printoptions(profile="default")

out = {k: repr(v) for k, v in cases.items()}
out["precision2"] = printed_with(t([1 / 3, 2.0]), precision=2)
out["threshold5"] = printed_with(torch.arange(10.0), threshold=5, edgeitems=2)
out["edge1"] = printed_with(torch.arange(100.0).reshape(10, 10), threshold=5, edgeitems=1)
out["narrow"] = printed_with(torch.arange(10.0), linewidth=30)
out["noSci"] = printed_with(t([1e-5, 1.0]), sci_mode=False)
out["sci"] = printed_with(t([1.5, 2.0]), sci_mode=True)

rename = [("dtype=torch.float64", "dtype=float64"), ("dtype=torch.int32", "dtype=int32"), ("requires_grad=True", "requiresGrad=true"),
          ("grad_fn=<MulBackward0>", "gradFn=<mul>"), ("size=(0, 3)", "shape=[0, 3]"), ("size=(2, 0)", "shape=[2, 0]")]
for k, v in out.items():
    for a, b in rename:
        v = v.replace(a, b)
    out[k] = v
print(json.dumps(torch.__version__.split("+")[0]))
print(json.dumps(out, indent=1))
