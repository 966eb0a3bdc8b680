import { describe, expect, test } from "vitest";
import { ascii } from "../../firmware/core/bytes";
import { AtReceiver, classify, digest, type AtItem } from "../../firmware/modem/at-digester";
import { ALL_URC_PREFIXES } from "../../firmware/modem/models/model-table";
import { Rng } from "../../sim/world/rng";

const URCS = ALL_URC_PREFIXES;

function items(text: string | Uint8Array, chunker?: Rng): { items: AtItem[]; rx: AtReceiver } {
  const rx = new AtReceiver(URCS, 256);
  const bytes = typeof text === "string" ? ascii(text) : text;
  const out: AtItem[] = [];
  let i = 0;
  while (i < bytes.length) {
    const n = chunker ? chunker.int(1, 8) : bytes.length;
    rx.push(bytes.subarray(i, i + n), (it) => out.push(it));
    i += n;
  }
  return { items: out, rx };
}

describe("digest", () => {
  test("one item and the bytes it used; incomplete lines wait", () => {
    const b = ascii("\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
    const d = digest(b, 0, b.length, URCS);
    expect(d.item).toEqual({ kind: "line", text: "+CSQ: 20,99" });
    expect(d.used).toBe(14);
    expect(digest(b, 0, 8, URCS)).toEqual({ used: 2, garbage: 0 });
  });

  test("finals, CME codes, echo, URCs, prompt", () => {
    expect(classify("OK", URCS)).toEqual({ kind: "ok" });
    expect(classify("ERROR", URCS)).toEqual({ kind: "error" });
    expect(classify("+CME ERROR: 159", URCS)).toEqual({ kind: "error", cme: 159 });
    expect(classify("+CME ERROR:4", URCS)).toEqual({ kind: "error", cme: 4 });
    expect(classify("AT+CSQ", URCS)).toEqual({ kind: "echo", text: "AT+CSQ" });
    expect(classify("+NSONMI:0,1.2.3.4,6808,2,ABCD", URCS).kind).toBe("urc");
    expect(classify("+CSQ:20,99", URCS).kind).toBe("line");
    expect(items("\r\n> ").items).toEqual([{ kind: "prompt" }]);
  });
});

describe("AtReceiver", () => {
  const transcript =
    "AT+NSOST=0,10.1.2.3,6808,2,ABCD,1\r\r\n0,2\r\n\r\n+NSONMI:0,10.1.2.3,6808,2,0102\r\n\r\nOK\r\n" +
    "\r\n+NSOSTR:0,1,1\r\n\r\n+CEREG: 5,1,\"0A0B\",\"01020304\",9,0,0,\"00100110\",\"01011111\"\r\n\r\n+CME ERROR: 3\r\n\r\n> ";
  const whole = items(transcript).items;

  test("recognises every item of a transcript, URC in the middle of a response included", () => {
    expect(whole.map((i) => i.kind)).toEqual(["echo", "line", "urc", "ok", "urc", "urc", "error", "prompt"]);
  });

  test("the same items whatever the chunking (1-8 byte chunks, 50 seeds)", () => {
    for (let seed = 1; seed <= 50; seed++) expect(items(transcript, new Rng(seed)).items).toEqual(whole);
  });

  test("garbage is counted and skipped; an over-long line is dropped whole", () => {
    const noisy = new Uint8Array([0, 0xff, 0x13, ...ascii("\r\nOK\r\n")]);
    const r = items(noisy);
    expect(r.items).toEqual([{ kind: "ok" }]);
    expect(r.rx.counters.garbage).toBe(3);
    const long = items("\r\n" + "7".repeat(600) + "\r\nOK\r\n", new Rng(3));
    expect(long.items).toEqual([{ kind: "ok" }]);
    expect(long.rx.counters.overflows).toBe(1);
    expect(long.rx.counters.garbage).toBeGreaterThanOrEqual(600);
  });
});
