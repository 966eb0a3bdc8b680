/** Battery terminal voltage from an averaged ADC reading through the board's resistor divider. Pure. */
export function batteryMillivolts(raw: readonly number[], resolutionBits: number, fullScaleMv: number, divider: number): number {
  if (raw.length === 0) return 0;
  let sum = 0;
  for (const r of raw) sum += r;
  const fullScale = 2 ** resolutionBits - 1;
  return Math.round((sum / raw.length / fullScale) * fullScaleMv * divider);
}
