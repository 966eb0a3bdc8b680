// Vectors: ../shared/vectors/rdss/sentences.txt, checksum-verified RDSS sentences from public 2.1 and 4.0 drivers
// (each line names its source; one is marked BAD on purpose). Extra 4.0 samples below are quoted from public
// drivers' comments (find_string ids 39955465810, 6209215003, 57446169393, 44420369667), checksums verified here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ascii } from "../../firmware/core/bytes";
import { cardFromSentence } from "../../firmware/rdss/card-limits";
import { feedbackReason, feedbackSentence, FEEDBACK_REASONS } from "../../firmware/rdss/feedback";
import { RdssLineFramer } from "../../firmware/rdss/line-framer";
import { encodeSentence, newSentenceCounters, parseSentence, verifyLine, type RdssSentence } from "../../firmware/rdss/sentences";
import { Rng } from "../../sim/world/rng";

interface Vector {
  ok: boolean;
  line: string;
  note: string;
}

function vectors(): Vector[] {
  const text = readFileSync(new URL("../../../shared/vectors/rdss/sentences.txt", import.meta.url), "utf8");
  const out: Vector[] = [];
  for (const raw of text.split("\n")) {
    const m = /^(OK|BAD)\s+(\S+)(.*)$/.exec(raw.trim());
    if (m) out.push({ ok: m[1] === "OK", line: m[2], note: m[3] });
  }
  return out;
}

const EXTRA_40 = [
  "$BDPWI,000000.00,00,01,51,40,33,0*7B", // id 39955465810
  "$BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0*42", // id 6209215003
  "$BDICP,4238473,0,0,3,0,N,2,N,1,0,0,3,1,60,2,0,0,0,0,21,0,0,0*48", // id 57446169393
  "$BDICP,4216930,0,0,3,0,N,2,N,1,0,0,3,1,60,2,0,0,1,1,21,0,0,0*4E", // id 44420369667
  "$BDICP,15240507,2032472,1,3,0,N,1,Y,1,0,0,3,1,1,5,1,1,2,2,500,100,10,10*65", // id 39955465810
];

function parse(line: string): RdssSentence {
  const c = newSentenceCounters();
  const s = parseSentence(line, c);
  expect(s, line).toBeDefined();
  return s!;
}

describe("shared RDSS vectors", () => {
  const all = vectors();

  it("has the file's 27 sentences, one of them BAD", () => {
    expect(all.length).toBe(27);
    expect(all.filter((v) => !v.ok).length).toBe(1);
  });

  it("accepts every OK sentence and re-encodes it byte for byte", () => {
    // Only the no-card ICI prints its interval as "9999.0"; we write numbers without a trailing ".0".
    const rewritten = new Set(["$BDICI,2097151,00000000,2097151,0,9999.0,0,N,0*25"]);
    for (const v of all.filter((x) => x.ok).concat(EXTRA_40.map((line) => ({ ok: true, line, note: "" })))) {
      const c = newSentenceCounters();
      const s = parseSentence(v.line, c);
      expect(c.badChecksum + c.malformed, v.line).toBe(0);
      expect(s, v.line).toBeDefined();
      if (!rewritten.has(v.line)) expect(encodeSentence(s!)).toBe(v.line);
    }
  });

  it("rejects the BAD sentence as a checksum failure and computes the right sum", () => {
    const bad = all.find((v) => !v.ok)!;
    const c = newSentenceCounters();
    expect(parseSentence(bad.line, c)).toBeUndefined();
    expect(c).toEqual({ parsed: 0, badChecksum: 1, malformed: 0, unknown: 0 });
    const v = verifyLine(bad.line);
    expect("verdict" in v && v.computed).toBe(Number.parseInt(/computed ([0-9A-F]{2})/.exec(bad.note)![1], 16));
  });

  it("counts sentences this firmware does not use as unknown, not as errors", () => {
    const c = newSentenceCounters();
    for (const line of ["$CCICI,0,00*73", "$CCDWA,0000000,V,1,L,,0,,,0*65", "$CCBSS,05,03*44"]) parseSentence(line, c);
    expect(c).toEqual({ parsed: 0, badChecksum: 0, malformed: 0, unknown: 3 });
  });
});

describe("decoded fields", () => {
  it("reads 2.1 card info and its capacity", () => {
    const s = parse("$BDICI,0166166,02097151,0000011,6,40,3,N,000*33");
    expect(s).toMatchObject({ type: "BDICI", id: "0166166", intervalS: 40, level: 3 });
    expect(cardFromSentence(s, "2.1")).toEqual({ id: "0166166", intervalS: 40, level: 3, capacityBits: 628, version: "2.1" });
    expect(cardFromSentence(parse("$BDICI,4207733,0,0,3,60,2,N,22*3A"), "2.1")?.capacityBits).toBe(408);
    expect(cardFromSentence(parse("$BDICI,2097151,00000000,2097151,0,9999.0,0,N,0*25"), "2.1")).toBeUndefined();
  });

  it("reads 4.0 card info: interval in field 14, level in 15 (0 = level 5)", () => {
    const s = parse("$BDICP,4238473,0,0,3,0,N,2,N,1,0,0,3,1,60,2,0,0,0,0,21,0,0,0*48");
    expect(cardFromSentence(s, "4.0")).toEqual({ id: "4238473", intervalS: 60, level: 2, capacityBits: 14000, version: "4.0" });
    expect(cardFromSentence(s, "4.0", 2000)?.capacityBits).toBe(2000);
    expect(parse("$BDICP,15240507,2032472,1,3,0,N,1,Y,1,0,0,3,1,1,5,1,1,2,2,500,100,10,10*65")).toMatchObject({ intervalS: 1, level: 5 });
  });

  it("reads beams: BSI levels and PWI beams in groups of four", () => {
    expect(parse("$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F")).toEqual({
      type: "BDBSI",
      responseBeam: 1,
      timeDiffBeam: 3,
      levels: [3, 2, 2, 0, 3, 0, 0, 3, 0, 0],
    });
    const pwi = parse("$BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0*42");
    expect(pwi).toMatchObject({ time: "023628.00", bds2: [], bds3Width: 4 });
    expect(pwi.type === "BDPWI" && pwi.bds3.map((b) => [b.beam, b.cn0])).toEqual([[2, 51], [4, 50], [11, 43], [16, 51]]);
  });

  it("reads received messages with their hex data", () => {
    const s = parse("$BDTXR,1,0179773,2,,A468656C6C6F*43");
    expect(s).toMatchObject({ type: "BDTXR", src: "0179773", code: 2, time: "" });
    expect(s.type === "BDTXR" && Array.from(s.data)).toEqual([0xa4, ...ascii("hello")]);
    const tci: RdssSentence = { type: "BDTCI", src: "0247718", dest: "4207733", freqPoint: 2, time: "023242", code: 2, flag: "0", data: ascii("SET a=1") };
    expect(parse(encodeSentence(tci))).toEqual(tci);
  });

  it("maps every feedback reason of both versions", () => {
    const fki = (line: string) => {
      const s = parse(line);
      return s.type === "BDFKI" ? feedbackReason(s) : "not FKI";
    };
    expect(fki("$BDFKI,TXA,Y,Y,0,0040*17")).toBe("ok");
    expect(fki("$BDFKI,TXA,N,Y,0,0000*04")).toBe("refused");
    expect(fki("$BDFKI,082920,TCQ,Y,0,0*70")).toBe("ok");
    // A doc comment's "Y" with reason 5: taken as the failure it names.
    expect(fki("$BDFKI,000000,TCQ,Y,5,0*74")).toBe("no-card");
    const s = parse("$BDFKI,TXA,Y,Y,0,0040*17");
    expect(s.type === "BDFKI" && s.waitS).toBe(40);

    const v40 = ["interval", "suppressed", "silence", "power-not-locked", "no-card", "no-permission"];
    v40.forEach((reason, i) => {
      const f = feedbackSentence("4.0", reason as never, 12, "101010");
      expect(f.code).toBe(i + 1);
      expect(fki(encodeSentence(f))).toBe(reason);
    });
    for (const reason of ["interval", "suppressed", "low-battery", "silence", "refused"] as const) {
      expect(fki(encodeSentence(feedbackSentence("2.1", reason, 75, "")))).toBe(reason);
    }
    expect(encodeSentence(feedbackSentence("2.1", "interval", 75, ""))).toMatch(/^\$BDFKI,TXA,N,N,0,0115\*/);
    const odd = { ...feedbackSentence("4.0", "interval", 0, "101010"), code: 9 };
    expect(fki(encodeSentence(odd))).toBe("unknown");
    expect(FEEDBACK_REASONS.length).toBe(10);
  });

  it("writes the commands exactly as the drivers do", () => {
    expect(encodeSentence({ type: "CCICA" })).toBe("$CCICA,0,00*7B");
    expect(encodeSentence({ type: "CCICR" })).toBe("$CCICR,0,00*68");
    expect(encodeSentence({ type: "CCRMO", target: "BSI", mode: 2, periodS: 1 })).toBe("$CCRMO,BSI,2,1*27");
    expect(encodeSentence({ type: "CCTXA", dest: "0247718", kind: 1, code: 1, data: ascii("12345") })).toBe(
      "$CCTXA,0247718,1,1,3132333435*70",
    );
  });

  it("rejects malformed fields without throwing", () => {
    const c = newSentenceCounters();
    const bad = ["$CCTXA,0247718,1,1,31323*", "$BDPWI,023628.00,00,04,2,51", "$BDFKI,TXA,Q,Y,0,0040", "BDICI,1", "$", "$BDTXR,1,x,1,,ZZ"];
    for (const body of bad) {
      const line = body.includes("*") ? body : `${body}*00`;
      expect(() => parseSentence(line, c)).not.toThrow();
    }
    expect(c.parsed).toBe(0);
    expect(c.badChecksum + c.malformed).toBe(bad.length);
  });
});

describe("line framing", () => {
  const lines = vectors().map((v) => v.line);
  const stream = ascii(lines.map((l) => l + "\r\n").join(""));

  it("gives the same lines whatever the chunking", () => {
    const rng = new Rng(7);
    for (let round = 0; round < 20; round++) {
      const got: string[] = [];
      const f = new RdssLineFramer((l) => got.push(l));
      for (let i = 0; i < stream.length; ) {
        const n = rng.int(1, 8);
        f.push(stream.subarray(i, i + n));
        i += n;
      }
      expect(got).toEqual(lines);
    }
  });

  it("bounds memory: an overlong line is counted and skipped, junk and cut lines are counted", () => {
    const got: string[] = [];
    const f = new RdssLineFramer((l) => got.push(l), 64);
    f.push(ascii("noise\r\n$" + "A".repeat(100) + "\r\n$CCICA,0,00*7B\r\n$BDFKI,TX$CCICR,0,00*68\n"));
    expect(got).toEqual(["$CCICA,0,00*7B", "$CCICR,0,00*68"]);
    expect(f.counters).toEqual({ lines: 2, overlong: 1, truncated: 1, junkBytes: 5 });
  });
});
