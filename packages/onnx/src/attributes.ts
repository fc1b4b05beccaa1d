import { ValueError, type Tensor } from "@tapegrad/core";
import { AttributeProto_AttributeType as AttributeType, type NodeProto } from "onnx-buf";
import { tensorFromProto } from "./proto.js";

/** Reads a node's attributes by name, with defaults, refusing one of the wrong type by the node's name. */
export class Attributes {
  constructor(private readonly node: NodeProto, private readonly where: string) {}

  #get(name: string, type: AttributeType) {
    const a = this.node.attribute.find((x) => x.name === name);
    if (a === undefined) return undefined;
    if (a.type !== type) throw new ValueError("importOnnx", `${this.where}: attribute ${name} is ${AttributeType[a.type]}, expected ${AttributeType[type]}`);
    return a;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.#get(name, AttributeType.INT);
    return a === undefined ? fallback : Number(a.i);
  }

  float(name: string, fallback: number): number {
    const a = this.#get(name, AttributeType.FLOAT);
    return a === undefined ? fallback : a.f;
  }

  ints(name: string): number[] | undefined {
    return this.#get(name, AttributeType.INTS)?.ints.map(Number);
  }

  string(name: string, fallback: string): string {
    const a = this.#get(name, AttributeType.STRING);
    return a === undefined ? fallback : new TextDecoder().decode(a.s);
  }

  tensor(name: string): Tensor | undefined {
    const t = this.#get(name, AttributeType.TENSOR)?.t;
    return t === undefined ? undefined : tensorFromProto(t, `${this.where}, attribute ${name}`);
  }

  /** The attributes this node has that `known` does not list (refused rather than silently ignored). */
  unknown(known: readonly string[]): string[] {
    return this.node.attribute.map((a) => a.name).filter((n) => !known.includes(n));
  }
}
