/**
 * The IP side of the simulated world: the simulated modem hands every datagram it transmits to a server and
 * delivers the server's replies back over the radio while the device's receive window is open.
 */
export interface DatagramServer {
  /** A datagram arrived from the device at `atMs` (sim time). Returns the datagrams the server sends back. */
  receive(bytes: Uint8Array, atMs: number): Uint8Array[];
}
