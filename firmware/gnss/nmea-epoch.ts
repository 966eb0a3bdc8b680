/**
 * Assembles the sentences of one receiver epoch into a GnssFix. An epoch ends when a sentence carries a new UTC
 * time of day (or repeats a kind the epoch already has, for receivers that send empty times before a fix), or
 * when the owner calls flush() after the receiver went quiet.
 *
 * An epoch also ends at once on the sentence that ended the epochs before it: a receiver sends the same sentences
 * in the same order every epoch (the kinds its configuration enables), so the kind of the last sentence, and how
 * many of that kind the epoch held, say when the next one is complete. Without that the fix waits for the next
 * epoch's first sentence or the owner's quiet-line deadline, with the receiver on. The shape counts only once two
 * epochs in a row ended alike, and a sentence that still carries the time of an epoch already closed (the shape
 * changed: a sentence every 5th epoch, a new configuration) forgets it, so the deadline ends epochs again until two
 * agree.
 *
 * States: empty | open (collecting one epoch).
 * Inputs: add(sentence) (TXT and GSV included: they belong to the shape), flush().
 * Outputs: onFix(fix) once per epoch that held at least one time-bearing sentence.
 */
import { emptyBySystem, formatTod, type FixMode, type GnssFix, type GnssSystem, type SatInView } from "./gnss-fix";
import { systemForPrn, type Gga, type Gll, type Gsa, type Rmc, type Sentence, type Vtg, type Zda } from "./nmea-sentence";

const DAY = 86400000;
/** A constellation's GSV view is dropped when not refreshed for this many epochs (GSV may come every 10th). */
const VIEW_STALE_EPOCHS = 12;

interface Epoch {
  todMs: number;
  gga?: Gga;
  rmc?: Rmc;
  gll?: Gll;
  vtg?: Vtg;
  zda?: Zda;
  gsa: Gsa[];
}

/** How the epochs end: the kind of their last sentence, how many of that kind they hold, how many in a row agreed. */
interface Shape {
  last: string;
  count: number;
  agreed: number;
}

/** Epochs in a row that must end alike before the shape closes one early. */
const SHAPE_AGREE = 2;
/** Sentence kinds kept for an epoch's shape; more than any real epoch sends (a stream that never closes one is cut). */
const TRAIL_MAX = 64;

interface View {
  building: SatInView[];
  done: SatInView[];
  inView: number;
  epoch: number;
}

export class EpochAssembler {
  private cur: Epoch | undefined;
  private views = new Map<GnssSystem, View>();
  private epochNo = 0;
  private dateMs: number | undefined;
  private lastTod = -1;
  /** Kinds of the sentences since the last epoch closed. */
  private trail: string[] = [];
  private shape: Shape | undefined;
  /** Time of day of the epoch closed last (-1: none). */
  private closedTod = -1;

  constructor(private readonly onFix: (fix: GnssFix) => void) {}

  /** The UTC date (midnight ms) last seen, carried across epochs. */
  knownDate(): number | undefined {
    return this.dateMs;
  }

  add(s: Sentence): void {
    switch (s.type) {
      case "GGA":
      case "RMC":
      case "GLL":
      case "ZDA": {
        const key = s.type === "GGA" ? "gga" : s.type === "RMC" ? "rmc" : s.type === "GLL" ? "gll" : "zda";
        const other = this.cur && this.cur.todMs !== -2 && this.cur.todMs !== s.todMs;
        if (this.cur && (other || this.cur[key] !== undefined)) this.flush();
        // Still the time of the epoch just closed: it was closed too early, the shape no longer holds.
        else if (!this.cur && s.todMs === this.closedTod && s.todMs >= 0) this.shape = undefined;
        if (!this.cur) this.cur = { todMs: s.todMs, gsa: [] };
        else if (this.cur.todMs === -2) this.cur.todMs = s.todMs;
        (this.cur as unknown as Record<string, Sentence>)[key] = s;
        break;
      }
      case "VTG":
        this.open().vtg = s;
        break;
      case "GSA":
        this.open().gsa.push(s);
        break;
      case "GSV":
        this.gsv(s.system ?? s.sats[0]?.system, s.index, s.total, s.inView, s.sats);
        break;
      case "TXT":
        break;
    }
    if (this.trail.length >= TRAIL_MAX) this.trail.shift();
    this.trail.push(s.type);
    if (this.completes(s.type)) this.flush();
  }

  /** Ends the current epoch now (the receiver went quiet, or the stream ended). */
  flush(): void {
    const e = this.cur;
    this.cur = undefined;
    if (!e || (!e.gga && !e.rmc && !e.gll && !e.zda)) return;
    this.learn();
    this.closedTod = e.todMs;
    this.epochNo++;
    this.onFix(this.build(e));
  }

  /** Forgets everything learned from the stream except the date (receiver restarted). */
  reset(): void {
    this.cur = undefined;
    this.views.clear();
    this.trail = [];
    this.shape = undefined;
    this.closedTod = -1;
  }

  /** Whether the sentence just added ends the open epoch, by the shape of the epochs before it. */
  private completes(kind: string): boolean {
    const sh = this.shape;
    if (!sh || sh.agreed < SHAPE_AGREE || kind !== sh.last || !this.cur || this.cur.todMs < 0) return false;
    return this.count(kind) === sh.count;
  }

  private count(kind: string): number {
    let n = 0;
    for (const k of this.trail) if (k === kind) n++;
    return n;
  }

  /** An epoch closed: its trail of sentence kinds tells how the next one will end. */
  private learn(): void {
    const last = this.trail[this.trail.length - 1];
    const count = last === undefined ? 0 : this.count(last);
    this.trail = [];
    if (last === undefined) return;
    const sh = this.shape;
    if (sh && sh.last === last && sh.count === count) sh.agreed++;
    else this.shape = { last, count, agreed: 1 };
  }

  private open(): Epoch {
    // Sentences without a time that come first belong to the epoch whose time arrives next.
    if (!this.cur) this.cur = { todMs: -2, gsa: [] };
    return this.cur;
  }

  private gsv(system: GnssSystem | undefined, index: number, total: number, inView: number, sats: SatInView[]): void {
    if (system === undefined) {
      if (inView !== 0) return;
      system = "gps";
    }
    let v = this.views.get(system);
    if (!v) {
      v = { building: [], done: [], inView: 0, epoch: this.epochNo };
      this.views.set(system, v);
    }
    if (index === 1) v.building = [];
    for (const s of sats) if (v.building.length < 64) v.building.push(s);
    if (index === total) {
      v.done = v.building;
      v.building = [];
      v.inView = inView;
      v.epoch = this.epochNo;
    }
  }

  private build(e: Epoch): GnssFix {
    const gga = e.gga && e.gga.quality > 0 && e.gga.lat !== undefined && e.gga.lon !== undefined ? e.gga : undefined;
    const rmc = e.rmc && e.rmc.valid && e.rmc.lat !== undefined && e.rmc.lon !== undefined ? e.rmc : undefined;
    const gll = e.gll && e.gll.valid && e.gll.lat !== undefined && e.gll.lon !== undefined ? e.gll : undefined;
    const pos = gga ?? rmc ?? gll;

    const tod = e.todMs >= 0 ? e.todMs : -1;
    const date = e.rmc?.dateMs ?? e.zda?.dateMs;
    if (date !== undefined) this.dateMs = date;
    else if (this.dateMs !== undefined && tod >= 0 && this.lastTod >= 0 && tod < this.lastTod - DAY / 2) {
      this.dateMs += DAY; // midnight passed since the date was last given
    }
    if (tod >= 0) this.lastTod = tod;

    let gsaMode = 0;
    const used = emptyBySystem();
    let gsaCount = 0;
    let pdop: number | undefined;
    let hdop: number | undefined;
    let vdop: number | undefined;
    for (const g of e.gsa) {
      gsaMode = Math.max(gsaMode, g.fixType);
      pdop ??= g.pdop;
      hdop ??= g.hdop;
      vdop ??= g.vdop;
      for (const prn of g.prns) {
        const sys = g.system ?? systemForPrn(prn);
        if (sys === undefined) continue;
        used[sys]++;
        gsaCount++;
      }
    }
    let mode: FixMode = 1;
    if (pos) {
      if (gsaMode >= 2) mode = gsaMode as FixMode;
      else mode = gga && gga.alt !== undefined ? 3 : 2;
    }
    const talkerSys = e.gga ? talkerSystem(e.gga.talker) : undefined;
    if (gsaCount === 0 && talkerSys && e.gga?.sats) used[talkerSys] = e.gga.sats;

    const inView: SatInView[] = [];
    let satsInView = 0;
    for (const v of this.views.values()) {
      if (this.epochNo - v.epoch > VIEW_STALE_EPOCHS) continue;
      satsInView += v.inView;
      for (const s of v.done) inView.push(s);
    }

    const fix: GnssFix = {
      timeOfDay: formatTod(tod),
      todMs: tod,
      mode,
      quality: e.gga ? e.gga.quality : pos ? 1 : 0,
      satsUsed: e.gga?.sats ?? gsaCount,
      usedBySystem: used,
      bdsUsed: used.bds,
      satsInView,
      inView,
    };
    if (tod >= 0 && this.dateMs !== undefined) fix.utcMs = this.dateMs + tod;
    if (pos) {
      fix.lat = pos.lat;
      fix.lon = pos.lon;
    }
    if (gga) {
      fix.altMSL = gga.alt;
      fix.geoidSep = gga.geoidSep;
    }
    if (pos) {
      fix.speed = rmc?.speed ?? e.vtg?.speed;
      fix.course = rmc?.course ?? e.vtg?.course;
    }
    fix.hdop = e.gga?.hdop ?? hdop;
    fix.pdop = pdop;
    fix.vdop = vdop;
    dropUndefined(fix);
    return fix;
  }
}

function talkerSystem(t: string): GnssSystem | undefined {
  return t === "GP" ? "gps" : t === "GL" ? "glonass" : t === "GA" ? "galileo" : t === "BD" || t === "GB" ? "bds" : undefined;
}

function dropUndefined(o: object): void {
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
}
