// Fuzz: random bytes and mutated real sentences (gpsd L76K log, ntpsec/gpsd @46977faa) must never throw and
// never grow the line buffer past its bound.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GnssParser } from "../../firmware/gnss/gnss-parser";
import { parseSentence } from "../../firmware/gnss/nmea-sentence";
import { nmeaReport } from "../../sim/report/nmea-report";
import { Rng } from "../../sim/world/rng";

const log = new Uint8Array(readFileSync(new URL("../../../shared/vectors/nmea/quectel-l76k-nmea.log", import.meta.url)));
const lines = new TextDecoder("latin1").decode(log).split("\n").filter((l) => l.startsWith("$"));

describe("parser fuzz", () => {
  it("100,000 random and mutated inputs: no exception, bounded buffer, rejections counted", () => {
    const rng = new Rng(2026);
    let fixes = 0;
    const p = new GnssParser({ fix: () => fixes++ });
    const chars = "$*,.0123456789ABCDEFNSEWGPBDGNRMCGGA\r\n\xba\xce\xb5\x62";
    for (let i = 0; i < 100000; i++) {
      let input: Uint8Array;
      const k = i % 4;
      if (k === 0) {
        input = new Uint8Array(rng.int(1, 64));
        for (let j = 0; j < input.length; j++) input[j] = rng.int(0, 255);
      } else {
        let s = lines[rng.int(0, lines.length - 1)];
        const edits = rng.int(1, 4);
        for (let e = 0; e < edits; e++) {
          const at = rng.int(0, s.length);
          const c = chars[rng.int(0, chars.length - 1)];
          const op = rng.int(0, 3);
          if (op === 0) s = s.slice(0, at) + c + s.slice(at + 1);
          else if (op === 1) s = s.slice(0, at) + c + s.slice(at);
          else if (op === 2) s = s.slice(0, at) + s.slice(at + 1);
          else s = s + s.slice(0, rng.int(0, 200));
        }
        if (k === 3) parseSentence(s); // also straight into the sentence parser
        input = new Uint8Array(s.length + 2);
        for (let j = 0; j < s.length; j++) input[j] = s.charCodeAt(j) & 0xff;
        input.set([13, 10], s.length);
      }
      p.push(input);
      expect(p.pending).toBeLessThanOrEqual(120);
    }
    const c = p.counters;
    expect(c.checksum).toBeGreaterThan(1000);
    expect(c.junkBytes).toBeGreaterThan(1000);
    expect(c.overlong + c.truncated).toBeGreaterThan(100);
    expect(c.sentences).toBeGreaterThan(1000);
    expect(fixes).toBeGreaterThan(100);
  });

  it("nmeaReport survives a random byte soup", () => {
    const rng = new Rng(5);
    const soup = new Uint8Array(200000);
    for (let i = 0; i < soup.length; i++) soup[i] = rng.chance(0.5) ? log[i % log.length] : rng.int(0, 255);
    expect(() => nmeaReport(soup)).not.toThrow();
  });
});
