/**
 * The expression the rendering check evaluates in the page: per chart, its rendered size and how many of its
 * marks (data shapes, not grid, frame or background) have a visible box — an empty chart has none.
 */
export const CHART_PROBE = `(() => {
  const frame = new Set(["grid", "axis", "land", "grat", "alarm-zone", "band-limit", "trace-end"]);
  return [...document.querySelectorAll("svg.chart")].map((svg) => {
    const box = svg.getBoundingClientRect();
    let marks = 0;
    for (const e of svg.querySelectorAll("path, circle, rect, polyline, polygon")) {
      if ([...e.classList].some((c) => frame.has(c))) continue;
      const b = e.getBBox();
      if (b.width > 0 || b.height > 0) marks++;
    }
    return { name: svg.dataset.chart, width: box.width, height: box.height, marks };
  });
})()`;

export interface ChartProbe {
  name: string;
  width: number;
  height: number;
  marks: number;
}
