/**
 * Shared-memory regions: every piece of model state lives in typed-array views over one
 * buffer per object (spec §2), so the same state can sit on a SharedArrayBuffer and be
 * read by pCPU workers. Fields are plain indices into the views, declared with a builder.
 */

export interface Region {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** 64-bit fields (registers, counts). */
  readonly u64: BigUint64Array;
  /** 32-bit fields (flags, ids, lock words, request bits); Atomics-capable. */
  readonly i32: Int32Array;
}

/** Declares fields in order; `u64(n)` / `i32(n)` return the first index of an n-word field. */
export class LayoutBuilder {
  private u64Words = 0;
  private i32Words = 0;

  u64(words = 1): number {
    const at = this.u64Words;
    this.u64Words += words;
    return at;
  }

  i32(words = 1): number {
    const at = this.i32Words;
    this.i32Words += words;
    return at;
  }

  /** Freezes the layout; `allocate` makes a zeroed region of it. */
  build(): Layout {
    return new Layout(this.u64Words, this.i32Words);
  }
}

export class Layout {
  constructor(
    readonly u64Words: number,
    readonly i32Words: number,
  ) {}

  get byteLength(): number {
    return this.u64Words * 8 + this.i32Words * 4;
  }

  /** `shared` puts the region on a SharedArrayBuffer (for pCPU workers). */
  allocate(shared = false): Region {
    const buffer = shared ? new SharedArrayBuffer(this.byteLength) : new ArrayBuffer(this.byteLength);
    return this.view(buffer);
  }

  /** Bytes this region takes in a buffer shared with others: the next one starts 8-aligned. */
  get paddedLength(): number {
    return (this.byteLength + 7) & ~7;
  }

  /**
   * Views over an existing buffer (e.g. one received by a worker), from `byteOffset` (a
   * multiple of 8) when several regions share the buffer.
   */
  view(buffer: ArrayBuffer | SharedArrayBuffer, byteOffset = 0): Region {
    if (byteOffset % 8 !== 0) throw new RangeError(`region offset ${byteOffset} is not 8-byte aligned`);
    if (buffer.byteLength < byteOffset + this.byteLength) {
      throw new RangeError(`region needs ${this.byteLength} bytes at ${byteOffset}, buffer has ${buffer.byteLength}`);
    }
    return {
      buffer,
      u64: new BigUint64Array(buffer, byteOffset, this.u64Words),
      i32: new Int32Array(buffer, byteOffset + this.u64Words * 8, this.i32Words),
    };
  }
}
