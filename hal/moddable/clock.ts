/**
 * Clock on the ESP32's RTC timer, which counts from power-on through deep sleep, so now() is monotonic across
 * wakes without saving anything. Deadlines use Moddable Timers (CPU tick based); a timer that fires before the
 * RTC time reached its deadline is re-armed for the remainder, so fn never runs early.
 */
import Time from "time";
import Timer from "timer";
import type { Clock, Millis } from "../ports";

/** What the clock needs from the native module (or its desktop stand-in). */
export interface RtcSource {
  rtcMicroseconds(): number;
  wallOffset(): number | undefined;
  setWallOffset(milliseconds: number): void;
}

export class RtcClock implements Clock {
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(private readonly rtc: RtcSource) {
    // Date and Time follow the wall time the firmware set before the sleep.
    const wall = this.wallTime();
    if (wall !== undefined) Time.set(Math.floor(wall / 1000));
  }

  now(): Millis {
    return Math.floor(this.rtc.rtcMicroseconds() / 1000);
  }

  wallTime(): number | undefined {
    const offset = this.rtc.wallOffset();
    return offset === undefined ? undefined : this.now() + offset;
  }

  setWallTime(utcMs: number): void {
    this.rtc.setWallOffset(utcMs - this.now());
    Time.set(Math.floor(utcMs / 1000));
  }

  at(deadline: Millis, fn: () => void): number {
    const id = this.nextId++;
    this.arm(id, deadline, fn);
    return id;
  }

  cancel(id: number): void {
    const timer = this.timers.get(id);
    if (timer === undefined) return;
    Timer.clear(timer);
    this.timers.delete(id);
  }

  private arm(id: number, deadline: Millis, fn: () => void): void {
    const delay = Math.max(0, deadline - this.now());
    const timer = Timer.set(() => {
      this.timers.delete(id);
      if (this.now() < deadline) this.arm(id, deadline, fn);
      else fn();
    }, delay);
    this.timers.set(id, timer);
  }
}
