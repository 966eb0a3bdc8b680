// Vectors: ../shared/vectors/jt808/smallchi-frames.jsonl — SmallChi/JT808 test suite (@c9552b0f), 39 frames with
// an independent decode of header and location fields (see the vectors README).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/core/bytes";
import { bcc, encodeFrame, escapeFrame, parseFrame, unescapeFrame } from "../../firmware/protocol/frame";
import type { Frame } from "../../firmware/protocol/frame";
import { decodeBatch, decodeLocation, encodeBatch, encodeLocation, latitude, longitude } from "../../firmware/protocol/location";
import type { LocationBody } from "../../firmware/protocol/location";
import {
  MSG, decodeAuth, decodeGeneralResponse, decodeRegisterReply, decodeRegistration,
  encodeAuth, encodeGeneralResponse, encodeRegisterReply, encodeRegistration,
} from "../../firmware/protocol/messages";
import { decodeItems, decodeParamsReply, encodeItems, encodeParamsReply } from "../../firmware/protocol/params";
import { decodeReport } from "../../sim/report/jt808-report";

interface RefLoc {
  alarm: string; status: string; lat: number; lon: number; alt_m: number; speed_kmh: number; dir_deg: number;
  time_bcd_gmt8: string; ext_trailing_bytes?: number; ext: { id: string; len: number; hex: string }[];
}
interface Ref {
  msgId: string; bodyLen: number; subpackage: boolean; version2019: boolean; bcc_ok: boolean; bcc_calc: string;
  phone: string; serial: number; pkgTotal?: number; pkgIndex?: number; len_ok: boolean; protoVersion?: number;
  loc?: RefLoc; batch?: { count: number; type: number; items: RefLoc[] };
}
const url = new URL("../../../shared/vectors/jt808/smallchi-frames.jsonl", import.meta.url);
const vectors = readFileSync(url, "utf8").trim().split("\n").map((l, i) => {
  const o = JSON.parse(l) as { source: string; hex: string; decoded_by_independent_reference: Ref };
  return { i, source: o.source, hex: o.hex, ref: o.decoded_by_independent_reference };
});

function parse(hex: string): Frame {
  const r = parseFrame(fromHex(hex)!);
  if ("error" in r) throw new Error(r.error);
  return r.frame;
}

function expectLocation(b: LocationBody, ref: RefLoc): void {
  const signed = (v: number): number => (v > 0x7fff ? v - 0x10000 : v);
  expect("0x" + b.alarm.toString(16).padStart(8, "0").toUpperCase()).toBe(ref.alarm);
  expect("0x" + b.status.toString(16).padStart(8, "0").toUpperCase()).toBe(ref.status);
  expect(latitude(b)).toBeCloseTo(ref.lat, 6);
  expect(longitude(b)).toBeCloseTo(ref.lon, 6);
  // the reference reads altitude as signed; the standard's field is unsigned
  expect(signed(b.altitude)).toBe(ref.alt_m);
  expect(b.speed10 / 10).toBeCloseTo(ref.speed_kmh, 6);
  expect(b.direction).toBe(ref.dir_deg);
  expect(toHex(b.time)).toBe(ref.time_bcd_gmt8);
  const complete = ref.ext_trailing_bytes === undefined;
  const ours = b.items.map((x) => ({ id: "0x" + x.id.toString(16).padStart(2, "0").toUpperCase(), len: x.value.length, hex: toHex(x.value) }));
  // where the reference ran past the end it reported a cut last item; we keep those bytes as `trailing`
  const theirs = ref.ext.map((x) => ({ id: x.id, len: x.len, hex: x.hex }));
  expect(ours).toEqual(complete ? theirs : theirs.slice(0, ours.length));
  if (complete) expect(b.trailing.length).toBe(0);
}

/** Our own encoder for the body, for the messages this firmware or its simulated platform produces. */
function reencodeBody(f: Frame): Uint8Array | undefined {
  const { msgId, edition } = f.header;
  switch (msgId) {
    case MSG.terminalAck:
    case MSG.platformAck:
      return encodeGeneralResponse(decodeGeneralResponse(f.body)!);
    case MSG.heartbeat:
    case MSG.queryParams:
      return new Uint8Array(0);
    case MSG.register: {
      const r = decodeRegistration(f.body, edition)!;
      return encodeRegistration(r.reg, edition, r.layout);
    }
    case MSG.registerReply:
      return encodeRegisterReply(decodeRegisterReply(f.body)!);
    case MSG.auth:
      return encodeAuth(decodeAuth(f.body, edition)!, edition);
    case MSG.location:
      return encodeLocation(decodeLocation(f.body)!);
    case MSG.batch: {
      const b = decodeBatch(f.body)!;
      return encodeBatch(b.type as 0 | 1, b.bodies.map((x) => encodeLocation(decodeLocation(x)!)));
    }
    case MSG.setParams:
      return encodeItems(decodeItems(f.body)!);
    case MSG.paramsReply: {
      if (f.header.packet) return undefined; // one packet of a longer message: no whole body to re-encode
      const r = decodeParamsReply(f.body)!;
      return encodeParamsReply(r.replySerial, r.items);
    }
    default:
      return undefined;
  }
}

let reencoded = 0;

describe("SmallChi JT/T 808 frames", () => {
  it("holds the 39 frames the README announces", () => expect(vectors.length).toBe(39));

  for (const v of vectors) {
    const ref = v.ref;
    it(`#${v.i} ${ref.msgId} (${v.source.split(" ")[1]})`, () => {
      const f = parse(v.hex);
      const content = unescapeFrame(fromHex(v.hex)!).content;
      expect(bcc(content, 0, content.length - 1).toString(16).padStart(2, "0")).toBe(ref.bcc_calc);
      expect(f.bccOk).toBe(ref.bcc_ok);
      expect("0x" + f.header.msgId.toString(16).padStart(4, "0").toUpperCase()).toBe(ref.msgId);
      expect(f.attr & 0x3ff).toBe(ref.bodyLen);
      if (ref.len_ok) {
        // the reference found the length consistent with bit 14: we agree on edition and every header field
        expect(f.lenOk).toBe(true);
        expect(f.header.edition).toBe(ref.version2019 ? 2019 : 2013);
        expect(f.header.phone).toBe(ref.phone);
        expect(f.header.serial).toBe(ref.serial);
        expect(f.body.length).toBe(ref.bodyLen);
        if (ref.subpackage) expect(f.header.packet).toEqual({ total: ref.pkgTotal, index: ref.pkgIndex });
        else expect(f.header.packet).toBeUndefined();
        if (ref.protoVersion !== undefined) expect(f.header.protoVersion).toBe(ref.protoVersion);
        if (ref.loc) expectLocation(decodeLocation(f.body)!, ref.loc);
        if (ref.batch) {
          const b = decodeBatch(f.body)!;
          expect(b.type).toBe(ref.batch.type);
          expect(b.bodies.length).toBe(ref.batch.count);
          b.bodies.forEach((x, k) => expectLocation(decodeLocation(x)!, ref.batch!.items[k]));
        }
        const body = reencodeBody(f);
        if (body) {
          reencoded++;
          // byte-identical where the BCC was right; the vector's wrong BCC is replaced by the computed one
          const fixed = content.slice();
          fixed[fixed.length - 1] = parseInt(ref.bcc_calc, 16);
          if (ref.bcc_ok) expect(toHex(encodeFrame(f.header, body))).toBe(v.hex.toLowerCase());
          else expect(toHex(encodeFrame(f.header, body))).toBe(toHex(escapeFrame(fixed)));
        }
      } else if (f.lenOk) {
        // the reference trusted bit 14 and found the length wrong; the other edition's header fits exactly
        expect(f.editionGuessed).toBe(true);
        expect(f.header.edition).toBe(ref.version2019 ? 2013 : 2019);
        expect(f.body.length).toBe(ref.bodyLen);
        if (f.header.msgId === MSG.location) expect(decodeLocation(f.body)).toBeDefined();
      } else {
        // neither edition fits: decoded by the flag, reported as such
        expect(f.header.edition).toBe(ref.version2019 ? 2019 : 2013);
        expect(f.header.serial).toBe(ref.serial);
        expect(f.header.phone).toBe(ref.phone);
        if (ref.batch) {
          const b = decodeBatch(f.body)!;
          expect(b.type).toBe(ref.batch.type);
          // only the first entry is intact in this frame; the reference's second entry is misaligned
          expectLocation(decodeLocation(b.bodies[0])!, ref.batch.items[0]);
        }
      }
      const report = JSON.parse(decodeReport(v.hex)) as { msgId: string; bccOk: boolean; serial: number };
      expect(report.msgId).toBe(ref.msgId);
      expect(report.bccOk).toBe(ref.bcc_ok);
    });
  }

  it("re-encoded every frame of a message we produce", () => expect(reencoded).toBe(30));

  it("reads the 2013 frame with bit 14 set as 2013 (auth code J10030000681)", () => {
    const f = parse(vectors[16].hex);
    expect(f.header.edition).toBe(2013);
    expect(f.header.phone).toBe("010030000681");
    expect(String.fromCharCode(...decodeAuth(f.body, 2013)!.code)).toBe("J10030000681");
  });

  it("reads the 2019 frame without bit 14 as 2019", () => {
    const f = parse(vectors[38].hex);
    expect(f.header.edition).toBe(2019);
    expect(f.header.phone).toBe("00000000013419905507");
    expect(f.header.serial).toBe(1);
    expect(f.body.length).toBe(0);
  });
});
