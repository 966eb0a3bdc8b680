/**
 * The reference trip for platform areas: a reefer leaves the Daxing depot, delivers to a customer in Langfang and
 * one in Wuqing (Tianjin), and returns. The platform sets the areas once the truck is on its way (circles for both
 * customers, a rectangle around the depot, a polygon around the Wuqing logistics park with a daytime window and a
 * 30 km/h limit), sends one circle set with a bad radius (refused whole), and deletes the first customer's circle
 * after the delivery. A dwell limit of 40 minutes, set by 0x8103 just before, catches the long second stop.
 */
import { h, Itinerary, type Pt } from "./itinerary";

const DEPOT: Pt = [39.7268, 116.3412, 40];
const LANGFANG: Pt = [39.5381, 116.6833, 20]; // customer A: a supermarket cold store
const WUQING: Pt = [39.3842, 117.0447, 8]; // customer B: a pharma distributor in the logistics park

const TO_LANGFANG: Pt[] = [
  [39.7012, 116.4205, 35],
  [39.6405, 116.5302, 30],
  [39.5702, 116.6305, 25],
  [39.5452, 116.6702, 22], // 1.4 km out: slow down for the last stretch
];
const TO_WUQING: Pt[] = [
  [39.5205, 116.7402, 18],
  [39.4703, 116.8601, 14],
  [39.4202, 116.9702, 10],
  [39.3935, 117.0253, 9], // park gate
];
const BACK: Pt[] = [
  [39.4202, 116.9702, 10],
  [39.5205, 116.7402, 18],
  [39.6405, 116.5302, 30],
  [39.7012, 116.4205, 35],
  [39.7190, 116.3560, 38], // depot gate
];

/** Circles' and polygons' corners in 1e-6 degrees are what the platform sends; six decimals keep it exact. */
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function twoCustomersTrip(): object {
  const it = new Itinerary(DEPOT);
  it.doorOpen(600, 1500).wait(h(0.8)).ign(true).wait(300); // loading, ACC on 06:48, leave 06:53
  const leave = it.t;
  it.drive({ via: TO_LANGFANG, kmh: 70 });
  it.drive({ via: [LANGFANG], kmh: 20 });
  it.ign(false).doorOpen(240, 900).wait(1500).ign(true).wait(120); // 25 min at customer A
  it.drive({ via: [TO_WUQING[0]], kmh: 25 });
  it.drive({ via: TO_WUQING, kmh: 75 });
  it.drive({ via: [WUQING], kmh: 25 });
  const atB = it.t;
  it.ign(false).doorOpen(300, 1200).wait(3000).ign(true).wait(120); // 50 min at customer B: past the dwell limit
  it.drive({ via: [TO_WUQING[3]], kmh: 20 });
  it.drive({ via: BACK, kmh: 75 });
  it.drive({ via: [DEPOT], kmh: 15 });
  it.wait(600).ign(false).wait(86400 - it.t);

  const customers = {
    message: "set-areas",
    shape: "circle",
    action: "update",
    areas: [
      { id: 101, lat: LANGFANG[0], lon: LANGFANG[1], radius_m: 500, name: "langfang-cold-store" },
      { id: 102, lat: WUQING[0], lon: WUQING[1], radius_m: 600, name: "wuqing-pharma" },
    ],
  };
  return {
    name: "two-customers-areas",
    start: "2026-07-02T06:00:00+08:00",
    duration: 86400,
    seed: 16,
    device: {
      id: "013800138003",
      gnss: "atgm336h",
      modem: "bc660k",
      rdss: "none",
      probes: ["front", "rear"],
      battery: { chemistry: "li-socl2", capacity_mAh: 19000 },
    },
    config: {},
    route: it.route,
    sky: [{ t: 0, state: "open" }],
    network: [{ t: 0, nbiot: "good" }],
    rdssSky: [{ t: 0, beams: 0 }],
    temperature: {
      front: [
        { t: 0, c: 4.0 },
        { t: 86400, c: 4.2 },
      ],
      rear: [
        { t: 0, c: 4.3 },
        { t: 86400, c: 4.5 },
      ],
    },
    door: it.door,
    ignition: it.ignition,
    supply: [{ t: 0, source: "battery" }],
    faults: [],
    downlinks: [
      { t: leave + 540, message: "set-params", params: { "0xF050": 2400 } }, // area_dwell_s: 40 minutes
      { t: leave + 600, ...customers },
      {
        t: leave + 660,
        message: "set-areas",
        shape: "circle",
        action: "append",
        areas: [{ id: 103, lat: 39.6, lon: 116.6, radius_m: 0 }], // a radius of 0: the whole message is refused
      },
      {
        t: leave + 720,
        message: "set-areas",
        shape: "rectangle",
        areas: [{ id: 201, north: r6(DEPOT[0] + 0.012), west: r6(DEPOT[1] - 0.016), south: r6(DEPOT[0] - 0.012), east: r6(DEPOT[1] + 0.016), name: "daxing-depot" }],
      },
      {
        t: leave + 780,
        message: "set-areas",
        shape: "polygon",
        areas: [
          {
            id: 301,
            points: [
              [39.4100, 116.9950],
              [39.4002, 117.0652],
              [39.3702, 117.0655],
              [39.3698, 117.0301],
              [39.3850, 116.9950],
            ],
            start: "08:00:00",
            end: "20:00:00",
            max_kmh: 30,
            over_s: 0,
            name: "wuqing-logistics-park",
          },
        ],
      },
      { t: atB - 1800, message: "delete-areas", shape: "circle", ids: [101] },
      { t: atB + 7200, message: "query-location" },
    ],
  };
}
