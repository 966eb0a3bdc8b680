/**
 * Writes the reference trips in sim/traces/ from a readable itinerary: legs between real waypoints driven at a
 * given speed, stops with door openings, and the sky/network/temperature/fault events of each trip.
 * Run: npx tsx sim/cli/make-traces.ts
 */
import { writeFileSync } from "node:fs";
import { h, Itinerary, type Pt } from "./itinerary";
import { twoCustomersTrip } from "./two-customers-trip";

// Beijing Daxing cold-chain park → Jingjin expressway (G2) → Tianjin city → Binhai (Haihe tunnel) → back.
const DEPOT: Pt = [39.7268, 116.3412, 40];
const TO_TIANJIN: Pt[] = [
  [39.7681, 116.4502, 35],
  [39.7503, 116.5498, 30],
  [39.6652, 116.6203, 25],
  [39.5498, 116.7001, 20],
  [39.4602, 116.8199, 15],
  [39.3698, 116.9802, 10],
  [39.2601, 117.0799, 8],
  [39.1702, 117.1498, 6],
  [39.1251, 117.2003, 5],
];
const STOP2: Pt[] = [
  [39.1002, 117.2298, 4],
  [39.0801, 117.2502, 4],
];
const TO_BINHAI: Pt[] = [
  [39.0652, 117.3303, 3],
  [39.0451, 117.3802, 2], // Haihe tunnel approach
  [39.0302, 117.4101, 2],
];
const BACK: Pt[] = [
  [39.0801, 117.3002, 4],
  [39.1702, 117.1498, 6],
  [39.3698, 116.9802, 10],
  [39.5498, 116.7001, 20],
  [39.7503, 116.5498, 30],
  DEPOT,
];

function referenceDay(): object {
  const it = new Itinerary(DEPOT);
  it.doorOpen(600, 1800).wait(h(0.8)).ign(true).wait(600); // loading 06:10-06:40, ACC on 06:48, leave 06:58
  it.drive({ via: TO_TIANJIN, kmh: 75 });
  const arrive1 = it.t;
  it.ign(false).doorOpen(300, 900).wait(1800).ign(true).wait(120);
  it.drive({ via: STOP2, kmh: 30 });
  it.ign(false).doorOpen(300, 600).wait(1800).ign(true).wait(120);
  const tunnelFrom = it.t + 540;
  it.drive({ via: TO_BINHAI, kmh: 45 });
  const arrive3 = it.t;
  it.ign(false).doorOpen(420, 1500).wait(h(0.75)).ign(true).wait(120); // 25 min door: too long, warms the rear
  const leave3 = it.t;
  it.drive({ via: BACK, kmh: 70 });
  it.wait(600).ign(false).wait(86400 - it.t);
  return {
    name: "beijing-tianjin-reefer",
    start: "2026-07-01T06:00:00+08:00",
    duration: 86400,
    seed: 42,
    device: {
      id: "013800138000",
      gnss: "atgm336h",
      modem: "bc660k",
      rdss: "bds3-4.0",
      probes: ["front", "rear"],
      battery: { chemistry: "li-socl2", capacity_mAh: 19000 },
    },
    config: {},
    route: it.route,
    sky: [
      { t: 0, state: "open" },
      { t: arrive1 - 900, state: "urban" }, // Tianjin city centre
      { t: arrive1 + 3600, state: "open" },
      { t: tunnelFrom, state: "blocked" }, // Haihe tunnel
      { t: tunnelFrom + 420, state: "open" },
    ],
    network: [
      { t: 0, nbiot: "good" },
      { t: leave3 + 600, nbiot: "poor" }, // port area, deep coverage
      { t: leave3 + 2400, nbiot: "none" },
      { t: leave3 + 3300, nbiot: "good" },
    ],
    rdssSky: [{ t: 0, beams: 3 }],
    temperature: {
      front: [
        { t: 0, c: 4.0 },
        { t: 600, c: 5.5 },
        { t: 2400, c: 6.0 },
        { t: 4800, c: 4.2 },
        { t: arrive3 + 400, c: 4.1 },
        { t: arrive3 + 2000, c: 6.5 },
        { t: leave3 + 1800, c: 4.0 },
        { t: 86400, c: 3.9 },
      ],
      rear: [
        { t: 0, c: 4.2 },
        { t: 600, c: 6.0 },
        { t: 2400, c: 6.8 },
        { t: 4800, c: 4.4 },
        { t: arrive3 + 400, c: 4.3 },
        { t: arrive3 + 1900, c: 10.5 }, // excursion above 8 °C for ~20 min
        { t: leave3 + 1200, c: 8.6 },
        { t: leave3 + 2400, c: 4.5 },
        { t: 86400, c: 4.1 },
      ],
    },
    door: it.door,
    ignition: it.ignition,
    supply: [{ t: 0, source: "battery" }],
    faults: [{ t: arrive1 + 2400, kind: "gnss-garbage", for: 20 }],
    downlinks: [{ t: h(3), message: "query-location" }],
  };
}

function parkedTrailer(): object {
  const yard: Pt = [38.9946, 117.7215, 3]; // Tianjin port container yard
  return {
    name: "tianjin-port-parked-72h",
    start: "2026-08-10T18:00:00+08:00",
    duration: h(72),
    seed: 7,
    device: {
      id: "013800138001",
      gnss: "atgm336h",
      modem: "bc95",
      rdss: "bds3-4.0",
      probes: ["air", "pulp"],
      battery: { chemistry: "li-socl2", capacity_mAh: 19000 },
    },
    config: { bands: "*:-25:-15:900:600:1:0" },
    route: [{ t: 0, lat: yard[0], lon: yard[1], alt: yard[2] }],
    sky: [{ t: 0, state: "open" }],
    network: [
      { t: 0, nbiot: "good" },
      { t: h(20), nbiot: "none" }, // 30 h gap
      { t: h(50), nbiot: "good" },
    ],
    rdssSky: [{ t: 0, beams: 2 }],
    temperature: {
      air: [
        { t: 0, c: -18.5 },
        { t: h(30), c: -18.2 },
        { t: h(31), c: -12.5 }, // reefer unit stalls during the gap
        { t: h(33), c: -18.0 },
        { t: h(72), c: -18.4 },
      ],
      pulp: [
        { t: 0, c: -19.0 },
        { t: h(31), c: -18.6 },
        { t: h(33), c: -16.0 },
        { t: h(36), c: -18.8 },
        { t: h(72), c: -19.0 },
      ],
    },
    door: [
      { t: h(40), state: "open" },
      { t: h(40) + 300, state: "closed" },
    ],
    ignition: [{ t: 0, on: false }],
    supply: [{ t: 0, source: "battery" }],
    faults: [
      { t: h(10), kind: "power-cut", for: 5 },
      { t: h(55), kind: "modem-reboot" },
    ],
    downlinks: [{ t: h(51), message: "set-params", params: { "0x0027": 7200 } }],
  };
}

function weekTrip(): object {
  // Beijing → Shanghai on G2/G3 over two days, deliveries, then back; parked nights.
  const cities: Pt[] = [
    [39.7268, 116.3412, 40],
    [39.1251, 117.2003, 5],
    [38.3037, 116.8388, 10], // Cangzhou
    [37.4355, 116.3575, 20], // Dezhou
    [36.6512, 117.1201, 50], // Jinan
    [35.4154, 116.5874, 45], // Jining
    [34.2044, 117.2859, 40], // Xuzhou
    [32.9408, 117.3826, 20], // Bengbu
    [32.0603, 118.7969, 15], // Nanjing
    [31.5700, 120.3000, 5], // Wuxi
    [31.2304, 121.4737, 5], // Shanghai
  ];
  const it = new Itinerary(cities[0]);
  const driveDay = (via: Pt[]) => {
    it.ign(true).wait(300);
    it.drive({ via: via.slice(0, Math.ceil(via.length / 2)), kmh: 80 });
    it.ign(false).doorOpen(600, 300).wait(3600).ign(true).wait(300);
    it.drive({ via: via.slice(Math.ceil(via.length / 2)), kmh: 80 });
    it.ign(false);
  };
  const nextMorning = (day: number) => it.wait(Math.max(60, day * 86400 + h(1) - it.t));
  it.wait(h(1));
  driveDay(cities.slice(1, 6));
  nextMorning(1);
  driveDay(cities.slice(6));
  nextMorning(2);
  it.wait(h(2)).doorOpen(0, 1200).wait(h(8)); // unloading in Shanghai
  nextMorning(3);
  it.wait(h(24)); // idle day
  nextMorning(5);
  driveDay(cities.slice(0, 10).reverse().slice(1, 6));
  nextMorning(6);
  driveDay(cities.slice(0, 5).reverse().slice(1));
  it.wait(Math.max(60, 7 * 86400 - it.t));
  return {
    name: "beijing-shanghai-week",
    start: "2026-09-07T05:00:00+08:00",
    duration: 7 * 86400,
    seed: 2026,
    device: {
      id: "013800138002",
      gnss: "atgm336h",
      modem: "sim7020",
      rdss: "none",
      probes: ["front"],
      battery: { chemistry: "li-socl2", capacity_mAh: 19000 },
    },
    config: {},
    route: it.route,
    sky: [{ t: 0, state: "open" }],
    network: [
      { t: 0, nbiot: "good" },
      { t: h(30), nbiot: "poor" },
      { t: h(32), nbiot: "good" },
    ],
    temperature: {
      front: [
        { t: 0, c: 4.0 },
        { t: 86400 * 3, c: 4.6 },
        { t: 86400 * 7, c: 3.8 },
      ],
    },
    door: it.door,
    ignition: it.ignition,
    supply: [{ t: 0, source: "battery" }],
    faults: [],
    downlinks: [],
  };
}

/**
 * The reference day under a storm of faults: the supply drops once every 10 minutes all day (2-20 s), the modem
 * hangs and reboots, the GNSS UART fills with garbage, a probe comes loose, and the platform sends one parameter
 * set with a value out of range (refused whole) before a good one. Nothing may be lost or corrupted.
 */
function faultStorm(): object {
  const day = referenceDay() as { faults: unknown[]; downlinks: unknown[] };
  const faults = day.faults as { t: number; kind: string; for: number; probe?: string }[];
  // one cut in every 10-minute slot, at a point that drifts through the slot so that some land mid-wake
  for (let k = 0; k < 144; k++) faults.push({ t: k * 600 + 10 + ((k * 37) % 580), kind: "power-cut", for: 2 + ((k * 7) % 19) });
  faults.push(
    { t: h(1.5) + 30, kind: "gnss-garbage", for: 45 },
    { t: h(2.5) + 40, kind: "modem-hang", for: 900 },
    { t: h(5) + 120, kind: "probe-open", probe: "rear", for: 1800 },
    { t: h(7.25) + 50, kind: "modem-reboot", for: 60 },
    { t: h(9) + 200, kind: "gnss-garbage", for: 120 },
    { t: h(13) + 10, kind: "modem-hang", for: 300 },
    { t: h(16) + 90, kind: "modem-reboot", for: 60 },
  );
  faults.sort((a, b) => a.t - b.t);
  return {
    ...day,
    name: "fault-storm",
    seed: 808,
    faults,
    downlinks: [
      ...day.downlinks,
      { t: h(4), message: "set-params", params: { "0x0029": 60, "0x0030": 400 } }, // corner_deg is 5..179
      { t: h(6), message: "query-params", ids: ["0x0029", "0x0030"] },
      { t: h(11), message: "set-params", params: { "0x0029": 120, "0x0030": 45 } },
      { t: h(14), message: "query-params", ids: ["0x0029", "0x0030"] },
    ],
  };
}

const dir = new URL("../traces/", import.meta.url);
for (const [file, trace] of [
  ["beijing-tianjin-reefer.json", referenceDay()],
  ["tianjin-port-parked-72h.json", parkedTrailer()],
  ["beijing-shanghai-week.json", weekTrip()],
  ["fault-storm.json", faultStorm()],
  ["two-customers-areas.json", twoCustomersTrip()],
] as const) {
  writeFileSync(new URL(file, dir), JSON.stringify(trace, null, 1) + "\n");
}
