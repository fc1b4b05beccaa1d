// Imports every built package the way an ESM user does (plain Node, no source condition, no bundler), so a
// broken `exports` map or build fails CI.
import * as core from "@tapegrad/core";
import * as nn from "@tapegrad/nn";
import * as optim from "@tapegrad/optim";
import * as datasets from "@tapegrad/datasets";
import check from "./smoke-checks.cjs";

check("ESM import", core, { nn, optim, datasets });
