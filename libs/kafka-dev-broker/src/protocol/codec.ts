/**
 * Big-endian primitives of the Kafka wire protocol (https://kafka.apache.org/protocol#protocol_types).
 * Only the classic (non-flexible) encodings are needed, plus the few compact/varint forms that ApiVersions v3 uses.
 */

/** A request that cannot be decoded. The connection that sent it is closed: no response format can carry the error. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const TWO_32 = 4294967296;

export class Reader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.end) {
      throw new ProtocolError(`truncated request: need ${n} bytes at ${this.pos}, have ${this.end - this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  /** int64 as a JS number: exact for every offset, timestamp and count a broker can meet (< 2^53). */
  int64(): number {
    const at = this.take(8);
    return this.buf.readInt32BE(at) * TWO_32 + this.buf.readUInt32BE(at + 4);
  }

  /** int64 kept exact, for producer ids chosen by clients. */
  int64Big(): bigint {
    return this.buf.readBigInt64BE(this.take(8));
  }

  boolean(): boolean {
    return this.buf[this.take(1)] !== 0;
  }

  /** STRING; a null (-1) where the schema forbids it is read as "" rather than failing the whole request. */
  string(): string {
    return this.nullableString() ?? '';
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length < 0) {
      if (length !== -1) throw new ProtocolError(`invalid string length ${length}`);
      return null;
    }
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  /** BYTES as a view into the request buffer (no copy). */
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) {
      if (length !== -1) throw new ProtocolError(`invalid bytes length ${length}`);
      return null;
    }
    const at = this.take(length);
    return this.buf.subarray(at, at + length);
  }

  /**
   * ARRAY of elements that each take at least `minElementBytes`: the count is checked against what is left in the
   * frame before anything is allocated, so a forged count cannot make the broker loop or allocate.
   */
  array<T>(readElement: (reader: Reader) => T, minElementBytes = 1): T[] {
    return this.nullableArray(readElement, minElementBytes) ?? [];
  }

  nullableArray<T>(readElement: (reader: Reader) => T, minElementBytes = 1): T[] | null {
    const count = this.int32();
    if (count < 0) {
      if (count !== -1) throw new ProtocolError(`invalid array length ${count}`);
      return null;
    }
    this.checkCount(count, minElementBytes);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(readElement(this));
    return out;
  }

  private checkCount(count: number, minElementBytes: number): void {
    if (count * Math.max(1, minElementBytes) > this.remaining) {
      throw new ProtocolError(`array of ${count} elements cannot fit in ${this.remaining} bytes`);
    }
  }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf[this.take(1)]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new ProtocolError('unsigned varint longer than 5 bytes');
  }

  compactNullableString(): string | null {
    const lengthPlusOne = this.unsignedVarint();
    if (lengthPlusOne === 0) return null;
    const at = this.take(lengthPlusOne - 1);
    return this.buf.toString('utf8', at, at + lengthPlusOne - 1);
  }

  /** Skips a tagged-fields section (flexible versions): none of the tags are meaningful to this broker. */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    this.checkCount(count, 2);
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.take(this.unsignedVarint());
    }
  }
}

/**
 * Builds a response as a list of buffers: small fields are written into a growing scratch buffer, large byte
 * ranges (fetched record batches) are appended by reference, so stored data is never copied into a response.
 */
export class Writer {
  private readonly parts: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private flushedBytes = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.flushedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(value: number): this {
    this.ensure(1);
    this.buf.writeInt8(value, this.pos);
    this.pos += 1;
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(value, this.pos);
    this.pos += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(value, this.pos);
    this.pos += 4;
    return this;
  }

  int64(value: number | bigint): this {
    this.ensure(8);
    if (typeof value === 'bigint') {
      this.buf.writeBigInt64BE(value, this.pos);
    } else {
      const high = Math.floor(value / TWO_32);
      this.buf.writeInt32BE(high, this.pos);
      this.buf.writeUInt32BE(value - high * TWO_32, this.pos + 4);
    }
    this.pos += 8;
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value);
    this.int16(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
    return this;
  }

  bytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  array<T>(items: readonly T[] | null, writeElement: (writer: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) writeElement(this, item);
    return this;
  }

  unsignedVarint(value: number): this {
    this.ensure(5);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Appends bytes; anything larger than a few KB is kept by reference instead of being copied. */
  raw(value: Buffer): this {
    if (value.length > 4096) {
      this.flush();
      this.parts.push(value);
      this.flushedBytes += value.length;
      return this;
    }
    this.ensure(value.length);
    value.copy(this.buf, this.pos);
    this.pos += value.length;
    return this;
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.parts.push(this.buf.subarray(0, this.pos));
    this.flushedBytes += this.pos;
    this.buf = Buffer.allocUnsafe(256);
    this.pos = 0;
  }

  /** The written bytes, in order, as one or more buffers. */
  toBuffers(): Buffer[] {
    this.flush();
    return this.parts;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.toBuffers());
  }
}
