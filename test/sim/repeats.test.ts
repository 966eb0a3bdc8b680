/**
 * A record that reaches the platform twice by the same route is a duplicate, a delivery fault — unless a power cut,
 * a modem hang or reboot came while the first copy was on the air (AIR_MS) or its ack on its way (ACK_FLIGHT_MS):
 * then the firmware could not know the platform had it and sent it again (at-least-once; the platform dedupes by
 * seq), as the fault campaigns count acks in flight. A copy by short message and again over NB-IoT is by design.
 */
import { describe, expect, it } from "vitest";
import { ACK_FLIGHT_MS, AIR_MS, countRepeats } from "../../sim/report/observe";
import type { Arrival } from "../../sim/world/fleet-server";

const a = (atMs: number, seq: number, via: Arrival["via"] = "jt808"): Arrival => ({ atMs, seq, via, kind: "temperature", copy: 1 });

describe("repeats at the platform", () => {
  it("a second copy after a cut during the ack's flight is resent, not a duplicate", () => {
    const arrivals = [a(1000, 1), a(1000, 2), a(9000, 1), a(9000, 2)];
    expect(countRepeats(arrivals, [1000 + ACK_FLIGHT_MS - 1])).toEqual({ duplicates: 0, resent: 2, crossRoute: 0 });
  });

  it("a fault while the first copy was on the air counts too: it landed though the supply went", () => {
    const arrivals = [a(5000, 1), a(9000, 1)];
    expect(countRepeats(arrivals, [5000 - AIR_MS + 1])).toEqual({ duplicates: 0, resent: 1, crossRoute: 0 });
  });

  it("a cut after the ack had time to land, or well before, or none at all, leaves the second copy a duplicate", () => {
    const arrivals = [a(5000, 1), a(9000, 1)];
    expect(countRepeats(arrivals, [5000 + ACK_FLIGHT_MS + 1])).toEqual({ duplicates: 1, resent: 0, crossRoute: 0 });
    expect(countRepeats(arrivals, [5000 - AIR_MS - 1])).toEqual({ duplicates: 1, resent: 0, crossRoute: 0 });
    expect(countRepeats(arrivals, [])).toEqual({ duplicates: 1, resent: 0, crossRoute: 0 });
  });

  it("a short message and then NB-IoT is a copy by design", () => {
    const arrivals = [a(1000, 1, "rdss"), a(5000, 1), a(6000, 1)];
    expect(countRepeats(arrivals, [])).toEqual({ duplicates: 1, resent: 0, crossRoute: 1 });
  });
});
