/**
 * The simulator as one script for the XS engine: the host passes a trace (JSON text, UTF-8) to
 * globalThis.handleCommand and gets back the summary and the full transcript as JSON, byte for byte what the Node
 * run produces. Bundled by esbuild into an IIFE (see test/xs).
 */
import { fromUtf8, utf8 } from "../firmware/core/bytes";
import { simulate } from "./simulation";
import { loadTrace, TraceError } from "./world/trace-loader";

export function runText(text: string): string {
  try {
    const r = simulate(loadTrace(text));
    return JSON.stringify({ summary: r.summary, transcript: r.transcript, server: r.serverLog });
  } catch (e) {
    if (e instanceof TraceError) return JSON.stringify({ error: e.message });
    throw e;
  }
}

(globalThis as unknown as { handleCommand: (b: ArrayBuffer) => ArrayBuffer }).handleCommand = (buf) => {
  const out = utf8(runText(fromUtf8(new Uint8Array(buf))));
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
};
