/**
 * Parsers for the 3GPP and vendor reply lines the scripts capture. Quectel's Neul firmware writes `+CSQ:20,99`,
 * SIMCom and newer Quectel write `+CSQ: 20,99`: every parser accepts both. Bad lines give undefined, never throw.
 */

/** The fields after `prefix` split on commas, quotes removed; undefined when the line has another prefix. */
export function fields(line: string, prefix: string): string[] | undefined {
  if (!line.startsWith(prefix)) return undefined;
  const rest = line.slice(prefix.length).trim();
  if (rest === "") return [];
  return rest.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
}

function int(text: string | undefined): number | undefined {
  return text !== undefined && /^-?\d+$/.test(text) ? Number(text) : undefined;
}

/** Registration status: 1 home, 5 roaming, 2 searching, 3 denied, 0 not searching, 4 unknown. */
export interface Cereg {
  stat: number;
  tac?: string;
  ci?: string;
  act?: number;
  activeBits?: string;
  tauBits?: string;
}

export function registered(stat: number | undefined): boolean {
  return stat === 1 || stat === 5;
}

/**
 * `+CEREG:` as a query answer (`<n>,<stat>,...`) or as a URC (`<stat>,...`). With n=4/5 the tail carries
 * `<AcT>,<cause_type>,<reject_cause>,"<active>","<tau>"`.
 */
export function parseCereg(line: string, query: boolean): Cereg | undefined {
  const f = fields(line, "+CEREG:");
  if (!f || f.length < (query ? 2 : 1)) return undefined;
  const g = query ? f.slice(1) : f;
  const stat = int(g[0]);
  if (stat === undefined || stat < 0 || stat > 10) return undefined;
  const out: Cereg = { stat };
  if (g[1]) out.tac = g[1];
  if (g[2]) out.ci = g[2];
  const act = int(g[3]);
  if (act !== undefined) out.act = act;
  if (g[6] && /^[01]{8}$/.test(g[6])) out.activeBits = g[6];
  if (g[7] && /^[01]{8}$/.test(g[7])) out.tauBits = g[7];
  return out;
}

/** `+CSQ: <rssi>,<ber>` → rssi 0..31, undefined for 99 (unknown). */
export function parseCsq(lines: readonly string[]): number | undefined {
  for (const l of lines) {
    const f = fields(l, "+CSQ:");
    const v = int(f?.[0]);
    if (v !== undefined) return v >= 0 && v <= 31 ? v : undefined;
  }
  return undefined;
}

/** CSQ scale (0 = -113 dBm, 2 dB steps, 31 = -51 dBm or better) from a power in dBm. */
export function dbmToCsq(dbm: number): number {
  return Math.max(0, Math.min(31, Math.round((dbm + 113) / 2)));
}

export interface Signal {
  rssi?: number;
  /** Coverage enhancement level 0..2 (CE2 = deep coverage, costly sends). */
  coverage?: number;
}

/**
 * `+CESQ: <rxlev>,<ber>,<rscp>,<ecno>,<rsrq>,<rsrp>`: NB-IoT fills rsrq/rsrp only. The coverage class follows the
 * usual CE thresholds on RSRP (about -110 and -120 dBm); the network decides the real one.
 */
export function parseCesq(lines: readonly string[]): Signal {
  for (const l of lines) {
    const f = fields(l, "+CESQ:");
    const rsrp = int(f?.[5]);
    if (rsrp === undefined || rsrp === 255 || rsrp < 0 || rsrp > 97) continue;
    const dbm = rsrp - 141;
    return { rssi: dbmToCsq(dbm), coverage: dbm >= -110 ? 0 : dbm >= -120 ? 1 : 2 };
  }
  return {};
}

/** BC95 `AT+NUESTATS` lines `Signal power:-768` (0.1 dBm) and `ECL:0`. */
export function parseNuestats(lines: readonly string[]): Signal {
  const out: Signal = {};
  for (const l of lines) {
    // -32768 and ECL 255 are what the firmware prints while it has no cell.
    const sp = /^"?Signal power"?[:,](-?\d+)$/.exec(l);
    if (sp && Number(sp[1]) > -1500) out.rssi = dbmToCsq(Number(sp[1]) / 10);
    const ecl = /^"?ECL"?[:,](\d+)$/.exec(l);
    if (ecl && Number(ecl[1]) <= 2) out.coverage = Number(ecl[1]);
  }
  return out;
}

/** The first line made only of digits within the length bounds (bare IMEI or ICCID answers), after a prefix. */
export function digits(lines: readonly string[], prefixes: readonly string[], min: number, max: number): string | undefined {
  for (const l of lines) {
    let t = l;
    for (const p of prefixes) if (t.startsWith(p)) t = t.slice(p.length).trim();
    t = t.replace(/^"(.*)"$/, "$1");
    if (t.length >= min && t.length <= max && /^[0-9A-Fa-f]+$/.test(t) && /^\d/.test(t)) return t;
  }
  return undefined;
}
