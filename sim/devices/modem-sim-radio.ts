/**
 * The simulated modem's radio: registration, RRC connection, PSM and what each costs on the "modem" component.
 *
 * States: off | booting | searching (attach, attach current) | idle (registered, DRX) | tx (an uplink in the air) |
 *   connected (RRC connected, waiting on a downlink or the network inactivity timer) | psm.
 * Inputs: power on/off, UART activity (wakes PSM; the bytes that woke it are lost), uplinks with their release
 *   mode, downlinks delivered, coverage edges from the world.
 * Outputs: registration changes (to the modem, which prints +CEREG), charge on the meter.
 *
 * Energy: an uplink costs modem_send_rai_J (×modem_ce2_factor in poor coverage), the measured cost of a PSM wake,
 * send and RAI release. Staying connected after it draws the current that makes an inactivity-timer release cost
 * modem_send_norai_J in total. In poor coverage (CE2) repetitions stretch what is transmitted or received (the send's
 * energy and time, and a downlink's latency, ×modem_ce2_factor); the current of waiting connected is the receiver's
 * and stays the same, so a wait costs more only by lasting longer.
 */
import type { PowerMeter } from "../report/power-meter";
import type { Scheduler } from "../world/scheduler";
import type { Coverage } from "../world/trace-types";
import type { World } from "../world/world";

export type RadioState = "off" | "booting" | "searching" | "idle" | "tx" | "connected" | "psm";
export type UplinkRelease = "none" | "release" | "after-reply";

/** Network RRC inactivity timer; typical NB-IoT networks use about 20 s. */
export const INACTIVITY_MS = 20000;
export const BOOT_MS = 1000;
const TX_MS = 300;
const WAKE_MS = 30;
/** Kept awake this long after the last AT command even with a zero active time, as the real parts do. */
const UART_AWAKE_MS = 1000;

export class SimRadio {
  state: RadioState = "off";
  /** CEREG stat: 0 not searching, 1 home, 2 searching. */
  stat = 0;
  psmEnabled = false;
  activeMs = 0;
  private gen = 0;
  private txSeq = 0;
  private release: UplinkRelease = "none";
  private timer = -1;
  private releasedAt = 0;
  private lastUart = 0;

  constructor(
    private readonly sched: Scheduler,
    private readonly world: World,
    private readonly meter: PowerMeter,
    private readonly onStat: (stat: number) => void,
  ) {}

  /** No SIM in the holder: the radio finds no network it may use, whatever the coverage. */
  noSim = false;

  coverage(): Coverage {
    return this.noSim ? "none" : this.world.nbiot(this.sched.now / 1000);
  }

  factor(): number {
    return this.coverage() === "poor" ? this.meter.table.modem_ce2_factor : 1;
  }

  registered(): boolean {
    return this.stat === 1;
  }

  powerOn(onBooted: () => void): void {
    this.reset("booting", 0);
    const g = this.gen;
    this.sched.at(this.sched.now + BOOT_MS, () => {
      if (g !== this.gen) return;
      onBooted();
      this.attach();
    });
  }

  powerOff(): void {
    this.reset("off", 0);
  }

  /** Reboot without losing power: as power-on, minus the supply edge. */
  reboot(onBooted: () => void): void {
    this.powerOn(onBooted);
  }

  /** UART bytes arrived. False when they only woke the modem from PSM (and are lost). */
  touch(): boolean {
    this.lastUart = this.sched.now;
    if (this.state === "booting" || this.state === "off") return false;
    if (this.state !== "psm") {
      this.schedulePsm();
      return true;
    }
    this.set("idle");
    this.state = "booting"; // deaf for the wake-up time
    const g = this.gen;
    this.sched.at(this.sched.now + WAKE_MS, () => {
      if (g !== this.gen) return;
      this.state = "idle";
      if (this.coverage() === "none") return this.search();
      this.schedulePsm();
    });
    return false;
  }

  /** Whether the modem would take an uplink now. */
  canSend(): boolean {
    return this.registered() && (this.state === "idle" || this.state === "tx" || this.state === "connected");
  }

  /** The receive window: downlinks reach the modem only while RRC connected. */
  windowOpen(): boolean {
    return this.state === "tx" || this.state === "connected";
  }

  /** Puts an uplink in the air; `done` runs when it has left, unless the radio lost power or registration first. */
  transmit(release: UplinkRelease, done: (ok: boolean) => void): void {
    const f = this.factor();
    this.meter.addJoules("modem", this.meter.table.modem_send_rai_J * f);
    this.cancelTimer();
    this.state = "tx";
    this.meter.set("modem", "tx", this.meter.table.modem_idle_mA);
    this.release = release;
    const g = this.gen;
    const mine = ++this.txSeq;
    this.sched.at(this.sched.now + TX_MS * f, () => {
      const alive = this.state === "tx" || this.state === "connected" || this.state === "idle";
      if (g !== this.gen || !alive || !this.registered()) return done(false);
      // A later uplink still in the air decides the release.
      if (mine === this.txSeq) {
        if (release === "release") this.releaseNow();
        else this.connect();
      }
      done(true);
    });
  }

  /** A downlink reached the device: with "after-reply" the network releases now, else the timer restarts. */
  downlinkDelivered(): void {
    if (this.state !== "connected") return;
    // The network releases once its downlink buffer is empty: what arrived at the same instant still lands.
    if (this.release === "after-reply") this.arm(this.sched.now, () => this.releaseNow());
    else this.connect();
  }

  onCoverage(c: Coverage): void {
    if (this.state === "off" || this.state === "booting" || this.state === "psm") return;
    if (c === "none" && this.stat === 1) this.search();
    else if (c !== "none" && this.state === "searching") this.attach();
  }

  private connect(): void {
    const t = this.meter.table;
    const mA = ((t.modem_send_norai_J - t.modem_send_rai_J) / ((INACTIVITY_MS / 1000) * t.supply_v)) * 1000;
    this.state = "connected";
    this.meter.set("modem", "connected", Math.max(mA, t.modem_idle_mA));
    this.arm(this.sched.now + INACTIVITY_MS, () => this.releaseNow());
  }

  private releaseNow(): void {
    this.state = "idle";
    this.set("idle");
    this.releasedAt = this.sched.now;
    this.schedulePsm();
  }

  private attach(): void {
    this.state = "searching";
    // The meter tells a search in a gap (no cell: the gap's cost) from an attach to a cell that is there.
    this.meter.set("modem", this.coverage() === "none" ? "searching" : "attaching", this.meter.table.modem_attach_mA);
    if (this.stat !== 2) {
      this.stat = 2;
      this.onStat(2);
    }
    if (this.coverage() === "none") return this.cancelTimer();
    this.arm(this.sched.now + this.meter.table.modem_attach_s * 1000 * this.factor(), () => {
      if (this.coverage() === "none") return;
      this.stat = 1;
      this.releaseNow();
      this.onStat(1);
    });
  }

  private search(): void {
    this.stat = 0; // forces the stat-2 report in attach()
    this.attach();
  }

  private schedulePsm(): void {
    if (!this.psmEnabled || this.state !== "idle" || !this.registered()) return;
    const at = Math.max(this.releasedAt + this.activeMs, this.lastUart + UART_AWAKE_MS, this.sched.now);
    this.arm(at, () => {
      if (this.state !== "idle") return;
      this.state = "psm";
      this.set("psm");
    });
  }

  private set(state: "idle" | "psm"): void {
    const t = this.meter.table;
    // Idle with no PSM requested (after a power-on or a reboot of its own, until the link sets it): metered apart.
    const label = state === "idle" && !this.psmEnabled ? "idle-no-psm" : state;
    this.meter.set("modem", label, state === "idle" ? t.modem_idle_mA : t.modem_psm_mA);
  }

  private reset(state: "off" | "booting", mA: number): void {
    this.gen++;
    this.cancelTimer();
    this.state = state;
    this.stat = 0;
    this.psmEnabled = false;
    this.releasedAt = this.sched.now;
    this.meter.set("modem", state, state === "booting" ? this.meter.table.modem_attach_mA : mA);
  }

  private arm(at: number, fn: () => void): void {
    this.cancelTimer();
    const g = this.gen;
    this.timer = this.sched.at(at, () => {
      this.timer = -1;
      if (g === this.gen) fn();
    });
  }

  private cancelTimer(): void {
    if (this.timer !== -1) this.sched.cancel(this.timer);
    this.timer = -1;
  }
}
