/**
 * Prints the record log's figures (records per page, erases per day, offline capacity, boot scan cost), then what
 * a boot reads on the device's 1 MB partition with 500 records pending.
 *   npx tsx sim/cli/store-figures.ts [recordsPerDay] [days]
 */
import { formatBoot, measureBoot } from "../report/store-boot";
import { formatWear, measureWear } from "../report/store-wear";
import { StorageSealer } from "../../firmware/security/record-sealer";
import { simCrypto } from "../devices/crypto-sim";

const perDay = Number(process.argv[2] ?? 300);
const days = Number(process.argv[3] ?? 30);
if (!(perDay > 0 && days > 0)) {
  process.stderr.write("usage: store-figures [recordsPerDay > 0] [days > 0]\n");
  process.exit(2);
}
for (const [pageSize, pageCount] of [
  [4096, 16],
  [4096, 256],
]) {
  process.stdout.write(formatWear(measureWear({ pageSize, pageCount, recordsPerDay: perDay, days, batch: 12 })) + "\n");
}
// A provisioned device seals every record with the storage key (TEST KEY here: 16 zero bytes): 8 tag bytes more each.
const sealer = new StorageSealer(simCrypto, new Uint8Array(16));
process.stdout.write(formatWear(measureWear({ pageSize: 4096, pageCount: 256, recordsPerDay: perDay, days, batch: 12, sealer })) + "\n");
process.stdout.write(formatBoot(measureBoot({ pageSize: 4096, pageCount: 256, pending: 500, wakes: 300, batch: 20 })) + "\n");
