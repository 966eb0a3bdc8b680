/**
 * The `trip-report` event line written when a trip ends: what a quality team reads per probe (samples, min, max,
 * time-weighted mean, MKT, time outside each band) and for the door. One flat line, so the simulator and a log
 * reader parse it like any other event:
 *
 *   trip-report start=<UTC s> end=<UTC s> duration_s=<s> door_opens=<n> door_open_s=<s> probes=<n>
 *     <probe>_n=<readings> <probe>_min=<°C> <probe>_max=<°C> <probe>_mean=<°C> <probe>_mkt=<°C>
 *     <probe>_out<band>_s=<s> ...                                  (one group per probe, in config order)
 *
 * start/end are absent while wall time was unknown, min/max/mean/mkt when a probe gave no reading.
 */
import type { TripReport } from "../coldchain/trip-stats";
import type { EventValue } from "../core/events";

const c2 = (v: number | null): number | undefined => (v === null ? undefined : Math.round(v * 100) / 100);
const sec = (utc: number | undefined): number | undefined => (utc === undefined ? undefined : Math.round(utc / 1000));

export function tripReportFields(r: TripReport): Record<string, EventValue> {
  const f: Record<string, EventValue> = {
    start: sec(r.startUtc),
    end: sec(r.endUtc),
    duration_s: r.durationS,
    door_opens: r.doorOpens,
    door_open_s: r.doorOpenS,
    probes: r.probes.length,
  };
  for (const p of r.probes) {
    f[`${p.name}_n`] = p.samples;
    f[`${p.name}_min`] = c2(p.min);
    f[`${p.name}_max`] = c2(p.max);
    f[`${p.name}_mean`] = c2(p.mean);
    f[`${p.name}_mkt`] = c2(p.mkt);
    for (const o of p.outOfBandS) f[`${p.name}_out${o.band}_s`] = o.seconds;
  }
  return f;
}
