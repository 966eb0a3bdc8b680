import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseCereg } from "../../firmware/modem/models/at-parse";
import { choosePsmTimers, decodeTau, decodeTimer, encodeTimer } from "../../firmware/modem/psm-timers";

// Source: nrfconnect/sdk-nrf tests/lib/lte_lc @0689effd (via shared/vectors/nbiot/psm-timers.tsv).
const tsv = readFileSync(new URL("../../../shared/vectors/nbiot/psm-timers.tsv", import.meta.url), "utf8");
const rows = tsv.split("\n").filter((l) => l && !l.startsWith("#") && !l.startsWith("+"));
const ceregLine = tsv.split("\n").find((l) => l.startsWith("+CEREG"))!;

describe("3GPP PSM timers", () => {
  test("vector rows decode as lte_lc expects", () => {
    expect(rows.length).toBe(6);
    for (const r of rows) {
      const [active, ext, legacy, tau, act] = r.split("\t");
      expect(decodeTau(ext, legacy)).toBe(Number(tau));
      expect(decodeTimer("t3324", active)).toBe(Number(act));
    }
  });

  test("+CEREG line with PSM fields", () => {
    const c = parseCereg(ceregLine, true)!;
    expect(c).toMatchObject({ stat: 1, tac: "0A0B", ci: "01020304", act: 9, activeBits: "00100110", tauBits: "01011111" });
    expect(decodeTimer("t3324", c.activeBits!)).toBe(360);
    expect(decodeTimer("t3412-ext", c.tauBits!)).toBe(310 * 3600);
  });

  test("PROTOCOLS.md examples", () => {
    expect(decodeTimer("t3412-ext", "01000011")).toBe(30 * 3600);
    expect(decodeTimer("t3412-ext", "01000010")).toBe(72000);
    expect(decodeTimer("t3324", "00000001")).toBe(2);
    expect(decodeTimer("t3324", "01000001")).toBe(360);
    expect(decodeTimer("t3324", "1110000")).toBeUndefined();
  });

  test("encode gives the shortest timer not shorter than asked, and round-trips", () => {
    expect(decodeTimer("t3412-ext", encodeTimer("t3412-ext", 72000))).toBe(72000); // 20 × 1 h: as exact as 2 × 10 h
    expect(encodeTimer("t3324", 2)).toBe("00000001");
    expect(encodeTimer("t3324", 0)).toBe("00000000");
    expect(encodeTimer("t3324", 360)).toBe("00100110");
    expect(encodeTimer("t3324", -1)).toBe("11100000");
    expect(encodeTimer("t3412-ext", 99e9)).toBe("11011111");
    for (let s = 1; s < 200000; s = Math.ceil(s * 1.37)) {
      const got = decodeTimer("t3412-ext", encodeTimer("t3412-ext", s))!;
      expect(got).toBeGreaterThanOrEqual(s);
      expect(got).toBeLessThan(s * 1.2 + 2);
    }
  });

  test("the chosen TAU outlasts the report interval; active time stays as configured", () => {
    const c = choosePsmTimers({ tauS: 0, activeS: 2 }, 4 * 3600);
    expect(c.tauS).toBeGreaterThan(4 * 3600);
    expect(c.activeS).toBe(2);
    expect(choosePsmTimers({ tauS: 0, activeS: 2 }, 300).tauS).toBeGreaterThanOrEqual(3600);
    expect(choosePsmTimers({ tauS: 72000, activeS: 60 }, 300)).toMatchObject({ tauS: 72000, activeS: 60 });
  });
});
