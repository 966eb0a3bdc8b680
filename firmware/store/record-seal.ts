/**
 * What the record log asks of an at-rest sealer (firmware/security/record-sealer.ts implements it with the storage
 * key). The log hands it each record body with where the body is written: seq, the page's sequence number and
 * the frame's offset in that page. A page sequence is used by exactly one page opening and frames are only ever
 * appended, so (page sequence, offset) is never written twice — a nonce that stays unique through torn writes and
 * power cuts with no counter of its own. A record moved by reclaim is opened and sealed again at its new place.
 *
 * The first two body bytes (codec version and kind) stay readable: the boot scan and reclaim sort records by kind
 * without the key. `overhead` is what sealing adds to a body.
 */
export interface RecordSealer {
  readonly overhead: number;
  seal(body: Uint8Array, seq: number, pageSeq: number, offset: number): Uint8Array;
  /** The plain body, or undefined when the bytes are not what this key sealed there. */
  open(body: Uint8Array, seq: number, pageSeq: number, offset: number): Uint8Array | undefined;
}
