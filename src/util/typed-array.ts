// Growing a typed-array column: the old contents copied to the start of a bigger array of the same type.

export function grownInto<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
