// The NVS copy of the short-message ledger: written only on change, checked on load, and moved into the clock's
// frame after a power cut so that no window (card interval, the day's cap) ends sooner than it really does.
import { describe, expect, it } from "vitest";
import { loadDurable, RDSS_LEDGER_SETTING, storeDurable } from "../../firmware/app/rdss-durable";
import { ledgerToday, RDSS_DAY_MS } from "../../firmware/rdss/fallback-policy";
import { SimSettings } from "../../sim/devices/settings-sim";

const H = 3_600_000;

function counting(): { s: SimSettings; writes: () => number } {
  const s = new SimSettings();
  let n = 0;
  const set = s.set.bind(s);
  s.set = (k: string, v: string) => {
    n++;
    set(k, v);
  };
  return { s, writes: () => n };
}

describe("rdss ledger in NVS", () => {
  const d = { ledger: { day: 1, usedJ: 60.04, sent: [3, 7, 12, 12] }, lastSendMs: 30 * H, nextSendMs: 30 * H + 300_000, posAt: 29 * H };

  it("writes only when the values change, not when only the time does", () => {
    const { s, writes } = counting();
    storeDurable(s, d, 30 * H);
    storeDurable(s, d, 31 * H);
    expect(writes()).toBe(1);
    storeDurable(s, { ...d, ledger: { ...d.ledger, usedJ: 80 } }, 32 * H);
    expect(writes()).toBe(2);
    expect(s.get(RDSS_LEDGER_SETTING)!.length).toBeLessThan(4000);
  });

  it("on a clock that ran on, gives back the values as stored (energy rounded up to 0.1 J)", () => {
    const s = new SimSettings();
    storeDurable(s, d, 30 * H);
    const back = loadDurable(s, 31 * H)!;
    expect(back).toEqual({ ...d, ledger: { ...d.ledger, usedJ: 60.1 } });
  });

  it("on a clock restarted from zero, no time comes sooner than at the write", () => {
    const s = new SimSettings();
    storeDurable(s, d, 30 * H + 60_000);
    const now = 5_000; // 5 s after power-on
    const back = loadDurable(s, now)!;
    expect(back.nextSendMs! - now).toBe(d.nextSendMs - (30 * H + 60_000)); // the interval's rest, not less
    expect(back.lastSendMs! - now).toBe(d.lastSendMs - (30 * H + 60_000));
    // The day (24 h to 48 h) had 18 h left at the write; the ledger keeps its energy at least that long.
    const left = 48 * H - (30 * H + 60_000);
    expect(ledgerToday(back.ledger, now + left - 1).usedJ).toBe(60.1);
    expect(ledgerToday(back.ledger, now).sent).toEqual(d.ledger.sent);
    expect((back.ledger.day + 1) * RDSS_DAY_MS).toBeGreaterThanOrEqual(now + left);
  });

  it("after the day's window is over, the energy starts afresh and the sent seqs stay", () => {
    const s = new SimSettings();
    storeDurable(s, d, 30 * H);
    const back = loadDurable(s, 50 * H)!;
    expect(back.ledger).toEqual({ day: 2, usedJ: 0, sent: d.ledger.sent });
  });

  it("forgets a value that does not check out", () => {
    const s = new SimSettings();
    for (const bad of ["", "x@1", '{"day":1}@5', '{"day":1,"usedJ":-3,"sent":[]}@5', '{"day":1,"usedJ":3,"sent":[]}', "null@4"]) {
      s.set(RDSS_LEDGER_SETTING, bad);
      expect(loadDurable(s, 10)).toBeUndefined();
    }
    s.set(RDSS_LEDGER_SETTING, '{"day":0,"usedJ":3,"sent":[5,2]}@5'); // ranges out of order: forgotten, not misread
    expect(loadDurable(s, 10)!.ledger.sent).toEqual([]);
  });
});
