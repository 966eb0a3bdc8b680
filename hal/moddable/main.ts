/**
 * Device entry (manifest creation.main = "hal/moddable/main"): builds every port from the board description in
 * mc/config and hands them to the firmware. Runs once per boot; every deep-sleep wake is a boot.
 */
import config from "mc/config";
import { boot } from "../../firmware/app/main";
import type { Ports } from "../ports";
import * as native from "./native/deep-sleep";
import { readBoard } from "./board";
import { RtcClock } from "./clock";
import { PinInput } from "./digital-in";
import { NativeCrypto } from "./crypto";
import { BusI2C } from "./i2c";
import { TraceLog } from "./log";
import { BusOneWire } from "./one-wire";
import { EspPower } from "./power";
import { PowerSwitch } from "./power-switch";
import { provision } from "./provision";
import { PartitionFlash } from "./record-flash";
import { RtcRetained } from "./retained";
import { UartSerial } from "./serial";
import { NvsSettings } from "./settings";

function buildPorts(): Ports {
  const board = readBoard(config as Record<string, unknown>);
  const log = new TraceLog();
  const clock = new RtcClock(native);
  const now = () => clock.now();

  const switches: PowerSwitch[] = [];
  const uart = (b: typeof board.gnss) => {
    const sw = b.power === undefined ? undefined : new PowerSwitch(b.power);
    if (sw !== undefined) switches.push(sw);
    return new UartSerial(b, sw);
  };

  const door = new PinInput(board.door, now);
  const ignition = new PinInput(board.ignition, now);
  const externalPower = new PinInput(board.externalPower, now);
  const settings = new NvsSettings(board.settingsDomain);
  provision(settings, board.provision, board.provisionForce, log);

  const ports: Ports = {
    clock,
    log,
    retained: new RtcRetained(),
    settings,
    flash: new PartitionFlash(board.flashPartition),
    gnss: uart(board.gnss),
    modem: uart(board.modem),
    door,
    ignition,
    power: new EspPower({ clock, door, ignition, externalPower, battery: board.battery, switches }),
    crypto: new NativeCrypto(),
  };
  if (board.rdss !== undefined) ports.rdss = uart(board.rdss);
  if (board.oneWire !== undefined) ports.oneWire = new BusOneWire(board.oneWire.pin);
  if (board.i2c !== undefined) ports.i2c = new BusI2C(board.i2c);
  log.log("info", `${board.name}: wake ${ports.power.wakeCause()} at ${clock.now()} ms`);
  return ports;
}

boot(buildPorts());
