// Loads every installed package the way an ESM user does (plain Node, no bundler). The consumer check
// also runs it with --conditions=source, which a published manifest must not point at missing files.
import * as core from "@tapegrad/core";
import * as coreNode from "@tapegrad/core/node";
import * as nn from "@tapegrad/nn";
import * as optim from "@tapegrad/optim";
import * as datasets from "@tapegrad/datasets";
import * as onnx from "@tapegrad/onnx";
import * as train from "@tapegrad/train";
import check from "./checks.cjs";

const how = ["ESM import", ...process.execArgv].join(" ");
await check(how, { core, coreNode, nn, optim, datasets, onnx, train });
