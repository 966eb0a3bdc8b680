/**
 * A sealed head with no free page behind it: what a power cut inside the first frames written into a freshly
 * opened page leaves when that page was the last free one. The page was opened to take the priority records of
 * the oldest page (a reclaim); the cut tore one of those copies, the scan cannot trust the torn frame's length, so
 * the page takes no more frames, and a reclaim now would find no room and drop the alarms it was meant to keep.
 *
 * If everything the sealed head holds is also held by older pages (it holds copies whose originals are still in
 * the page being reclaimed, or nothing), retiring the head loses nothing: the page comes free again, the reclaim
 * starts over into it, and the alarms are kept. This module answers whether that holds, by scanning the flash as
 * it would be with the head retired (a read-only view: nothing is written here).
 */
import type { RecordFlash } from "../../hal/ports";
import { RETIRED_AT } from "./record-frame";
import { type ScanResult, scanLog } from "./record-scan";

function readOnly(): never {
  throw new Error("record log: the retired-head view is read-only");
}

/** The scan of the flash with page `page` retired, when that loses no undelivered record; else undefined. */
export function scanWithoutHead(flash: RecordFlash, s: ScanResult): ScanResult | undefined {
  const at = s.head * flash.pageSize + RETIRED_AT;
  const view: RecordFlash = {
    pageSize: flash.pageSize,
    pageCount: flash.pageCount,
    read: (offset, length) => {
      const b = flash.read(offset, length);
      if (at >= offset && at < offset + length) b[at - offset] = 0;
      return b;
    },
    write: readOnly,
    erase: readOnly,
  };
  const without = scanLog(view);
  if (without.index.length !== s.index.length) return undefined;
  for (let i = 0; i < s.index.length; i++) if (without.index.find(s.index.seq(i)) < 0) return undefined;
  return without;
}

/** Whether a scan found the head sealed with no free page left. */
export function sealedWithoutFreePage(s: ScanResult): boolean {
  return s.head >= 0 && s.writePos < 0 && s.pageSeqs.length > 1 && s.pageSeqs.indexOf(-1) < 0;
}
