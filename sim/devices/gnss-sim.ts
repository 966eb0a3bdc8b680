/**
 * A simulated ATGM336H (AT6558) or u-blox M10 on a UART: 1 Hz NMEA from world.position(t) while powered and awake.
 *
 * States: off (no supply, backup lost) | backup (main supply off, V_BAT keeps ephemeris and time) | booting |
 *   acquiring (no fix yet; fix at `fixAt`) | tracking | standby (PCAS12 timed, or UBX PMREQ).
 * Inputs: setPower(on), fromHost(bytes) ($PCAS02/03/04/10/11/12, UBX PMREQ / CFG-RST / VALSET / MON-VER poll,
 *   0xFF wake), cut() (power cut: backup lost), the world's sky and `gnss-garbage` fault.
 * Outputs: NMEA (and UBX MON-VER replies) to the UART; power states of component "gnss" to the meter.
 * Main supply off keeps the V_BAT backup (the reference board has it); only cut() loses it. Time to fix by start
 * kind (hot: last fix < 2 h ago with backup kept; warm: older ephemeris; cold: backup lost or never fixed) comes
 * from the power table with a seeded +-25 % spread; a blocked sky stops the acquisition clock.
 * The meter labels the receiver's on-time "on-no-backup" from a start without backup (power-on, a cut) until its
 * first fix, "on" otherwise: the energy floor prices every fix as hot, and that start cannot be.
 */
import type { GnssModel } from "../world/trace-types";
import type { PowerMeter } from "../report/power-meter";
import type { Rng } from "../world/rng";
import type { Scheduler } from "../world/scheduler";
import type { SimModule, SimUart } from "./uart";
import type { Position, World } from "../world/world";
import { gga, gsa, gsv, rmc, talkerFor, txt, zda, type NmeaStyle, type SimPos, type SimSat, type SimSystem } from "./nmea-build";
import { parseUbx, ubxFrame } from "./ubx-sim";

export type SimStart = "hot" | "warm" | "cold";
type Mode = "off" | "backup" | "booting" | "acquiring" | "tracking" | "standby";

const HOT_AGE_MS = 2 * 3600000;
const BOOT_MS = 300;
/** The fixed sky: per system, PRN, elevation, azimuth. Enough satellites for a GPS+BDS 3D fix. */
const SKY: readonly (readonly [SimSystem, number, number, number])[] = Object.freeze([
  ["gps", 2, 20, 56], ["gps", 7, 18, 123], ["gps", 14, 79, 41], ["gps", 15, 31, 297], ["gps", 17, 54, 166],
  ["gps", 20, 47, 263], ["gps", 22, 78, 280], ["gps", 30, 57, 127], ["bds", 13, 19, 43], ["bds", 27, 38, 127],
  ["bds", 37, 36, 91], ["bds", 6, 62, 200], ["bds", 9, 44, 310],
] as const);
/** $PCAS03 fields we honour: gga, gll, gsa, gsv, rmc, vtg, zda, ant. */
const DEFAULT_RATES = Object.freeze([1, 1, 1, 1, 1, 1, 1, 1]);
/** Navigation (output) periods the AT6558 takes in $PCAS02, ms; 1000 after a power-on. */
const NAV_PERIODS = Object.freeze([1000, 500, 250, 200, 100]);

export interface SimGnssOptions {
  sched: Scheduler;
  world: World;
  meter: PowerMeter;
  rng: Rng;
  model: GnssModel;
  /** Windows [from, to) s in which the receiver reports a wrong time (a glitch, a week rollover), offset ms. */
  timeFaults?: readonly { from: number; to: number; offsetMs: number }[];
}

export class SimGnss implements SimModule {
  private uart: SimUart | undefined;
  private mode: Mode = "off";
  private gen = 0; // invalidates scheduled ticks after a state change
  private lastFixAt: number | undefined;
  private rtcValid = false;
  private fixAt = 0;
  private rates = DEFAULT_RATES.slice();
  /** One navigation epoch (fix and sentences) every navMs; a first fix comes out at the first epoch after it. */
  private navMs = 1000;
  private hdopAt = { second: -1, sky: "", hdop: 1 };
  private systems: SimSystem[] = ["gps", "bds"];
  private epoch = 0;
  private jump = { north: 0, east: 0, until: 0 };
  readonly counters = { starts: { hot: 0, warm: 0, cold: 0 }, fixes: 0, epochs: 0, commands: 0, garbageBytes: 0, noBackupFixes: 0 };
  /** No fix since the supply (and the backup) came: the next start is cold whatever the host asks. */
  private noBackup = true;
  private ubxBuf: number[] = [];

  constructor(private readonly o: SimGnssOptions) {}

  attach(uart: SimUart): void {
    this.uart = uart;
  }

  state(): Mode {
    return this.mode;
  }

  setPower(on: boolean): void {
    if (on) {
      if (this.mode !== "off" && this.mode !== "backup") return;
      this.rates = DEFAULT_RATES.slice();
      this.navMs = 1000;
      this.boot();
    } else if (this.mode !== "off" || this.lastFixAt !== undefined) {
      this.enter("backup");
    }
  }

  /** Power cut: main supply and V_BAT backup both gone; the next start is cold. */
  cut(): void {
    this.rtcValid = false;
    this.lastFixAt = undefined;
    this.noBackup = true;
    this.enter("off");
  }

  fromHost(bytes: Uint8Array): void {
    if (this.mode === "off" || this.mode === "backup" || this.mode === "booting") return;
    if (this.mode === "standby") {
      // Only a u-blox in backup wakes on RX activity; the AT6558 sleeps out its PCAS12 time.
      if (this.o.model === "ublox-m10") this.wakeFromStandby();
      return;
    }
    for (const f of parseUbx(this.ubxBuf, bytes)) this.ubxCommand(f.cls, f.id, f.payload);
    const text = String.fromCharCode.apply(null, Array.from(bytes));
    for (const m of text.split("\n")) {
      const r = /^\$PCAS(\d\d),?([^*]*)\*/.exec(m.trim());
      if (r) this.pcas(Number(r[1]), r[2].split(","));
    }
  }

  private enter(mode: Mode): void {
    this.mode = mode;
    this.gen++;
    const t = this.o.meter.table;
    const on = mode === "booting" || mode === "acquiring" || mode === "tracking";
    if (on) this.o.meter.set("gnss", this.noBackup ? "on-no-backup" : "on", t.gnss_on_mA);
    else if (mode === "off") this.o.meter.set("gnss", "off", 0);
    else this.o.meter.set("gnss", "backup", t.gnss_backup_mA);
  }

  private boot(): void {
    this.enter("booting");
    const gen = this.gen;
    this.o.sched.at(this.o.sched.now + BOOT_MS, () => {
      if (gen !== this.gen) return;
      const talker = this.o.model === "ublox-m10" ? "GN" : "GP";
      const banner =
        this.o.model === "ublox-m10"
          ? txt(talker, 2, "u-blox AG - www.u-blox.com") + txt(talker, 2, "HW UBX 10 000A0000")
          : txt(talker, 2, "MA=CASIC") + txt(talker, 2, "IC=AT6558F-5N-32-1C580900") + txt(talker, 2, "SW=URANUS5,V5.3.0.0");
      this.send(banner);
      this.startAcquisition();
    });
  }

  private startKind(): SimStart {
    if (this.lastFixAt === undefined) return "cold";
    return this.o.sched.now - this.lastFixAt < HOT_AGE_MS ? "hot" : "warm";
  }

  private startAcquisition(kind = this.startKind()): void {
    this.enter("acquiring");
    this.counters.starts[kind]++;
    const t = this.o.meter.table;
    const base = kind === "hot" ? t.gnss_hot_s : kind === "warm" ? t.gnss_warm_s : t.gnss_cold_s;
    this.fixAt = this.o.sched.now + Math.round(base * 1000 * (0.75 + 0.5 * this.o.rng.next()));
    this.schedule(this.o.sched.now + this.navMs - (this.o.sched.now % this.navMs));
  }

  private schedule(at: number): void {
    const gen = this.gen;
    this.o.sched.at(at, () => {
      if (gen !== this.gen) return;
      this.tick();
      this.schedule(at + this.navMs);
    });
  }

  private wakeFromStandby(): void {
    this.startAcquisition();
  }

  private pcas(n: number, f: string[]): void {
    this.counters.commands++;
    if (n === 2) {
      const ms = Number(f[0]);
      if (NAV_PERIODS.includes(ms) && this.o.model === "atgm336h") this.navMs = ms;
    } else if (n === 3) f.slice(0, 8).forEach((v, i) => v !== "" && Number.isInteger(Number(v)) && (this.rates[i] = Number(v)));
    else if (n === 4) {
      const m = Number(f[0]);
      const s: SimSystem[] = [];
      if (m & 1) s.push("gps");
      if (m & 2) s.push("bds");
      if (m & 4) s.push("glonass");
      if (s.length) this.systems = s;
    } else if (n === 10) this.restart(Number(f[0]) === 0 ? "hot" : Number(f[0]) === 1 ? "warm" : "cold");
    else if (n === 12) {
      const secs = Number(f[0]);
      if (!(secs > 0)) return;
      this.enter("standby");
      const gen = this.gen;
      this.o.sched.at(this.o.sched.now + secs * 1000, () => gen === this.gen && this.wakeFromStandby());
    }
  }

  private restart(kind: SimStart): void {
    if (kind === "cold") this.lastFixAt = undefined;
    if (kind === "warm" && this.lastFixAt !== undefined) this.lastFixAt = this.o.sched.now - HOT_AGE_MS;
    this.startAcquisition(kind === "hot" ? this.startKind() : kind);
  }

  private ubxCommand(cls: number, id: number, p: Uint8Array): void {
    if (this.o.model !== "ublox-m10") return;
    this.counters.commands++;
    if (cls === 0x02 && id === 0x41 && p.length >= 16) {
      const dur = (p[4] | (p[5] << 8) | (p[6] << 16) | (p[7] << 24)) >>> 0;
      this.enter("standby");
      const gen = this.gen;
      if (dur > 0) this.o.sched.at(this.o.sched.now + dur, () => gen === this.gen && this.wakeFromStandby());
    } else if (cls === 0x06 && id === 0x04 && p.length >= 2) {
      const mask = p[0] | (p[1] << 8);
      this.restart(mask === 0 ? "hot" : mask === 0xffff ? "cold" : "warm");
    } else if (cls === 0x0a && id === 0x04 && p.length === 0) {
      const ver = new Uint8Array(40);
      const sw = "ROM SPG 5.10 (7b202e)";
      for (let i = 0; i < sw.length; i++) ver[i] = sw.charCodeAt(i);
      const hw = "000A0000";
      for (let i = 0; i < hw.length; i++) ver[30 + i] = hw.charCodeAt(i);
      this.uart?.toHost(ubxFrame(0x0a, 0x04, ver));
    }
  }

  private send(text: string): void {
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    this.uart?.toHost(b);
  }

  private tick(): void {
    const w = this.o.world;
    const now = this.o.sched.now;
    const t = now / 1000;
    const sky = w.sky(t);
    const rng = this.o.rng;
    this.epoch++;
    this.counters.epochs++;
    if (w.fault("gnss-garbage", t)) {
      const junk = new Uint8Array(rng.int(20, 300));
      for (let i = 0; i < junk.length; i++) junk[i] = rng.int(0, 255);
      this.counters.garbageBytes += junk.length;
      this.uart?.toHost(junk);
    }
    if (sky === "blocked" && this.mode === "acquiring") this.fixAt += this.navMs; // no signal: acquisition stalls
    if (this.mode === "acquiring" && now >= this.fixAt && sky !== "blocked") this.mode = "tracking";
    const sats = this.sats(sky);
    const fixed = this.mode === "tracking" && sky !== "blocked";
    const usedSats = fixed ? sats.filter((s) => s.snr >= 25).slice(0, 12) : [];
    // The geometry changes over seconds, not between the epochs of one second: one HDOP draw per second, so a
    // faster navigation rate gives no extra chances at an acceptable HDOP.
    const second = Math.floor(now / 1000);
    if (second !== this.hdopAt.second || sky !== this.hdopAt.sky) {
      this.hdopAt = { second, sky, hdop: sky === "urban" ? 2 + 2 * rng.next() : 0.7 + 0.5 * rng.next() };
    }
    const hdop = this.hdopAt.hdop;
    const pos = fixed ? this.noisy(w.position(t), sky === "urban", now) : undefined;
    if (fixed) {
      if (this.noBackup) {
        this.noBackup = false;
        this.counters.noBackupFixes++;
        this.o.meter.set("gnss", "on", this.o.meter.table.gnss_on_mA);
      }
      this.lastFixAt = now;
      this.rtcValid = true;
      this.counters.fixes++;
    }
    // The RTC in the backup domain gives time before a fix; a cold receiver has none until it decodes it.
    const timeKnown = fixed || this.rtcValid;
    const bad = this.o.timeFaults?.find((f) => t >= f.from && t < f.to);
    const utc = timeKnown ? w.utcMs(Math.floor(now / this.navMs) * (this.navMs / 1000)) + (bad ? bad.offsetMs : 0) : undefined;
    this.send(this.epochText(utc, pos, sats, usedSats, hdop));
  }

  private epochText(utc: number | undefined, pos: SimPos | undefined, sats: SimSat[], used: SimSat[], hdop: number): string {
    const style: NmeaStyle = this.o.model === "ublox-m10" ? "ublox" : "casic";
    const talker = this.systems.length > 1 ? "GN" : talkerFor(this.systems[0], style);
    const due = (i: number) => this.rates[i] > 0 && this.epoch % this.rates[i] === 0;
    let out = "";
    if (due(0)) out += gga(talker, utc, style, pos, used.length, hdop);
    if (due(2)) {
      for (const s of this.systems) {
        const prns = used.filter((u) => u.system === s).map((u) => u.prn);
        out += gsa(s, prns, pos ? 3 : 1, hdop * 1.6, hdop, hdop * 1.3);
      }
    }
    if (due(3)) {
      for (const s of this.systems) out += gsv(talkerFor(s, style), sats.filter((x) => x.system === s), style === "casic" ? 0 : 1);
    }
    if (due(4)) out += rmc(talker, utc, style, pos);
    if (due(6) && utc !== undefined) out += zda(talker, utc, style);
    if (due(7) && this.o.model === "atgm336h" && this.epoch % 10 === 0) out += txt("GP", 1, "ANTENNA OK");
    return out;
  }

  private sats(sky: string): SimSat[] {
    if (sky === "blocked") return [];
    const out: SimSat[] = [];
    for (const [system, prn, el, az] of SKY) {
      if (!this.systems.includes(system)) continue;
      // Urban canyons hide the low satellites and weaken the rest.
      if (sky === "urban" && el < 30) continue;
      const snr = Math.round((sky === "urban" ? 18 : 26) + el / 6 + this.o.rng.next() * 8);
      out.push({ system, prn, elevation: el, azimuth: az, snr });
    }
    return out;
  }

  private noisy(p: Position, urban: boolean, now: number): SimPos {
    const rng = this.o.rng;
    const sd = urban ? 6 : 1.5;
    if (urban && now >= this.jump.until && rng.chance(0.05)) {
      const d = 30 + 120 * rng.next();
      const a = rng.next() * 2 * Math.PI;
      this.jump = { north: d * Math.cos(a), east: d * Math.sin(a), until: now + rng.int(1, 5) * 1000 };
    }
    const j = urban && now < this.jump.until ? this.jump : { north: 0, east: 0 };
    const north = rng.gauss(sd) + j.north;
    const east = rng.gauss(sd) + j.east;
    return {
      lat: p.lat + north / 111320,
      lon: p.lon + east / (111320 * Math.cos((p.lat * Math.PI) / 180)),
      alt: p.alt + rng.gauss(sd * 1.5),
      speed: Math.max(0, p.speed + rng.gauss(0.2)),
      course: p.course,
    };
  }
}

