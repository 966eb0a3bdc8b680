/**
 * The report's stylesheet: screen and A4 print (charts scale with the page width; a section starts on a new page
 * only where a chart would not fit; a legend stays with its chart). One palette for components, routes and markers, shared by charts and legends.
 */
export const REPORT_CSS = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #222; margin: 0 auto; max-width: 820px; padding: 16px; }
h1 { font-size: 20px; margin: 0 0 2px; }
h2 { font-size: 16px; margin: 18px 0 6px; border-bottom: 1px solid #ccc; padding-bottom: 2px; }
.sub, .note, footer { color: #555; margin: 4px 0; }
footer { margin-top: 20px; font-size: 11px; }
section { break-inside: auto; }
svg.chart { display: block; width: 100%; height: auto; margin: 6px 0 2px; break-inside: avoid; }
table.figures { border-collapse: collapse; width: 100%; margin: 6px 0; font-variant-numeric: tabular-nums; break-inside: avoid; }
table.figures th, table.figures td { border-bottom: 1px solid #e4e4e4; padding: 2px 6px; text-align: left; }
table.figures td.v { text-align: right; font-weight: 600; }
table.figures td.u { color: #666; padding-right: 16px; }
table.summary th { font-weight: normal; color: #333; white-space: pre; }
table.probes td, table.probes th, table.components td, table.components th { text-align: right; }
table.components { width: auto; min-width: 40%; }
table.components td:first-child, table.components th:first-child { text-align: left; }
table.probes td:first-child, table.probes th:first-child { text-align: left; }
ol.events { columns: 2; column-gap: 24px; list-style: none; padding: 0; margin: 4px 0 8px; font-size: 11px; }
ol.events li { break-inside: avoid; }
ol.events .when { color: #555; font-variant-numeric: tabular-nums; margin-right: 2px; }
.legend { margin: 0 0 8px; font-size: 11px; color: #444; }
.legend span { margin-right: 12px; white-space: nowrap; }
.sw { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
.tick { font-size: 10px; fill: #555; }
.unit { font-size: 10px; fill: #333; font-weight: 600; }
.note { font-size: 11px; }
text.note { fill: #666; font-size: 12px; }
.grid { stroke: #eee; stroke-width: 1; }
.axis { fill: none; stroke: #999; stroke-width: 1; }
.land { fill: #f4f1ea; }
.grat { stroke: #ddd6c8; stroke-width: 1; }
.track { fill: none; stroke: #3b6fb6; stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
.cov { fill: none; stroke-width: 5; stroke-linecap: round; opacity: 0.75; }
.cov-none { stroke: #d62728; }
.cov-poor { stroke: #f0a030; }
.sw.cov-none, rect.cov-none { background: #d62728; fill: #d62728; opacity: 0.12; }
.sw.cov-poor, rect.cov-poor { background: #f0a030; fill: #f0a030; opacity: 0.12; }
.legend .sw.cov-none, .legend .sw.cov-poor { opacity: 0.6; }
.fixes circle { fill: #111; opacity: 0.7; }
.sw.fix { background: #111; border-radius: 5px; width: 6px; height: 6px; vertical-align: 1px; }
.sw.track { background: #3b6fb6; height: 3px; vertical-align: 3px; }
.mk { stroke: #fff; stroke-width: 1.2; }
.mk-start, .sw.mk-start { fill: #2ca02c; background: #2ca02c; }
.mk-end, .sw.mk-end { fill: #222; background: #222; }
.mk-stop, .sw.mk-stop { fill: none; stroke: #555; stroke-width: 2; background: #999; }
.mk-park, .sw.mk-park { fill: #1f5fa8; background: #1f5fa8; }
.mk-door, .sw.mk-door { fill: #e67e22; background: #e67e22; }
.mk-alarm, .sw.mk-alarm { fill: #d62728; background: #d62728; }
.mk-area, .sw.mk-area { fill: #17becf; background: #17becf; }
.area-outline, .sw.area-outline { fill: #17becf; fill-opacity: 0.12; stroke: #0f8a96; stroke-width: 1.2; stroke-dasharray: 4 2; background: #bfeef3; }
.area-label { fill: #0f6f78; }
.mk-rdss, .sw.mk-rdss { fill: #8e44ad; background: #8e44ad; }
.scalebar path { fill: none; stroke: #333; stroke-width: 1.5; }
.leader { stroke: #555; stroke-width: 0.8; fill: none; }
.place { fill: #555; }
.north { font-size: 11px; font-weight: 700; fill: #333; }
.north-arrow { fill: #333; }
.alarm-zone, .sw.alarm-zone { fill: #fbe3e3; background: #fbe3e3; }
.band-limit { stroke: #d98a8a; stroke-width: 1; stroke-dasharray: 4 3; }
.reading { fill: none; stroke: #1f77b4; stroke-width: 1.6; stroke-linejoin: round; }
.sw.reading { background: #1f77b4; height: 3px; vertical-align: 3px; }
.out-of-band circle { fill: #d62728; }
.sw.out-of-band { background: #d62728; border-radius: 5px; width: 6px; height: 6px; }
.excursion, .sw.excursion { fill: #d62728; background: #d62728; opacity: 0.18; }
.legend .sw.excursion { opacity: 0.4; }
.gap, .sw.gap { fill: #ff9800; background: #ff9800; opacity: 0.45; }
.area { stroke: #fff; stroke-width: 0.4; }
.c-mcu { fill: #4e79a7; background: #4e79a7; }
.c-gnss { fill: #59a14f; background: #59a14f; }
.c-modem { fill: #f28e2b; background: #f28e2b; }
.c-rdss { fill: #b07aa1; background: #b07aa1; }
.c-probes { fill: #76b7b2; background: #76b7b2; }
.c-board { fill: #9c755f; background: #9c755f; }
.floor { fill: none; stroke: #111; stroke-width: 1.5; stroke-dasharray: 6 4; }
.sw.floor { background: #111; height: 2px; vertical-align: 3px; }
.floor-label { fill: #111; }
.battery { fill: none; stroke: #2ca02c; stroke-width: 3; }
.sw.battery { background: #2ca02c; height: 3px; vertical-align: 3px; }
.projection { fill: none; stroke: #2ca02c; stroke-width: 1.5; stroke-dasharray: 5 4; }
.sw.projection { background: #9ad19a; height: 2px; vertical-align: 3px; }
.empty { fill: #d62728; }
.trace-end { stroke: #444; stroke-width: 1; stroke-dasharray: 3 3; }
.dl-jt808 circle, .sw.dl-jt808 { fill: #1f77b4; background: #1f77b4; }
.dl-rdss circle, .sw.dl-rdss { fill: #8e44ad; background: #8e44ad; }
.dl-alarm path, .sw.dl-alarm { fill: #d62728; background: #d62728; stroke: #fff; stroke-width: 0.8; }
.dl-lost path { stroke: #d62728; stroke-width: 1.6; fill: none; }
.sw.dl-lost { background: #fff; border: 2px solid #d62728; }
.worst { fill: none; stroke: #d62728; stroke-width: 1.5; }
.backlog, .sw.backlog { fill: #c6dbef; background: #c6dbef; stroke: #3b6fb6; stroke-width: 1; }
.dl-send path, .sw.dl-send { stroke: #8e44ad; stroke-width: 2; background: #8e44ad; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2 { break-after: avoid; }
  .legend, .note { break-before: avoid; }
}
`;
