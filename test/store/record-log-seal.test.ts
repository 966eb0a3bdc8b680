/**
 * A cut inside the first copy a reclaim writes into the last free page seals that page (the torn frame's length
 * cannot be trusted) with no free page left. The boot must not then reclaim into no room, dropping the alarms the
 * reclaim was moving: it retires the sealed page (it holds only copies) and the next append reclaims again.
 * Found by the power-cut campaign (sim/faults) on a day out of coverage on a 4-page partition.
 */
import { describe, expect, it } from "vitest";
import { RecordLog } from "../../firmware/store/record-log";
import { PowerCutError, SimFlash } from "../../sim/devices/flash-sim";
import { Rng } from "../../sim/world/rng";
import { makeRecord } from "./records";

const MIX = ["position", "temperature", "alarm", "temperature", "position", "door", "temperature", "heartbeat"] as const;

/** A 4 × 512 B log filled until the next append opens the last free page and copies priority records into it. */
function fullLog(): { flash: SimFlash; n: number } {
  for (let count = 10; count < 80; count++) {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash);
    for (let n = 0; n < count; n++) log.append(makeRecord(n, MIX[n % MIX.length]));
    const probe = RecordLog.open(flash.clone());
    const before = probe.stats();
    probe.append(makeRecord(count, "temperature"));
    if (probe.stats().relocated > before.relocated) return { flash, n: count };
  }
  throw new Error("no base state found");
}

describe("record log: a cut tearing a reclaim's copy into the last free page", () => {
  it("keeps every alarm and door record, at every byte of the append", () => {
    const base = fullLog();
    const priority = (log: RecordLog) => log.peek(1 << 30).filter((r) => r.kind === "alarm" || r.kind === "door").map((r) => r.seq);
    const want = priority(RecordLog.open(base.flash.clone()));
    expect(want.length).toBeGreaterThan(2);
    let cuts = 0;
    for (let k = 0; ; k++) {
      const flash = base.flash.clone();
      const log = RecordLog.open(flash);
      flash.armCut(k, new Rng(k));
      try {
        log.append(makeRecord(base.n, "temperature"));
        break;
      } catch (e) {
        if (!(e instanceof PowerCutError)) throw e;
      }
      flash.powerOn();
      cuts++;
      const after = RecordLog.open(flash);
      expect(priority(after), `cut at byte ${k}`).toEqual(want);
      expect(after.stats().dropped.alarm + after.stats().dropped.door, `cut at byte ${k}`).toBe(0);
      // and the log goes on: the next append reclaims with room and still keeps them
      after.append(makeRecord(base.n + 1, "position"));
      expect(priority(RecordLog.open(flash)), `cut at byte ${k}, then an append`).toEqual(want);
    }
    expect(cuts).toBeGreaterThan(512);
  });
});
