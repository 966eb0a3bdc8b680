/** A benchmark-like check: prints the store figures and holds them to what the design promises. */
import { describe, expect, it } from "vitest";
import { formatWear, measureWear } from "../../sim/report/store-wear";

describe("record log figures", () => {
  it("a 64 KB partition at ~300 records/day wears each page well under once a day", () => {
    const f = measureWear({ pageSize: 4096, pageCount: 16, recordsPerDay: 300, days: 20, batch: 12 });
    console.log(formatWear(f));
    expect(f.recordsPerPage).toBeGreaterThan(50);
    expect(f.erasesPerPagePerDay).toBeLessThan(1);
    expect(f.erasesMaxPage - f.erasesMinPage).toBeLessThanOrEqual(1);
    expect(f.offlineDays).toBeGreaterThan(2);
    expect(f.bootScanRecords).toBe(f.pendingAtScan);
  });
});
