/**
 * What the report draws agrees with what the summary counts: the charge series ends at the summary's energy, the
 * delivery timeline holds every created record and finds the worst alarm latency, the markers sit where the trace
 * put the events. Also the parts: the charge series is exact and never changes the meter's sums, the SVG helpers
 * and the strict parser the report tests rely on.
 */
import { describe, expect, it } from "vitest";
import { ChargeSeries, sampleStepMs } from "../../sim/report/charge-series";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { tripReportHtml } from "../../sim/report/html/trip-report";
import { tripData, type TripData } from "../../sim/report/html/trip-data";
import { deliverySection } from "../../sim/report/html/delivery-chart";
import { temperatureSection } from "../../sim/report/html/temperature-chart";
import { routeMap } from "../../sim/report/html/route-map";
import { esc, num, path, ticks, timeTicks } from "../../sim/report/html/svg";
import { simulate } from "../../sim/simulation";
import { Scheduler } from "../../sim/world/scheduler";
import { referenceTrace } from "../scenarios/trip-log";
import { findAll, parseXml, textOf } from "./xml-tree";
import { stopsOf } from "../../sim/report/html/trip-route";
import { validateTrace } from "../../sim/world/trace-loader";
import { World } from "../../sim/world/world";
import { distanceM } from "../../firmware/gnss/geo";

describe("the report's data from one run of the reference day", () => {
  const trace = referenceTrace("beijing-tianjin-reefer");
  const r = simulate(trace);
  const d = tripData(trace, r);
  const s = r.summary;

  it("charge per component ends at the summary's energy, the battery part at its battery figure", () => {
    const n = d.energy.components[0].mAh.length;
    expect((n - 1) * d.energy.stepS).toBe(trace.duration);
    for (const c of d.energy.components) expect(c.mAh[n - 1]).toBeCloseTo((s.by_component as Record<string, number>)[c.name], 4);
    expect(d.energy.batteryMah[n - 1]).toBeCloseTo(s.battery_mAh, 4);
    for (const c of d.energy.components) for (let k = 1; k < n; k++) expect(c.mAh[k]).toBeGreaterThanOrEqual(c.mAh[k - 1]);
  });

  it("the delivery timeline holds every record created, and its worst alarm is the summary's", () => {
    const recs = d.delivery.records;
    expect(recs.length).toBe(s.records_created);
    expect(recs.filter((f) => f.arrivedT === null).length).toBe(s.records_lost);
    expect(recs.filter((f) => f.alarm).length).toBe(s.alarms_raised);
    const w = d.delivery.worstAlarm!;
    expect(Math.round((w.arrivedT! - w.t) * 10) / 10).toBeCloseTo(s.max_alarm_latency_s, 1);
    const last = d.delivery.backlog[d.delivery.backlog.length - 1];
    expect(last.n).toBe(s.records_lost);
    expect(Math.min(...d.delivery.backlog.map((b) => b.n))).toBe(0);
  });

  it("plots the temperature records the platform received, none outside the summary's min and max", () => {
    d.temperature.probes.forEach((p, i) => {
      expect(p.points.length).toBeGreaterThan(0);
      expect(p.points.length).toBeLessThanOrEqual(s.temp_records);
      expect(Math.min(...p.points.map((q) => q.c))).toBe(s.probes[i].min_c);
      expect(Math.max(...p.points.map((q) => q.c))).toBe(s.probes[i].max_c);
      expect(p.bands).toEqual([{ low: 2, high: 8 }]);
    });
    // the rear probe's excursion in the trace is raised and cleared
    const rear = d.temperature.probes[1];
    expect(rear.excursions.length).toBe(1);
    const e = rear.excursions[0];
    expect(rear.points.some((q) => q.t >= e.from && q.t <= e.to && q.c > 8)).toBe(true);
    expect(d.temperature.gaps).toEqual([]);
  });

  it("marks each door opening of the trace and each alarm raise at the truck's place", () => {
    const opens = trace.door.filter((x) => x.v).length;
    expect(d.markers.filter((m) => m.kind === "door").length).toBe(opens);
    expect(d.markers.filter((m) => m.kind === "alarm").length).toBe(s.alarms_raised);
    expect(d.markers[0].kind).toBe("start");
    for (const m of d.markers) expect(m.t).toBeLessThanOrEqual(trace.duration);
    expect(d.markers.some((m) => m.kind === "park")).toBe(true);
    // one map point per delivered position report: every fix, and the parked reports that reuse the last fix,
    // each where the truck really was then (a held fix is the truck's place: it has not moved since)
    const reports = r.transcript.filter((l) => / position-report /.test(l)).length;
    expect(d.route.positions.length).toBeGreaterThanOrEqual(s.fixes);
    expect(d.route.positions.length).toBeLessThanOrEqual(reports);
    const world = new World(trace);
    for (const p of d.route.positions) {
      const at = world.position(p.t);
      expect(distanceM(p.lat, p.lon, at.lat, at.lon)).toBeLessThan(100);
    }
  });

  it("draws what the reference day does not have: a GSP gap, an excursion never cleared, a record never received", () => {
    const probes = d.temperature.probes.map((p) => ({ ...p, excursions: [{ from: 40_000, to: trace.duration, label: "temp-high" }] }));
    const gappy: TripData = { ...d, temperature: { ...d.temperature, probes, gaps: [{ from: 1000, to: 1700, label: "700 s" }] } };
    const temp = parseXml(`<div>${temperatureSection(gappy)}</div>`);
    const rects = (cls: string) => findAll(temp, (n) => n.name === "rect" && n.attrs.class === cls);
    expect(rects("gap").length).toBe(d.temperature.probes.length);
    expect(rects("excursion").length).toBe(d.temperature.probes.length);
    expect(textOf(findAll(temp, (n) => n.attrs["data-check"] === "gsp")[0])).toBe("1 gap(s) over 300 s: 12 min from 01 Jul 06:16");
    const records = d.delivery.records.map((f, i) => (i === 3 ? { ...f, arrivedT: null, via: null } : f));
    const lossy: TripData = { ...d, delivery: { ...d.delivery, records } };
    const del = parseXml(`<div>${deliverySection(lossy)}</div>`);
    const lost = findAll(del, (n) => n.name === "g" && n.attrs.class === "dl-lost")[0];
    expect(lost.children.length).toBe(1);
    expect(textOf(lost)).toBe(`record ${records[3].seq} (${records[3].kind}) never received`);
  });

  it("is the same page twice (no clock, no randomness in it)", () => {
    expect(tripReportHtml(trace, r)).toBe(tripReportHtml(trace, r));
  });
});

describe("areas", () => {
  it("draws the areas the platform set and marks each area event where it happened", () => {
    const trace = referenceTrace("two-customers-areas");
    const r = simulate(trace);
    const d = tripData(trace, r);
    const sent = new Set<string>();
    for (const dl of trace.downlinks) if (dl.message === "set-areas") for (const a of dl.area?.areas ?? []) sent.add(`${a.type}:${a.id}`);
    // what was deleted or replaced later is not drawn
    expect(d.route.areas.length).toBeGreaterThan(0);
    expect(d.route.areas.length).toBeLessThanOrEqual(sent.size);
    for (const a of d.route.areas) expect(a.outline.length).toBeGreaterThanOrEqual(3);
    const events = r.transcript.filter((l) => / info area code=\S+ raised=1 /.test(l) && Number(l.split(" ")[0]) <= trace.duration).length;
    expect(events).toBeGreaterThan(0);
    expect(d.markers.filter((m) => m.kind === "area").length).toBe(events);
    expect(d.markers.some((m) => m.kind === "alarm" && m.label.startsWith("area-"))).toBe(false);
    const map = parseXml(`<div>${routeMap(d)}</div>`);
    expect(findAll(map, (n) => n.attrs.class === "area-outline").length).toBe(d.route.areas.length);
  });
});

describe("stops and parks", () => {
  it("tells a stop with the engine running from a park with the ignition off, and ignores traffic", () => {
    const trace = validateTrace({
      start: "2026-07-01T06:00:00+08:00",
      duration: 7200,
      device: { id: "13800138000" },
      route: [
        { t: 0, lat: 39.9, lon: 116.4 },
        { t: 600, lat: 39.95, lon: 116.4 },
        { t: 1200, lat: 39.95, lon: 116.4 }, // 10 min in one place, ignition on: a stop
        { t: 1800, lat: 40.0, lon: 116.4 },
        { t: 1900, lat: 40.0, lon: 116.4 }, // 100 s: traffic
        { t: 2400, lat: 40.05, lon: 116.4 },
      ],
      ignition: [
        { t: 0, on: true },
        { t: 2400, on: false },
      ],
    });
    const stops = stopsOf(new World(trace), 600);
    expect(stops.map((m) => [m.kind, m.t, m.durationS])).toEqual([
      ["stop", 600, 600],
      ["park", 2400, 4800],
    ]);
    expect(stops[1].label).toBe("parked 80 min");
  });
});

describe("charge series", () => {
  it("samples a constant-current stretch exactly and a fixed charge from the next sample on", () => {
    const cs = new ChargeSeries(1000, ["a"]);
    cs.advance("a", 0, 2500, 0, 0, 3.6, true); // 3.6 mA = 1 µAh per second
    cs.advance("a", 2500, 4000, 0.0025 + 0.5, 0.0025, 7.2, false); // then 0.5 mAh at once, then twice the current, off battery
    const s = cs.samples();
    expect(s.mAh.a.map((v) => Math.round(v * 1e6))).toEqual([0, 1000, 2000, 503500, 505500]);
    expect(s.batteryMah.a.map((v) => Math.round(v * 1e6))).toEqual([0, 1000, 2000, 2500, 2500]);
  });

  it("leaves the meter's sums bit-identical", () => {
    const run = (sample?: number) => {
      const sched = new Scheduler();
      const m = new PowerMeter(sched, powerTable(), sample);
      for (let i = 0; i < 200; i++) {
        sched.run(i * 1337 + 17);
        m.set("modem", i % 3 ? "psm" : "tx", i % 3 ? 0.003 : 120 + i / 7);
        if (i % 5 === 0) m.addJoules("gnss", 0.01 * i);
        if (i % 11 === 0) m.setExternal(i % 2 === 0);
      }
      sched.run(300_000);
      return { by: m.byComponent(), bat: m.batteryMah(), n: m.series?.samples().mAh.modem.length };
    };
    const a = run();
    const b = run(60_000);
    expect(b.by).toEqual(a.by);
    expect(b.bat).toBe(a.bat);
    expect(b.n).toBe(6);
  });

  it("keeps a few hundred points whatever the trip's length", () => {
    for (const days of [1 / 24, 1, 3, 7, 30]) {
      const n = (days * 86400) / (sampleStepMs(days * 86400) / 1000);
      expect(n).toBeLessThanOrEqual(720);
    }
    expect(sampleStepMs(86400)).toBe(120_000);
  });
});

describe("SVG helpers and the strict parser", () => {
  it("formats numbers without trailing zeros or -0, escapes markup, drops repeated points", () => {
    expect([num(1.5), num(2), num(-0.01), num(NaN), num(1.23456, 3)]).toEqual(["1.5", "2", "0", "0", "1.235"]);
    expect(esc('<a & "b">')).toBe("&lt;a &amp; &quot;b&quot;&gt;");
    expect(path([[0, 0], [0, 0], [1, 2], [3, 4]])).toBe("M0 0L1 2L3 4");
    expect(ticks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it("puts time ticks on round local hours", () => {
    // 06:00 +08:00 start, 1 day: ticks every 3 h from 06:00 local
    const t = timeTicks(86400, Date.UTC(2026, 6, 1, 6 - 8), 480);
    expect(t[0]).toEqual({ t: 0, label: "06:00" });
    expect(t.map((x) => x.label)).toContain("02 Jul");
  });

  it("rejects what is not well-formed", () => {
    for (const bad of ["<a><b></a></b>", "<a x=1></a>", "<a>&</a>", "<a>&nbsp;</a>", "<a>", "<a>1 < 2</a>"]) expect(() => parseXml(bad), bad).toThrow();
    expect(parseXml('<a x="&amp;"><b/>t&lt;</a>').children[0].text).toBe("t<");
  });
});
