/**
 * Byte-exact transcripts of the simulated parts (formats per the Quectel BC95/BC660K and SIMCom SIM7020 AT
 * manuals), and the firmware's parsers fed each reply in random 1-8 byte chunks.
 */
import { describe, expect, test } from "vitest";
import { ascii, fromAscii } from "../../firmware/core/bytes";
import { AtEngine, type AtResult } from "../../firmware/modem/at-engine";
import { ALL_URC_PREFIXES, detectModel, MODELS } from "../../firmware/modem/models/model-table";
import type { Serial } from "../../hal/ports";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import type { ModemModel } from "../../sim/world/trace-types";
import { rig, simClock } from "./rig";

type Step = [cmd: string, reply: string];
const E = "866818039921444";
const I = "89860425102180000123";

const TRANSCRIPTS: Record<ModemModel, Step[]> = {
  bc95: [
    ["AT", "AT\r\r\nOK\r\n"],
    ["ATE0", "ATE0\r\r\nOK\r\n"],
    ["AT+CGMM", "\r\nBC95HB-02-STD_850\r\n\r\nOK\r\n"],
    ["AT+CEREG=5", "\r\nOK\r\n"],
    ["AT+NSONMI=2", "\r\nOK\r\n"],
    ['AT+CPSMS=1,,,"00100100","00000001"', "\r\nOK\r\n"],
    ["AT+CGSN=1", `\r\n+CGSN:${E}\r\n\r\nOK\r\n`],
    ["AT+NCCID", `\r\n+NCCID:${I}\r\n\r\nOK\r\n`],
    ["AT+CEREG?", '\r\n+CEREG:5,1,"1A2B","0C3D4E5F",9,0,0,"00000001","00100100"\r\n\r\nOK\r\n'],
    ["AT+NSOCR=DGRAM,17,0,1", "\r\n0\r\n\r\nOK\r\n"],
    ["AT+NSOSTF=0,10.1.2.3,6808,0x400,4,7E010203,9", "\r\n0,4\r\n\r\nOK\r\n\r\n+NSOSTR:0,9,1\r\n"],
    ["AT+NSOCL=0", "\r\nOK\r\n"],
    ["AT+NSOCL=0", "\r\nERROR\r\n"],
  ],
  bc660k: [
    ["AT", "AT\r\r\nOK\r\n"],
    ["ATE0", "ATE0\r\r\nOK\r\n"],
    ["AT+CGMM", "\r\nBC660K-GL\r\n\r\nOK\r\n"],
    ["AT+CEREG=5", "\r\nOK\r\n"],
    ["AT+CGSN=1", `\r\n+CGSN: ${E}\r\n\r\nOK\r\n`],
    ["AT+QCCID", `\r\n+QCCID: ${I}\r\n\r\nOK\r\n`],
    ["AT+CESQ", "\r\n+CESQ: 99,99,255,255,20,56\r\n\r\nOK\r\n"],
    ["AT+NSONMI=2", "\r\nOK\r\n"],
    ["AT+NSOCR=DGRAM,17,0,1", "\r\n0\r\n\r\nOK\r\n"],
    ["AT+NSOST=0,10.1.2.3,6808,2,0102,3", "\r\n0,2\r\n\r\nOK\r\n\r\n+NSOSTR: 0,3,1\r\n"],
    ["AT+NSOCL=4", "\r\n+CME ERROR: 4\r\n"],
  ],
  sim7020: [
    ["AT", "AT\r\r\nOK\r\n"],
    ["ATE0", "ATE0\r\r\nOK\r\n"],
    ["AT+CGMM", "\r\nSIM7020E\r\n\r\nOK\r\n"],
    ["AT+CEREG=1", "\r\nOK\r\n"],
    ["AT+CEREG?", "\r\n+CEREG: 1,1\r\n\r\nOK\r\n"],
    ["AT+CGSN=1", `\r\n+CGSN: ${E}\r\n\r\nOK\r\n`],
    ["AT+CCID", `\r\n${I}\r\n\r\nOK\r\n`],
    ["AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"],
    ["AT+CSOC=1,2,1", "\r\n+CSOC: 0\r\n\r\nOK\r\n"],
    ['AT+CSOCON=0,6808,"10.1.2.3"', "\r\nOK\r\n"],
    ["AT+CNBIOTRAI=1", "\r\nOK\r\n"],
    ["AT+CSOSEND=0,6,7E0A0B", "\r\nOK\r\n"],
    ["AT+CSOSEND=0,5,7E0A0B", "\r\n+CME ERROR: 4\r\n"],
    ["AT+CSOCL=0", "\r\nOK\r\n"],
  ],
};

/** Runs a transcript against the simulated part and returns the bytes it printed per command. */
function play(model: ModemModel, steps: Step[]): { replies: string[]; after: string } {
  const r = rig(model);
  let out = "";
  const serial = r.uart.bind(() => true);
  serial.onReceive((c) => (out += fromAscii(c)));
  serial.setPower(true);
  r.sched.run(15000); // boot + attach
  out = "";
  const replies: string[] = [];
  for (const [cmd] of steps) {
    serial.write(ascii(cmd + "\r"));
    r.sched.run(r.sched.now + 500); // an uplink leaves within 300 ms: its +NSOSTR belongs to its step
    replies.push(out);
    out = "";
  }
  r.sched.run(r.sched.now + 5000);
  return { replies, after: out };
}

/** A Serial whose receive side the test drives. */
function fakeSerial(): Serial & { feed(b: Uint8Array): void; written: string[] } {
  let rx: (c: Uint8Array) => void = () => {};
  const written: string[] = [];
  return {
    written,
    write: (b) => written.push(fromAscii(b)),
    onReceive: (fn) => (rx = fn),
    setPower: () => {},
    powered: () => true,
    feed: (b) => rx(b),
  };
}

/** Feeds `reply` to an engine running `cmd` in random chunks; returns the result and the URCs seen. */
function parse(cmd: string, reply: string, seed: number): { result?: AtResult; urcs: string[] } {
  const sched = new Scheduler();
  const serial = fakeSerial();
  const engine = new AtEngine(serial, simClock(sched), ALL_URC_PREFIXES);
  const urcs: string[] = [];
  engine.onUrc((u) => urcs.push(u));
  let result: AtResult | undefined;
  engine.run({ text: cmd, timeoutMs: 1000, attempts: 1, claims: cmd === "AT+CEREG?" ? ["+CEREG:"] : undefined }, (r) => (result = r));
  sched.run(0);
  const rng = new Rng(seed);
  const b = ascii(reply);
  for (let i = 0; i < b.length; ) {
    const n = rng.int(1, 8);
    serial.feed(b.subarray(i, i + n));
    i += n;
  }
  return { result, urcs };
}

describe.each(Object.keys(TRANSCRIPTS) as ModemModel[])("%s", (model) => {
  const steps = TRANSCRIPTS[model];
  const { replies, after } = play(model, steps);

  test("answers byte for byte", () => {
    expect(replies).toEqual(steps.map((s) => s[1]));
  });

  test("every reply parses the same in random 1-8 byte chunks", () => {
    for (let k = 0; k < steps.length; k++) {
      const whole = parse(steps[k][0], steps[k][1], 0);
      expect(whole.result).toBeDefined();
      for (let seed = 1; seed <= 20; seed++) expect(parse(steps[k][0], steps[k][1], seed)).toEqual(whole);
    }
  });

  test("the model scripts read the answers", () => {
    const m = MODELS[model];
    const lines = (k: number) => parse(steps[k][0], steps[k][1], 5).result!.lines;
    expect(detectModel(lines(2))).toBe(model);
    const imeiAt = steps.findIndex((s) => s[0] === "AT+CGSN=1");
    expect(m.imei(lines(imeiAt))).toBe(E);
    expect(m.iccid(lines(imeiAt + 1))).toBe(I);
    const sock = steps.findIndex((s) => s[0].startsWith("AT+NSOCR") || s[0].startsWith("AT+CSOC="));
    expect(m.socketId(lines(sock))).toBe(0);
  });

  if (model !== "sim7020") {
    test("the radio's verdict on a numbered send arrives as +NSOSTR", () => {
      const line = replies.join("").split("\r\n").find((l) => l.startsWith("+NSOSTR"))!;
      expect(MODELS[model].sendStatus(line)).toEqual({ socket: 0, seq: model === "bc95" ? 9 : 3, ok: true });
      expect(after).toBe("");
    });
  }
});

test("a URC in the middle of a response goes to subscribers, the response stays whole", () => {
  const reply = "\r\n0,4\r\n\r\n+NSONMI:0,10.1.2.3,6808,2,AA01\r\n\r\nOK\r\n";
  for (let seed = 1; seed <= 20; seed++) {
    const p = parse("AT+NSOST=0,10.1.2.3,6808,4,7E010203,1", reply, seed);
    expect(p.result).toEqual({ ok: true, lines: ["0,4"] });
    expect(p.urcs).toEqual(["+NSONMI:0,10.1.2.3,6808,2,AA01"]);
    expect(MODELS.bc95.received(p.urcs[0])?.bytes).toEqual(Uint8Array.of(0xaa, 1));
  }
});

test("engine: timeout retried with the command's own attempts, then reported; prompt gets the data", () => {
  const sched = new Scheduler();
  const serial = fakeSerial();
  const engine = new AtEngine(serial, simClock(sched), ALL_URC_PREFIXES);
  const results: AtResult[] = [];
  engine.run({ text: "AT+CSQ", timeoutMs: 500, attempts: 3 }, (r) => results.push(r));
  engine.run({ text: "AT+QISEND=0,2", timeoutMs: 500, attempts: 1, data: Uint8Array.of(0x41, 0x42) }, (r) => results.push(r));
  sched.run(1400);
  expect(serial.written).toEqual(["AT+CSQ\r", "AT+CSQ\r", "AT+CSQ\r"]);
  sched.run(1600);
  expect(results[0]).toMatchObject({ ok: false, reason: "timeout" });
  expect(serial.written[3]).toBe("AT+QISEND=0,2\r");
  serial.feed(ascii("\r\n> "));
  expect(serial.written[4]).toBe("AB");
  serial.feed(ascii("\r\nSEND OK\r\n\r\nOK\r\n"));
  expect(results[1]).toEqual({ ok: true, lines: ["SEND OK"] });
  expect(engine.counters.timeouts).toBe(3);
});
