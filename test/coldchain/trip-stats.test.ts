import { describe, expect, it } from "vitest";
import { mkt, TripStats, type TripConfig } from "../../firmware/coldchain/trip-stats";

const S = 1000;
const cfg: TripConfig = { probes: ["front", "rear"], bands: "*:2:8:600:300:0.5:0;rear:-25:-15:0:0:0:0", endAfterS: 600, maxGapS: 900 };

describe("MKT", () => {
  // Hand computation (40-digit decimal arithmetic) of MKT = 10000 / −ln(Σ wᵢ e^(−10000/Tᵢ) / Σ wᵢ) − 273.15.
  it.each([
    [[2, 8], undefined, 5.536424508866343],
    [[4, 4, 4, 4], undefined, 4.0],
    [[5, 25], [3, 1], 15.132218289420681],
    [[-18, -15, -20], undefined, -17.356991653466358],
  ])("MKT of %j weighted %j", (temps, weights, want) => {
    expect(mkt(temps, weights)).toBeCloseTo(want, 9);
  });

  it("is above the arithmetic mean when temperatures vary", () => {
    expect(mkt([2, 8])!).toBeGreaterThan(5);
    expect(mkt([])).toBeUndefined();
  });
});

describe("trip statistics", () => {
  it("time-weights readings, counts time out of band and door openings, ends after the quiet time", () => {
    const st = new TripStats(cfg);
    st.temps(0, [20, 20]); // before the trip: not counted
    st.door(50 * S, true); // open before the trip starts
    expect(st.ignition(60 * S, true, 1_000_000)).toBe("trip-start");
    st.temps(60 * S, [4, -18]);
    st.door(100 * S, false);
    st.door(200 * S, true);
    st.door(260 * S, false);
    st.temps(660 * S, [12, -14]);
    st.temps(960 * S, [null, -16]);
    st.door(900 * S, true);
    expect(st.motion(960 * S, false)).toBeUndefined();
    expect(st.ignition(960 * S, false)).toBeUndefined();
    expect(st.phase()).toBe("ending");
    expect(st.nextCheck()).toBe(1560 * S);
    const mid = st.tripReport(1000 * S);
    expect(mid.active).toBe(true);
    expect(st.tick(1559 * S)).toBeUndefined();
    expect(st.tick(1560 * S)).toBe("trip-end");
    const r = st.tripReport(5000 * S);
    expect(r.active).toBe(false);
    expect(r.start).toBe(60 * S);
    expect(r.startUtc).toBe(1_000_000);
    expect(r.end).toBe(960 * S);
    expect(r.durationS).toBe(900);
    const f = r.probes[0];
    expect(f.samples).toBe(2);
    expect([f.min, f.max]).toEqual([4, 12]);
    // 4 °C for 600 s, 12 °C for 300 s (until the fault at 960 s).
    expect(f.mean).toBeCloseTo((4 * 600 + 12 * 300) / 900, 9);
    expect(f.mkt).toBeCloseTo(7.5784103743078397, 9);
    expect(f.outOfBandS).toEqual([{ band: 0, seconds: 300 }]);
    const rear = r.probes[1];
    expect(rear.samples).toBe(3);
    // −18 for 600 s, −14 for 300 s, −16 held 0 s: band 0 (2..8) all 900 s; band 1 (−25..−15) the 300 s at −14.
    expect(rear.outOfBandS).toEqual([
      { band: 0, seconds: 900 },
      { band: 1, seconds: 300 },
    ]);
    // Open at the start (60..100 s), 200..260 s, and 900 s until the end at 960 s.
    expect(r.doorOpens).toBe(3);
    expect(r.doorOpenS).toBe(40 + 60 + 60);
  });

  it("caps the weight of one reading at maxGapS", () => {
    const st = new TripStats(cfg);
    st.motion(0, true);
    st.temps(0, [10, -18]);
    st.temps(10_000 * S, [4, -18]);
    const r = st.tripReport(10_000 * S);
    // 10 °C stands for 900 s only; 4 °C has no weight yet (it stands until the next reading).
    expect(r.probes[0].mean).toBe(10);
    expect(r.probes[0].outOfBandS[0].seconds).toBe(900);
    expect(st.tripReport(10_300 * S).probes[0].mean).toBeCloseTo((10 * 900 + 4 * 300) / 1200, 9);
  });

  it("a quiet spell shorter than endAfterS does not end the trip", () => {
    const st = new TripStats(cfg);
    expect(st.ignition(0, true)).toBe("trip-start");
    st.ignition(100 * S, false);
    expect(st.ignition(500 * S, true)).toBeUndefined();
    expect(st.tick(2000 * S)).toBeUndefined();
    expect(st.phase()).toBe("on");
  });

  it("keeps a bounded snapshot and survives a JSON round trip", () => {
    let st = new TripStats(cfg);
    st.ignition(0, true);
    for (let i = 0; i < 2000; i++) {
      st.temps(i * 300 * S, [4 + Math.sin(i / 10) * 5, -18]);
      if (i % 100 === 0) st = new TripStats(cfg, JSON.parse(JSON.stringify(st.snapshot())));
    }
    expect(JSON.stringify(st.snapshot()).length).toBeLessThan(500);
    const r = st.tripReport(2000 * 300 * S);
    expect(r.probes[0].samples).toBe(2000);
    expect(r.probes[0].mkt!).toBeGreaterThan(r.probes[0].mean!);
    expect(r.probes[0].max).toBeCloseTo(9, 1);
  });
});
