// The benchmark's decision addresses: the i-th address of 100.64.0.0/10, away from every address of the lab.
export const addressOf = (i: number): string => `100.${64 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}`;
