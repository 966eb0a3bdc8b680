/**
 * Moddable's onewire module (modules/drivers/onewire), absent from @moddable/typings 5.6.0. Mirrors the SDK's own
 * onewire.d.ts, which is the one mcconfig uses, so code checked here compiles there.
 */
declare module "onewire" {
  class OneWire {
    constructor(dictionary: Record<string, any>);
    close(): void;
    read(count: number): number | Uint8Array;
    write(data: number | Uint8Array): void;
    select(device: Uint8Array): void;
    search(): Uint8Array[];
    isPresent(id: Uint8Array): boolean;
    reset(): boolean;
    static crc(buffer: Uint8Array): number;
    static hex(buffer: Uint8Array): string;
  }
  export default OneWire;
}
