/**
 * The record log's raw partition (manifest partitions.csv: "records"). ESP32 NOR flash already has the
 * contract's semantics: erase sets a 4 KB sector to 0xFF, programming only clears bits.
 */
import Flash from "flash";
import type { RecordFlash } from "../ports";

export class PartitionFlash implements RecordFlash {
  private readonly flash: Flash;
  readonly pageSize: number;
  readonly pageCount: number;

  constructor(partition: string) {
    this.flash = new Flash(partition);
    this.pageSize = this.flash.blockSize;
    this.pageCount = Math.floor(this.flash.byteLength / this.pageSize);
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    if (length === 0) return new Uint8Array(0);
    return new Uint8Array(this.flash.read(offset, length) as ArrayBuffer);
  }

  write(offset: number, bytes: Uint8Array): void {
    this.check(offset, bytes.length);
    if (bytes.length > 0) this.flash.write(offset, bytes.length, bytes);
  }

  erase(page: number): void {
    if (!Number.isInteger(page) || page < 0 || page >= this.pageCount) throw new RangeError(`no flash page ${page}`);
    this.flash.erase(page);
  }

  // Out-of-range access is a record-log bug, not an expected failure.
  private check(offset: number, length: number): void {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.pageSize * this.pageCount))
      throw new RangeError(`flash access ${offset}+${length} outside the partition`);
  }
}
