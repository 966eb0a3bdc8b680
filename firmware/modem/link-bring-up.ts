/**
 * The NB-IoT link's bring-up and recovery: power on, sync, model, configuration (PSM, eDRX, URCs), the SIM and a
 * bounded wait for registration, then the socket; power cycles when the modem fails, and what a reboot of its own
 * does to a session. nb-link.ts builds the datagram side on top: it is told up() once registered with a socket
 * open, and owns down() (giving up for this wake) and the datagram in flight (dropInFlight()).
 */
import type { AtCommand } from "./at-engine";
import { LinkBase, DOZE_MS } from "./link-base";
import { DEFAULT_TIMINGS, type LinkTimings, type NbLinkOptions } from "./link-types";
import { detectModel, IDENTIFY_MODEL, MODELS } from "./models/model-table";
import type { ScriptStep } from "./models/model-types";
import { encodeTimer } from "./psm-timers";

export type LinkState =
  | "booting" | "syncing" | "configuring" | "registering" | "opening" | "ready" | "sending" | "confirming"
  | "listening" | "idle" | "cycling" | "down";

export type DownReason = "no-coverage" | "no-sim" | "timeout";

/** Power cycles per wake before the link gives up; failures in a row that call for one. */
const MAX_CYCLES = 2;
export const FAILURES_TO_CYCLE = 2;
/** A booting modem prints lines (and on BC95 a stray OK) for a moment: no command goes out meanwhile. */
const BOOT_SETTLE_MS = 1000;

export abstract class LinkBringUp extends LinkBase {
  protected st: LinkState = "booting";
  protected readonly t: LinkTimings;
  private cycles = 0;
  private regUntil = 0;
  /** When this registration wait began (-1: none under way); its length teaches the link how long an attach takes. */
  protected regFrom = -1;
  private expectBoot = false;
  protected upSent = false;

  constructor(o: NbLinkOptions) {
    super(o);
    this.restore(o.state);
    this.t = { ...DEFAULT_TIMINGS, ...o.timings };
    const s = o.state;
    this.model = o.model === "detect" ? (s?.model ? MODELS[s.model] : undefined) : MODELS[o.model];
    this.arm(o.clock.now(), () => this.start());
  }

  /** Registered, with a socket open: the datagram side takes over. */
  protected abstract up(): void;
  /** Gives up for this wake: the modem is switched off and every queued datagram fails. */
  protected abstract down(reason: DownReason): void;
  /** The modem lost what it was doing (power cycle, its own reboot): the datagram in flight fails. */
  protected abstract dropInFlight(): void;

  private start(): void {
    if (this.failures >= FAILURES_TO_CYCLE) return this.cycle();
    if (!this.o.serial.powered()) return this.powerOn();
    this.sync();
  }

  protected restart(): void {
    this.cycles = 0;
    this.start();
  }

  private powerOn(): void {
    this.forget();
    this.o.serial.setPower(true);
    this.expectBoot = true;
    this.st = "booting";
    this.arm(this.now() + this.t.bootMs, () => this.sync());
  }

  private sync(): void {
    this.st = "syncing";
    // A modem left in PSM wakes on the first bytes; one just powered on prints its boot lines first.
    if (!this.expectBoot) return this.wake(() => this.identifyModel(), () => this.stageFailed("sync"));
    const sync: AtCommand = this.model?.sync ?? MODELS.bc95.sync;
    this.command(sync, (r) => (r.ok ? this.identifyModel() : this.stageFailed("sync")));
  }

  private identifyModel(): void {
    this.expectBoot = false;
    if (this.model) return this.configure();
    this.command(IDENTIFY_MODEL, (r) => {
      const name = r.ok ? detectModel(r.lines) : undefined;
      if (!name) return this.stageFailed("model");
      this.model = MODELS[name];
      this.configure();
    });
  }

  private configure(): void {
    const m = this.model!;
    this.st = "configuring";
    const p = this.o.psm;
    const steps: ScriptStep[] = [
      ...m.configure({
        tauBits: encodeTimer("t3412-ext", p.tauS > 0 ? p.tauS : 3600),
        activeBits: encodeTimer("t3324", p.activeS),
        edrx: p.edrx === true,
      }),
      ...(this.facts.imei ? [] : m.identify),
      m.queryRegistration,
    ];
    this.script(steps, (ok) => (ok ? this.checkSim() : this.stageFailed("configure")));
  }

  /**
   * Not registered yet: a search at attach current follows, unless the SIM is missing (loose in its holder, never
   * fitted); then no search can succeed and the link goes down at once with "no-sim", which is not a coverage gap.
   * A timeout says nothing about the SIM: the search goes on.
   */
  private checkSim(): void {
    if (this.registered) return this.awaitRegistration(true);
    this.script([this.model!.simCheck], (ok, last) => {
      if (last && !last.ok && last.reason === "error") return this.down("no-sim");
      this.awaitRegistration(true);
    });
  }

  protected awaitRegistration(fresh: boolean): void {
    if (this.registered) return this.attached();
    if (fresh || this.st !== "registering") {
      this.regUntil = this.now() + this.t.registerMs;
      if (this.regFrom < 0) this.regFrom = this.now();
    }
    this.st = "registering";
    const now = this.now();
    if (now >= this.regUntil) return this.down("no-coverage");
    this.arm(Math.min(this.regUntil, now + this.t.registerPollMs), () => {
      if (this.now() >= this.regUntil) return this.down("no-coverage");
      this.script([this.model!.queryRegistration], () => {
        if (this.st === "registering") this.awaitRegistration(false);
      });
    });
  }

  /** Registered after a wait: remember how long it took (slowest recent, decaying), then open. */
  protected attached(): void {
    if (this.regFrom >= 0) this.learnAttach(this.now() - this.regFrom);
    this.regFrom = -1;
    this.open();
  }

  /** Registered: the signal figures mean something now, and the report wants them. */
  private open(): void {
    this.st = "opening";
    // Registered after a quiet wait: with a short active time the modem may already be in PSM, and the bytes
    // that wake it are lost.
    const next = () => this.script([this.model!.signal], () => this.openSocket());
    if (this.now() - this.answeredAt >= DOZE_MS) return this.wake(next, () => this.stageFailed("sync"));
    next();
  }


  protected openSocket(): void {
    if (this.socket !== undefined) return this.up();
    const m = this.model!;
    this.st = "opening";
    this.command(m.openSocket(this.o.localPort ?? 0), (r) => {
      const s = r.ok ? m.socketId(r.lines) : undefined;
      if (s === undefined) return this.stageFailed("socket");
      const connect = m.connectSocket(s, this.o.server.ip, this.o.server.port);
      if (!connect) return this.opened(s);
      this.command(connect, (c) => (c.ok ? this.opened(s) : this.stageFailed("connect")));
    });
  }

  private opened(socket: number): void {
    this.socket = socket;
    this.up();
  }

  // --- failure handling ---

  protected onBoot(): void {
    this.engine.hold(this.now() + BOOT_SETTLE_MS);
    if (this.expectBoot) return;
    // The modem restarted on its own: whatever it was doing is lost, the datagram in flight with it.
    this.counters.reboots++;
    this.gen++;
    this.engine.abort();
    this.dropInFlight();
    this.forget();
    this.upSent = false;
    this.emit({ type: "link-down", reason: "modem-reset" });
    if (this.st === "down") return;
    this.expectBoot = true;
    this.st = "booting";
    this.arm(this.now() + BOOT_SETTLE_MS, () => this.sync());
  }
  protected stageFailed(stage: string): void {
    this.o.log.log("warn", `modem ${stage} failed`);
    this.failures++;
    this.cycle();
  }

  /** Switches the modem off and on again; after MAX_CYCLES in one wake the link gives up. */
  protected cycle(): void {
    if (this.cycles >= MAX_CYCLES) return this.down("timeout");
    this.cycles++;
    this.counters.resets++;
    this.gen++;
    this.engine.abort();
    this.dropInFlight();
    this.failures = 0;
    this.upSent = false;
    this.emit({ type: "link-down", reason: "modem-reset" });
    this.o.serial.setPower(false);
    this.forget();
    this.st = "cycling";
    this.arm(this.now() + this.t.offMs, () => this.powerOn());
  }
}
