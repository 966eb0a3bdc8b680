// An epoch closes on its own last sentence once two epochs in a row ended alike (nmea-epoch.ts), instead of on the
// next epoch's first sentence or the receiver driver's quiet-line deadline: the fix is known while the receiver is
// still on. Real receivers' logs (gpsd regression logs, ../shared/vectors/nmea, see its README) decode the same
// either way; a change of shape falls back to the old ends until two epochs agree again.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { GnssFix } from "../../firmware/gnss/gnss-fix";
import { GnssParser } from "../../firmware/gnss/gnss-parser";
import { nmeaLine } from "../../firmware/gnss/nmea-sentence";

function lines(path: string): string[] {
  const text = readFileSync(new URL(`../../../shared/vectors/${path}`, import.meta.url), "latin1");
  return text.split("\n").filter((l) => l.startsWith("$")).map((l) => l.trim() + "\r\n");
}

/** Streams lines one by one; for every fix, the index of the line whose arrival produced it. */
function stream(input: string[]): { fix: GnssFix; at: number }[] {
  const out: { fix: GnssFix; at: number }[] = [];
  let at = 0;
  const p = new GnssParser({ fix: (fix) => out.push({ fix, at }) });
  for (at = 0; at < input.length; at++) p.push(new TextEncoder().encode(input[at]));
  at = input.length;
  p.flush();
  return out;
}

/** hhmmss.sss of a time-bearing sentence. */
const TIME = /^\$..(?:GGA|RMC|GLL|ZDA),(\d{6}\.\d+)/;
const enc = new TextEncoder();

describe("epoch shape", () => {
  for (const log of ["nmea/quectel-l76k-nmea.log", "nmea/ublox-neo-m9n-nmea.log"]) {
    it(`${log}: an epoch's fix comes with a sentence of its own, not with the next epoch's first`, () => {
      const input = lines(log);
      const out = stream(input);
      let own = 0;
      for (const { fix, at } of out) {
        const m = at < input.length ? TIME.exec(input[at]) : null;
        // The line that produced the fix carries no time, or the fix's own.
        if (at < input.length && (m === null || Number(m[1]) === Number(fix.timeOfDay.replace(/:/g, "")))) own++;
      }
      expect(out.length).toBeGreaterThan(50);
      // All but the first epochs, which teach the shape, and those around a change of shape.
      expect(own / out.length).toBeGreaterThan(0.9);
    });
  }

  it("a line every 10th epoch after the last one changes nothing; a new sentence in the shape is unlearned", () => {
    const epoch = (s: number, extra: string[] = []) => [
      nmeaLine(`GNGGA,0000${String(s).padStart(2, "0")}.000,3943.6080,N,11620.4720,E,1,12,1.0,40.0,M,-8.0,M,,`),
      nmeaLine("GNGSA,A,3,01,02,03,04,,,,,,,,,1.6,1.0,1.3,1"),
      nmeaLine("GNGSA,A,3,11,12,13,14,,,,,,,,,1.6,1.0,1.3,4"),
      nmeaLine(`GNRMC,0000${String(s).padStart(2, "0")}.000,A,3943.6080,N,11620.4720,E,0.00,0.00,010726,,,A,V`),
      ...extra,
    ];
    const fixes: string[] = [];
    const p = new GnssParser({ fix: (f) => fixes.push(f.timeOfDay) });
    const feed = (ls: string[]) => ls.forEach((l) => p.push(enc.encode(l)));
    // The first two epochs close only when the next one starts (no quiet deadline here)...
    feed(epoch(0));
    expect(fixes).toEqual([]);
    feed(epoch(1));
    expect(fixes).toEqual(["00:00:00.000"]);
    // ...and both ended on their one RMC: from epoch 2 on the RMC closes the epoch at once.
    feed(epoch(2));
    expect(fixes).toEqual(["00:00:00.000", "00:00:01.000", "00:00:02.000"]);
    feed(epoch(3));
    expect(fixes.at(-1)).toBe("00:00:03.000");
    // An antenna line after the RMC changes nothing: the epoch was out already.
    feed(epoch(4, [nmeaLine("GPTXT,01,01,01,ANTENNA OK")]));
    expect(fixes.at(-1)).toBe("00:00:04.000");
    feed(epoch(5));
    expect(fixes.at(-1)).toBe("00:00:05.000");
    // The receiver now adds a ZDA after the RMC: it carries the time of an epoch already out, so the shape is
    // forgotten and the next epochs wait for their end again (the ZDA makes an epoch of its own, as a quiet-line
    // deadline falling mid-epoch would).
    const zda = (s: number) => nmeaLine(`GNZDA,0000${String(s).padStart(2, "0")}.000,01,07,2026,00,00`);
    feed(epoch(6, [zda(6)]));
    expect(fixes.at(-1)).toBe("00:00:06.000");
    const before = fixes.length;
    feed(epoch(7, [zda(7)]));
    expect(fixes.slice(before)).toEqual(["00:00:06.000"]); // the ZDA-only epoch, closed by the next GGA
    // The ZDA-only epoch and epoch 7 both ended on one ZDA: from epoch 8 on the ZDA closes the epoch.
    feed(epoch(8, [zda(8)]));
    expect(fixes.slice(before)).toEqual(["00:00:06.000", "00:00:07.000", "00:00:08.000"]);
    p.flush();
    expect(fixes.filter((f) => f === "00:00:08.000")).toHaveLength(1);
  });

  it("a stream that never closes an epoch keeps a bounded trail", () => {
    const p = new GnssParser({});
    const gsv = nmeaLine("GPGSV,1,1,01,01,40,083,30");
    for (let i = 0; i < 10_000; i++) p.push(enc.encode(gsv));
    const trail = (p as unknown as { epochs: { trail: string[] } }).epochs.trail;
    expect(trail.length).toBeLessThanOrEqual(64);
  });
});
