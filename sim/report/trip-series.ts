/**
 * What a run observed over time, beyond the figures at its end: the charge per component as the power meter
 * sampled it and every short message the module put on the air. The trip report draws these; the simulation fills
 * them during the one run.
 */
import type { Summary } from "./summary";
import type { ChargeSamples } from "./charge-series";
import type { FleetServer } from "../world/fleet-server";

/** A short message received by the centre, with the records it carried. */
export interface RdssSend {
  atMs: number;
  seqs: number[];
}

export interface TripSeries {
  /** Charge per component up to the end of the trace. */
  charge: ChargeSamples;
  rdssSends: RdssSend[];
}

/** The parts of a run the trip report reads (a SimResult has them all). */
export interface RunView {
  summary: Summary;
  transcript: readonly string[];
  server: FleetServer;
  series: TripSeries;
}
