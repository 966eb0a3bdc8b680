/**
 * Desktop-simulator stand-in for Moddable's "flash" module, which has no Linux build: a RAM partition with NOR
 * semantics (erase to 0xFF, writes only clear bits), so the record log behaves as on the device within one run.
 */
const BLOCK = 4096;
const BLOCKS = 256;

export default class Flash {
  private readonly bytes = new Uint8Array(BLOCK * BLOCKS).fill(0xff);
  readonly blockSize = BLOCK;
  readonly byteLength = BLOCK * BLOCKS;

  constructor(readonly partition: string) {}

  erase(sector: number): void {
    this.range(sector * BLOCK, BLOCK);
    this.bytes.fill(0xff, sector * BLOCK, (sector + 1) * BLOCK);
  }

  read(offset: number, byteLength: number): ArrayBuffer {
    this.range(offset, byteLength);
    return this.bytes.slice(offset, offset + byteLength).buffer;
  }

  write(offset: number, byteLength: number, buffer: ArrayBuffer | Uint8Array): void {
    this.range(offset, byteLength);
    const src = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
    for (let i = 0; i < byteLength; i++) this.bytes[offset + i] &= src[i];
  }

  private range(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.byteLength)) throw new RangeError("outside partition");
  }
}
