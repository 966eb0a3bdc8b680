/**
 * Headless Chromium driven over the DevTools protocol on a pipe (no npm dependency): opens a page, collects
 * console errors, uncaught exceptions, error log entries and every network request, evaluates an expression in
 * the page and can take a full-page screenshot. Used by the report's rendering test and to look at the report.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser check cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (Debian: apt-get install -y chromium)`;
}

export interface PageRun {
  errors: string[]; // console errors, exceptions, error log entries
  requests: string[]; // every URL the page asked for, the page itself included
  value: unknown; // the evaluated expression's result
  screenshot?: Buffer; // PNG
  pdf?: Buffer; // printed on A4 with the page's own @page rules
}

type Msg = { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown>; error?: { message: string }; sessionId?: string };

class Cdp {
  private id = 0;
  private buf = "";
  private waiting = new Map<number, (m: Msg) => void>();
  private listeners: ((m: Msg) => void)[] = [];

  constructor(private readonly input: Writable, output: Readable) {
    output.setEncoding("utf8");
    output.on("data", (chunk: string) => {
      this.buf += chunk;
      let nul: number;
      while ((nul = this.buf.indexOf("\0")) >= 0) {
        const m = JSON.parse(this.buf.slice(0, nul)) as Msg;
        this.buf = this.buf.slice(nul + 1);
        if (m.id !== undefined && this.waiting.has(m.id)) {
          this.waiting.get(m.id)!(m);
          this.waiting.delete(m.id);
        } else for (const l of this.listeners) l(m);
      }
    });
  }

  on(fn: (m: Msg) => void): void {
    this.listeners.push(fn);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = ++this.id;
    this.input.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
    return new Promise((resolve, reject) =>
      this.waiting.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result ?? {}))),
    );
  }

  event(method: string): Promise<Msg> {
    return new Promise((resolve) => this.on((m) => m.method === method && resolve(m)));
  }
}

/** Loads a local file in a fresh headless Chromium profile and reports what happened. */
export async function renderPage(file: string, expression: string, opts: { screenshot?: boolean; width?: number; media?: "screen" | "print"; pdf?: boolean; clip?: { x: number; y: number; width: number; height: number; scale: number } } = {}): Promise<PageRun> {
  const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  const flags = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
    "--remote-debugging-pipe",
  ];
  const child: ChildProcess = spawn(CHROMIUM, flags, { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
  const cdp = new Cdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const errors: string[] = [];
  const requests: string[] = [];
  try {
    const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId, flatten: true })) as { sessionId: string };
    cdp.on((m) => {
      if (m.sessionId !== sessionId || !m.params) return;
      const p = m.params as Record<string, any>;
      if (m.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert"))
        errors.push(`console.${p.type}: ${(p.args ?? []).map((a: any) => a.value ?? a.description).join(" ")}`);
      else if (m.method === "Runtime.exceptionThrown") errors.push(`exception: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`);
      else if (m.method === "Log.entryAdded" && p.entry?.level === "error") errors.push(`log: ${p.entry.text} ${p.entry.url ?? ""}`);
      else if (m.method === "Network.requestWillBeSent") requests.push(p.request.url);
    });
    for (const d of ["Runtime.enable", "Log.enable", "Page.enable", "Network.enable"]) await cdp.send(d, {}, sessionId);
    await cdp.send("Emulation.setDeviceMetricsOverride", { width: opts.width ?? 900, height: 1200, deviceScaleFactor: 1, mobile: false }, sessionId);
    if (opts.media) await cdp.send("Emulation.setEmulatedMedia", { media: opts.media }, sessionId);
    const loaded = cdp.event("Page.loadEventFired");
    await cdp.send("Page.navigate", { url: `file://${file}` }, sessionId);
    await loaded;
    const ev = (await cdp.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId)) as { result: { value: unknown }; exceptionDetails?: { text: string } };
    if (ev.exceptionDetails) errors.push(`evaluate: ${ev.exceptionDetails.text}`);
    let screenshot: Buffer | undefined;
    if (opts.screenshot) {
      const shot = (await cdp.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, ...(opts.clip ? { clip: opts.clip } : {}) }, sessionId)) as { data: string };
      screenshot = Buffer.from(shot.data, "base64");
    }
    let pdf: Buffer | undefined;
    if (opts.pdf) {
      const doc = (await cdp.send("Page.printToPDF", { paperWidth: 8.27, paperHeight: 11.69, preferCSSPageSize: true, printBackground: true }, sessionId)) as { data: string };
      pdf = Buffer.from(doc.data, "base64");
    }
    await cdp.send("Browser.close").catch(() => undefined);
    return { errors, requests, value: ev.result.value, screenshot, pdf };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill("SIGKILL"), 5000);
        child.once("exit", () => (clearTimeout(t), resolve()));
      });
    }
    rmSync(profile, { recursive: true, force: true });
  }
}
