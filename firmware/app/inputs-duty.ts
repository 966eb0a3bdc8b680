/**
 * The door and ignition (ACC) inputs, and the supply: debounced edges with the time each really happened, turned
 * into state, records, cold-chain inputs and reports.
 *
 * States per input: stable | settling (firmware/sensors/debounce.ts); settled edges wait in a queue (kept across
 *   deep sleep) until the duty runs.
 * Inputs: the levels read at boot (an edge that woke the device happened BOOT_LATENCY_MS before the first line
 *   ran), raw edges while awake, the debounce deadlines, the door timer deadline, the supply level.
 * Outputs: app.state.door / acc / accOffAt as soon as an edge settles, and an immediate position report for every
 *   ignition edge (app.setDue("position", now)); when the duty runs: one "door" record per door edge stamped with
 *   the edge's time, door edges to the alarm engine and trip statistics, ignition edges to the trip statistics,
 *   supply changes to the engine (app.state.external), the door-open-too-long tick.
 *
 * Records are written in run(), never from boot() or a timer: the wake cycle starts each cycle with an empty list
 * of fresh records, so a record written outside a cycle's phases would not make the uplink go.
 */
import type { DigitalIn, WakeSource } from "../../hal/ports";
import { Debouncer, SETTLE_MS, type DebounceState } from "../sensors/debounce";
import type { App } from "./app";
import { coldChain, saveColdChain } from "./coldchain-context";
import { SHARE_MS, type Duty } from "./duty";
import { recordAt } from "./record-at";
import { rememberIgnition } from "./cut-memory";

/** Deep-sleep wake to the first line of JS (POWER.md: about 0.15 s); the waking edge came that much earlier. */
export const BOOT_LATENCY_MS = 150;
/** A run waits this long at most for inputs to settle; a flapping input is left to the next cycle. */
const SETTLE_WAIT_MS = SHARE_MS;
/** Settled edges kept for the next run at most; a door flapping through a long wake must not fill RTC memory. */
const MAX_QUEUE = 16;

export const INPUTS_MOD = "inputs";

interface QueuedEdge {
  src: WakeSource;
  level: boolean;
  at: number;
}

interface InputsSnapshot {
  door: DebounceState;
  ignition: DebounceState;
  queue: QueuedEdge[];
}

const SOURCES: readonly WakeSource[] = Object.freeze(["door", "ignition"] as WakeSource[]);

function inputsOf(app: App): Inputs {
  return app.local(INPUTS_MOD, () => new Inputs(app));
}

function validQueue(q: unknown): QueuedEdge[] {
  if (!Array.isArray(q)) return [];
  return q.filter(
    (e: QueuedEdge) =>
      typeof e === "object" && e !== null && SOURCES.indexOf(e.src) >= 0 && typeof e.level === "boolean" && typeof e.at === "number",
  );
}

/** The two debouncers and the queue of settled edges, for one wake. */
class Inputs {
  readonly deb: Record<WakeSource, Debouncer>;
  queue: QueuedEdge[];
  private timer = -1;

  constructor(private readonly app: App) {
    const s = app.mod<Partial<InputsSnapshot>>(INPUTS_MOD) ?? {};
    const now = app.now();
    // Without a snapshot the levels last written to the state are the reference: a power-on with the door open
    // then reports the door open, as of now.
    this.deb = {
      door: new Debouncer(SETTLE_MS.door, app.state.door, now, s.door),
      ignition: new Debouncer(SETTLE_MS.ignition, app.state.acc, now, s.ignition),
    };
    this.queue = validQueue(s.queue);
  }

  /** At boot: what changed while asleep, and edges from now on. */
  start(): void {
    const { app } = this;
    const cause = app.ports.power.wakeCause();
    const now = app.now();
    for (const src of SOURCES) {
      const pin = this.pin(src);
      const last = this.deb[src].snapshot().last;
      const at = cause === src ? Math.max(last, now - BOOT_LATENCY_MS) : now;
      this.accept(src, this.deb[src].wake(pin.read(), at));
      pin.onChange((level, t) => {
        this.accept(src, this.deb[src].edge(level, t));
        this.arm();
      });
    }
    this.poll(now);
    this.arm();
  }

  poll(now: number): void {
    for (const src of SOURCES) this.accept(src, this.deb[src].poll(now));
  }

  /** When a pending burst can be resolved; Infinity when both inputs are stable. */
  settleDue(): number {
    let at = Infinity;
    for (const src of SOURCES) at = Math.min(at, this.deb[src].nextCheck() ?? Infinity);
    return at;
  }

  snapshot(): InputsSnapshot {
    return { door: this.deb.door.snapshot(), ignition: this.deb.ignition.snapshot(), queue: this.queue.slice() };
  }

  private pin(src: WakeSource): DigitalIn {
    return src === "door" ? this.app.ports.door : this.app.ports.ignition;
  }

  /** One armed deadline: the earlier debounce check. */
  private arm(): void {
    const clock = this.app.ports.clock;
    if (this.timer >= 0) clock.cancel(this.timer);
    this.timer = -1;
    const at = this.settleDue();
    if (at === Infinity) return;
    this.timer = clock.at(at, () => {
      this.timer = -1;
      this.poll(clock.now());
      this.arm();
    });
  }

  private accept(src: WakeSource, edge: { level: boolean; at: number } | undefined): void {
    if (!edge) return;
    const { app } = this;
    if (src === "door") app.state.door = edge.level;
    else {
      app.state.acc = edge.level;
      if (!edge.level) app.state.accOffAt = edge.at;
      rememberIgnition(app);
      // Ignition on or off is news the platform wants at once, not at the next scheduled report.
      app.setDue("position", Math.min(app.due("position"), app.now()));
    }
    if (this.queue.length >= MAX_QUEUE) app.emit("input-dropped", { src: this.queue.shift()!.src });
    this.queue.push({ src, level: edge.level, at: edge.at });
    app.emit(`${src}-edge`, { level: edge.level, at: edge.at });
    // A settled edge is news the platform may need now: end a light sleep instead of waiting it out.
    app.poke();
  }
}

/** Settled edges, oldest first, into records and the cold chain. */
function flush(app: App, inputs: Inputs): void {
  if (inputs.queue.length === 0) return;
  const cold = coldChain(app);
  const edges = inputs.queue.sort((a, b) => a.at - b.at);
  inputs.queue = [];
  cold.motion(app.now());
  for (const e of edges) {
    if (e.src === "door") {
      recordAt(app, "door", e.at, { doorOpen: e.level });
      cold.door(e.level, e.at);
    } else cold.ignition(e.level, e.at);
  }
}

function supplyChanged(app: App): boolean {
  return app.ports.power.externalPower() !== app.state.external;
}

export const inputsDuty: Duty = Object.freeze({
  name: "inputs",
  phase: "sense",
  dueAt(app: App): number {
    const inputs = inputsOf(app);
    if (inputs.queue.length > 0 || supplyChanged(app)) return app.now();
    return Math.min(inputs.settleDue(), coldChain(app).doorDue());
  },
  run(app: App, done: () => void): void {
    const inputs = inputsOf(app);
    const clock = app.ports.clock;
    const started = app.now();
    if (supplyChanged(app)) coldChain(app).supply(started);
    const finish = () => {
      const now = app.now();
      inputs.poll(now);
      flush(app, inputs);
      if (coldChain(app).doorDue() <= now) coldChain(app).tick(now);
      done();
    };
    // Woken by an edge still settling (an ACC line needs a quiet second): wait for it in this wake.
    const wait = () => {
      inputs.poll(app.now());
      const at = inputs.settleDue();
      if (at === Infinity || at > started + SETTLE_WAIT_MS) return finish();
      clock.at(at, wait);
    };
    wait();
  },
  boot(app: App): void {
    inputsOf(app).start();
  },
  save(app: App): void {
    app.saveMod(INPUTS_MOD, inputsOf(app).snapshot());
    saveColdChain(app);
  },
});
