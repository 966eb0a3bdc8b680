/**
 * The HTML trip report of every reference trip, as a user makes it (`tracker run TRACE --json --html FILE`): the
 * file parses as well-formed markup, holds every section with a drawn chart, fetches nothing and runs nothing, and
 * every figure in it equals the `--json` summary of the same run. Then it is rendered in headless Chromium, which
 * must log no error, request nothing but the file and draw every chart (skipped, with the reason printed, where
 * Chromium is not installed).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_PROBE, type ChartProbe } from "./chart-probe";
import { chromiumMissing, renderPage } from "./chromium";
import { findAll, parseXml, textOf, type Node } from "./xml-tree";

const CLI = new URL("../../sim/cli/tracker.js", import.meta.url).pathname;
const TRACES = new URL("../../sim/traces/", import.meta.url).pathname;
const NAMES = readdirSync(TRACES).filter((f) => f.endsWith(".json")).sort().map((f) => f.slice(0, -5));
const SECTIONS = ["figures", "route", "temperature", "energy", "delivery"];
const dir = mkdtempSync(join(tmpdir(), "trip-report-"));

interface Made {
  html: string;
  file: string;
  summary: Record<string, unknown>;
}
const made = new Map<string, Made>();

beforeAll(() => {
  for (const name of NAMES) {
    const file = join(dir, `${name}.html`);
    const r = spawnSync(process.execPath, [CLI, "run", join(TRACES, `${name}.json`), "--json", "--html", file], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`tracker run ${name}: ${r.stderr}`);
    made.set(name, { html: readFileSync(file, "utf8"), file, summary: JSON.parse(r.stdout) });
  }
}, 300_000);

/** Every scalar of the JSON summary by its path (by_component.mcu, probes.0.mkt_c). */
function leaves(v: unknown, prefix = ""): [string, unknown][] {
  if (v !== null && typeof v === "object")
    return Object.keys(v).flatMap((k) => leaves((v as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k));
  return [[prefix, v]];
}

const byKey = (doc: Node) => findAll(doc, (n) => n.attrs["data-key"] !== undefined);

describe.each(NAMES)("trip report of %s", (name) => {
  it("is well-formed, self-contained and has every section with its charts", () => {
    const { html } = made.get(name)!;
    const doc = parseXml(html);
    expect(html.startsWith("<!DOCTYPE html>\n<html")).toBe(true);
    expect(findAll(doc, (n) => ["script", "link", "img", "iframe", "object", "embed", "image", "use"].includes(n.name))).toEqual([]);
    const refs = findAll(doc, (n) => Object.keys(n.attrs).some((a) => a === "src" || a === "href" || a.endsWith(":href")));
    expect(refs).toEqual([]);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg")/);
    const sections = findAll(doc, (n) => n.name === "section").map((s) => s.attrs.id);
    expect(sections).toEqual(SECTIONS);
    for (const s of findAll(doc, (n) => n.name === "section")) {
      expect(findAll(s, (n) => n.name === "h2").length).toBe(1);
      const charts = findAll(s, (n) => n.name === "svg");
      if (s.attrs.id === "figures") expect(findAll(s, (n) => n.name === "table").length).toBe(1);
      else expect(charts.length).toBeGreaterThan(0);
      for (const c of charts) {
        expect(c.attrs.viewBox).toMatch(/^0 0 \d+ \d+$/);
        expect(findAll(c, (n) => ["path", "circle", "rect"].includes(n.name) && !/grid|axis|land|grat/.test(n.attrs.class ?? "")).length).toBeGreaterThan(0);
      }
    }
  });

  it("shows every figure of the --json summary, exactly as the summary has it, once", () => {
    const { html, summary } = made.get(name)!;
    const cells = byKey(parseXml(html));
    const shown = new Map<string, string[]>();
    for (const c of cells) shown.set(c.attrs["data-key"], [...(shown.get(c.attrs["data-key"]) ?? []), textOf(c)]);
    const expected = leaves(summary);
    expect(expected.length).toBeGreaterThan(30);
    for (const [key, v] of expected) expect([key, shown.get(key)]).toEqual([key, [v === null ? "n/a" : String(v)]]);
    expect([...shown.keys()].sort()).toEqual(expected.map(([k]) => k).sort());
  });

  it("has one chart per probe and flags GSP gaps only when the summary's longest gap breaks the rule", () => {
    const { html, summary } = made.get(name)!;
    const doc = parseXml(html);
    const probes = (summary.probes as { name: string }[]).map((p) => `temperature-${p.name}`);
    const charts = findAll(doc, (n) => n.name === "svg").map((n) => n.attrs["data-chart"]);
    expect(charts).toEqual(["route", ...probes, "energy", "battery", "delivery", "backlog"]);
    const gapRects = findAll(doc, (n) => n.name === "rect" && n.attrs.class === "gap");
    expect(gapRects.length > 0).toBe((summary.max_temp_gap_s as number) > 300);
  });
});

describe("the report in headless Chromium", () => {
  const missing = chromiumMissing();
  if (missing) {
    console.log(`skipped: the browser check needs Chromium: ${missing}`);
    it.skip("renders every reference report without errors and with every chart drawn", () => {});
    return;
  }

  it.each(NAMES)("renders %s without errors, fetching nothing, every chart drawn", async (name) => {
    const { file, summary } = made.get(name)!;
    const r = await renderPage(file, CHART_PROBE);
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([`file://${file}`]);
    const charts = r.value as ChartProbe[];
    expect(charts.length).toBe(5 + (summary.probes as unknown[]).length);
    for (const c of charts) {
      expect(c.width, c.name).toBeGreaterThan(300);
      expect(c.height, c.name).toBeGreaterThan(80);
      expect(c.marks, c.name).toBeGreaterThan(0);
    }
  });

  it("fits an A4 page's width in print (186 mm of content at 96 dpi) and prints to PDF", async () => {
    const A4_CONTENT_PX = 703;
    const { file } = made.get(NAMES[0])!;
    const r = await renderPage(
      file,
      `(() => ({ scroll: document.documentElement.scrollWidth,
        right: Math.max(...[...document.querySelectorAll("svg.chart, table")].map((e) => e.getBoundingClientRect().right)) }))()`,
      { width: A4_CONTENT_PX, media: "print", pdf: true },
    );
    expect(r.errors).toEqual([]);
    const v = r.value as { scroll: number; right: number };
    expect(v.scroll).toBeLessThanOrEqual(A4_CONTENT_PX);
    expect(v.right).toBeLessThanOrEqual(A4_CONTENT_PX);
    expect(r.pdf!.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("catches a console error, a fetch and an empty chart (the check itself works)", async () => {
    const bad = join(dir, "planted.html");
    writeFileSync(
      bad,
      '<!DOCTYPE html><html><body><svg class="chart" data-chart="empty" viewBox="0 0 100 50"><rect class="axis" width="100" height="50"/></svg>' +
        '<img src="http://127.0.0.1:9/x.png"/><script>console.error("planted")</script></body></html>',
    );
    const r = await renderPage(bad, CHART_PROBE);
    expect(r.errors.some((e) => e.includes("planted"))).toBe(true);
    expect(r.requests.some((u) => u.startsWith("http:"))).toBe(true);
    expect((r.value as ChartProbe[])[0].marks).toBe(0);
  });
});
