// pcapng timestamp units (if_tsresol) to microseconds. Nanosecond stamps since 1970 exceed 2^53, so the 64-bit
// count (hi:lo) is never formed as one number: 2^32 is split into quotient and remainder of the divisor first.

const TWO_32 = 4294967296;
/** if_tsresol: high bit set = negative power of 2, clear = negative power of 10 (pcapng spec §4.2). */
const TSRESOL_BINARY = 0x80;
/** Default if_tsresol: 10^-6 s. */
export const DEFAULT_TSRESOL = 6;

const KIND_MICRO = 0;
const KIND_DIVIDE = 1;
const KIND_MULTIPLY = 2;
const KIND_SCALE = 3;

export class TimestampUnit {
  private readonly kind: number;
  private readonly factor: number;
  private readonly q: number;
  private readonly r: number;
  /** True when the unit is finer than a microsecond. */
  readonly subMicro: boolean;

  constructor(
    tsresol: number,
    private readonly offsetUs = 0,
  ) {
    if ((tsresol & TSRESOL_BINARY) !== 0) {
      const e = tsresol & 0x7f;
      this.kind = KIND_SCALE;
      this.factor = 1e6 / 2 ** e;
      this.subMicro = e > 19;
    } else if (tsresol === 6) {
      this.kind = KIND_MICRO;
      this.factor = 1;
      this.subMicro = false;
    } else if (tsresol < 6) {
      this.kind = KIND_MULTIPLY;
      this.factor = 10 ** (6 - tsresol);
      this.subMicro = false;
    } else if (tsresol <= 12) {
      // hi * 2^32 / d = hi * q + hi * r / d, with hi * r < 2^32 * 10^6: exact in a double.
      this.kind = KIND_DIVIDE;
      this.factor = 10 ** (tsresol - 6);
      this.subMicro = true;
    } else {
      this.kind = KIND_SCALE;
      this.factor = 10 ** (6 - tsresol);
      this.subMicro = true;
    }
    this.q = Math.floor(TWO_32 / this.factor);
    this.r = TWO_32 - this.q * this.factor;
  }

  /** Microseconds since the epoch (rounded down) for the 64-bit count hi:lo in this unit. */
  toMicros(hi: number, lo: number): number {
    switch (this.kind) {
      case KIND_MICRO:
        return hi * TWO_32 + lo + this.offsetUs;
      case KIND_DIVIDE:
        return hi * this.q + Math.floor((hi * this.r + lo) / this.factor) + this.offsetUs;
      case KIND_MULTIPLY:
        return (hi * TWO_32 + lo) * this.factor + this.offsetUs;
      default:
        return Math.floor((hi * TWO_32 + lo) * this.factor) + this.offsetUs;
    }
  }
}
