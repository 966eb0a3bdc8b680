/**
 * Prints the record log's figures (records per page, erases per day, offline capacity, boot scan cost).
 *   npx tsx sim/cli/store-figures.ts [recordsPerDay] [days]
 */
import { formatWear, measureWear } from "../core/store-wear";

const perDay = Number(process.argv[2] ?? 300);
const days = Number(process.argv[3] ?? 30);
if (!(perDay > 0 && days > 0)) {
  process.stderr.write("usage: store-figures [recordsPerDay > 0] [days > 0]\n");
  process.exit(2);
}
for (const [pageSize, pageCount] of [
  [4096, 16],
  [4096, 64],
]) {
  process.stdout.write(formatWear(measureWear({ pageSize, pageCount, recordsPerDay: perDay, days, batch: 12 })) + "\n");
}
