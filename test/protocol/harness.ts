/** Fakes for the uplink session tests: a virtual clock, an in-memory backlog and a link wired to a server. */
import type { Clock } from "../../hal/ports";
import type { Backlog, DatagramLink, SessionEvent } from "../../firmware/protocol/uplink-session";
import { UplinkSession } from "../../firmware/protocol/uplink-session";
import type { SessionSnapshot } from "../../firmware/protocol/uplink-session";
import type { TrackRecord } from "../../firmware/store/track-record";
import { defaults } from "../../firmware/config/config";
import type { Config } from "../../firmware/config/config";
import type { DatagramServer } from "../../sim/world/network";

export class FakeClock implements Clock {
  t = 0;
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private ids = 0;
  now(): number {
    return this.t;
  }
  wallTime(): number | undefined {
    return undefined;
  }
  setWallTime(): void {}
  at(deadline: number, fn: () => void): number {
    const id = ++this.ids;
    this.timers.push({ id, at: deadline, fn });
    return id;
  }
  cancel(id: number): void {
    this.timers = this.timers.filter((x) => x.id !== id);
  }
  pending(): number[] {
    return this.timers.map((x) => x.at).sort((a, b) => a - b);
  }
  /** Fires the next timer (jumping the clock); false when none is armed. */
  fireNext(): boolean {
    if (!this.timers.length) return false;
    this.timers.sort((a, b) => a.at - b.at);
    const x = this.timers.shift()!;
    this.t = Math.max(this.t, x.at);
    x.fn();
    return true;
  }
}

export class MemoryBacklog implements Backlog {
  acked: number[] = [];
  constructor(public recs: TrackRecord[]) {}
  peek(max: number): TrackRecord[] {
    return this.recs.slice(0, max);
  }
  ack(seqs: number[]): void {
    this.acked.push(...seqs);
    this.recs = this.recs.filter((r) => !seqs.includes(r.seq));
  }
}

/** A link that hands every datagram to a server after `rttMs`; `drop` decides which uplinks are lost. */
export class LoopLink implements DatagramLink {
  sent: { id: number; bytes: Uint8Array; at: number; expectReply: boolean; hold: boolean }[] = [];
  finished = false;
  session!: UplinkSession;
  drop: (n: number, bytes: Uint8Array) => boolean = () => false;
  /** Loses the server's answer to the n-th uplink (the server did receive it). */
  dropReply: (n: number) => boolean = () => false;
  constructor(
    private readonly clock: FakeClock,
    private readonly server: DatagramServer | undefined,
    private readonly max = 512,
    private readonly rttMs = 400,
  ) {}
  maxDatagram(): number {
    return this.max;
  }
  finish(): void {
    this.finished = true;
  }
  send(id: number, bytes: Uint8Array, expectReply: boolean, hold = false): void {
    const n = this.sent.length;
    this.sent.push({ id, bytes, at: this.clock.now(), expectReply, hold });
    // transmission completes on the next tick, as a modem reports it
    this.clock.at(this.clock.now(), () => {
      this.session.onSent(id);
      if (this.drop(n, bytes) || !this.server) return;
      const replies = this.server.receive(bytes, this.clock.now());
      if (this.dropReply(n)) return;
      this.clock.at(this.clock.now() + this.rttMs, () => {
        for (const r of replies) this.session.onRx(r);
      });
    });
  }
}

export function record(seq: number, over: Partial<TrackRecord> = {}): TrackRecord {
  const utc = Date.UTC(2025, 3, 2, 8, 36, 26) + seq * 60_000;
  return {
    seq,
    kind: "position",
    utc,
    mono: seq * 60_000,
    fix: { lat: 39.9042 + seq * 1e-4, lon: 116.4074, alt: 44, speedKmh: 62.5, course: 90, sats: 12, gps: true, bds: true, utc: utc - 2000 },
    temps: [41, -183],
    doorOpen: false,
    acc: true,
    external: false,
    batteryMv: 3610,
    alarms: 0,
    odometerM: 123_400,
    rssi: 20,
    ...over,
  };
}

export interface Rig {
  clock: FakeClock;
  link: LoopLink;
  backlog: MemoryBacklog;
  events: SessionEvent[];
  session: UplinkSession;
  config: Config;
}

export function rig(opts: {
  server?: DatagramServer;
  backlog?: TrackRecord[];
  config?: Partial<Config>;
  snap?: SessionSnapshot;
  max?: number;
  current?: TrackRecord;
}): Rig {
  const clock = new FakeClock();
  const link = new LoopLink(clock, opts.server, opts.max ?? 512);
  const backlog = new MemoryBacklog(opts.backlog ?? []);
  const events: SessionEvent[] = [];
  const config = { ...defaults(), ...opts.config } as Config;
  const session = new UplinkSession(
    {
      clock, link, backlog, config,
      identity: {
        phone: "013800138000",
        registration: { province: 11, city: 0, maker: "RFTRK", model: "CC-1", terminalId: "0000001", plateColor: 1, plate: Uint8Array.of(0x41, 0x31) },
        imei: "860000000000001",
        software: "1.0.0",
      },
      emit: (e) => events.push(e),
      current: () => opts.current,
    },
    opts.snap,
  );
  link.session = session;
  return { clock, link, backlog, events, session, config };
}

/** Runs timers until the session is done or nothing is armed, then lets the link deliver what it still holds (bounded). */
export function runToEnd(r: Rig, limit = 10_000): void {
  for (let i = 0; i < limit && r.session.state !== "done"; i++) if (!r.clock.fireNext()) break;
  for (let i = 0; i < limit && r.session.state === "done"; i++) if (!r.clock.fireNext()) break;
}
