/**
 * Bytes waiting for a UART's transmit FIFO. Moddable's ESP32 Serial writes straight into the 128-byte hardware
 * FIFO and throws when a write does not fit, so writes are cut to the free space it last reported (onWritable)
 * and the rest waits here. Pure, so it is tested on Node.
 */
export class TxQueue {
  private readonly chunks: Uint8Array[] = [];
  private head = 0; // bytes of chunks[0] already sent
  private free = 0;

  constructor(private readonly send: (bytes: Uint8Array) => void) {}

  get pending(): number {
    let n = 0;
    for (const c of this.chunks) n += c.length;
    return n - this.head;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes.slice());
    this.drain();
  }

  /** The FIFO reported `count` free bytes. */
  writable(count: number): void {
    this.free = count;
    this.drain();
  }

  clear(): void {
    this.chunks.length = 0;
    this.head = 0;
  }

  private drain(): void {
    while (this.free > 0 && this.chunks.length > 0) {
      const chunk = this.chunks[0];
      const n = Math.min(this.free, chunk.length - this.head);
      this.send(chunk.subarray(this.head, this.head + n));
      this.free -= n;
      this.head += n;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
  }
}
