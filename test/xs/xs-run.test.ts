/**
 * The XS run: the same firmware and simulator, bundled into one script, run inside the real XS engine (xsnap
 * worker from @agoric/xsnap, XS 13.x), must produce byte for byte the Node run's summary and transcript.
 * Computrons and heap are printed as benchmark figures.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runText } from "../../sim/xs-entry";
import { bundleSimulator } from "../../sim/cli/xs/bundle";
import { XsWorker } from "../../sim/cli/xs/xsnap-driver";

const TRACE = readFileSync(new URL("../../sim/traces/beijing-tianjin-reefer.json", import.meta.url), "utf8");

describe("the simulator on the XS engine", () => {
  let xs: XsWorker;
  beforeAll(async () => {
    xs = new XsWorker();
    await xs.evaluate(bundleSimulator());
  });
  afterAll(() => xs?.close());

  it("lacks host APIs, as on the device (so the bundle cannot have leaned on them)", async () => {
    const probe = await xs.evaluate(
      "globalThis.handleCommand0 = globalThis.handleCommand; globalThis.probeResult = [typeof setTimeout, typeof process, typeof Buffer].join(',');",
    );
    expect(probe.reply.length).toBe(0);
    await xs.evaluate("globalThis.handleCommand = () => { const s = globalThis.probeResult; const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b.buffer; };");
    const r = await xs.command(new Uint8Array(0));
    expect(r.reply.toString()).toBe("undefined,undefined,undefined");
    await xs.evaluate("globalThis.handleCommand = globalThis.handleCommand0;");
  });

  it("replays the reference trip with a summary and transcript identical to Node's", async () => {
    const node = runText(TRACE);
    const r = await xs.command(Buffer.from(TRACE, "utf8"));
    const fromXs = r.reply.toString("utf8");
    const parsed = JSON.parse(node) as { summary: { wakes: number }; transcript: string[] };
    expect(parsed.transcript.length).toBeGreaterThan(10);
    expect(fromXs.length).toBe(node.length);
    expect(fromXs === node).toBe(true);
    const wakes = Math.max(1, parsed.summary.wakes);
    console.log(
      `XS benchmark (reference trip): ${r.meter.compute} computrons in all, ${Math.round((r.meter.compute ?? 0) / wakes)} per wake over ${wakes} wakes; heap ${r.meter.currentHeapCount} slots after the run`,
    );
  });

  it("replays the platform-areas trip (area messages, geometry, NVS store) identically to Node", async () => {
    const text = readFileSync(new URL("../../sim/traces/two-customers-areas.json", import.meta.url), "utf8");
    const node = runText(text);
    const r = await xs.command(Buffer.from(text, "utf8"));
    expect((JSON.parse(node) as { summary: { areas: { entries: number } } }).summary.areas.entries).toBeGreaterThan(0);
    expect(r.reply.toString("utf8") === node).toBe(true);
  });

  it("reports a bad trace the same way on both engines", async () => {
    const bad = JSON.stringify({ start: "2026-07-01T06:00:00+08:00", duration: 60, device: { id: "1" }, route: [] });
    const r = await xs.command(Buffer.from(bad));
    expect(r.reply.toString()).toBe(runText(bad));
    expect(JSON.parse(r.reply.toString()).error).toBe("route: needs at least one point");
  });
});
