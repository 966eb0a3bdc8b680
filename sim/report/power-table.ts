/**
 * The power model's figures: one table, the single source of truth (see ../shared/reference/POWER.md for the
 * sources). Currents in mA, times in s, energies in J. A trace's `power` object may override any entry by name.
 */
export const POWER_TABLE = Object.freeze({
  supply_v: 3.6, // nominal battery voltage used to turn J into charge (Li-SOCl2)
  mcu_run_mA: 30,
  mcu_idle_mA: 1.5, // awake, auto light sleep while waiting on a UART
  mcu_sleep_mA: 0.01,
  mcu_boot_s: 0.15, // wake from deep sleep to the first application line, at mcu_run_mA
  mcu_ms_per_event: 0.5, // CPU time to handle one callback (timer, edge, message)
  mcu_ms_per_kbyte: 20, // extra CPU time per KB received on a UART (parsing in JS)
  mcu_ms_per_flash_kbyte: 1, // CPU time per KB read from or written to the record flash (SPI + JS scan)
  gnss_on_mA: 35,
  gnss_backup_mA: 0.015,
  gnss_hot_s: 5,
  gnss_warm_s: 30,
  gnss_cold_s: 45,
  modem_psm_mA: 0.003,
  modem_idle_mA: 5,
  modem_send_rai_J: 0.27, // wake from PSM + send <= 200 B + release with RAI, good coverage
  modem_send_norai_J: 1.5,
  modem_ce2_factor: 4,
  modem_attach_s: 10,
  modem_attach_mA: 60,
  rdss_standby_mA: 200,
  rdss_send_J: 20,
  ds18b20_mA: 1,
  ds18b20_conv_s: 0.75,
  sht4x_J: 1.3e-6,
  board_mA: 0.005,
});

export type PowerTable = { -readonly [K in keyof typeof POWER_TABLE]: number };

export type PowerKey = keyof typeof POWER_TABLE;

/** The table with a trace's overrides applied; unknown names are rejected by the trace validator. */
export function powerTable(overrides: Partial<Record<string, number>> = {}): PowerTable {
  const t = { ...POWER_TABLE } as PowerTable;
  for (const k of Object.keys(overrides)) if (k in t) t[k as PowerKey] = overrides[k]!;
  return t;
}

/** Charge in mAh of a fixed energy (J) drawn from the battery at the table's supply voltage. */
export function joulesToMah(t: PowerTable, joules: number): number {
  return joules / t.supply_v / 3.6;
}
