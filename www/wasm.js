// The model: the wasm-bindgen glue and its start. The one-file build (tools/bundle.mjs)
// sets EMBEDDED_WASM to the wasm gzipped, as base64; the hosted page fetches its file.
import init, * as api from "./pkg/rare_earth_alliances.js";

export { api };
export const EMBEDDED_WASM = null;

function base64ToBytes(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// The one-file page carries the wasm gzipped: inflate it with the browser's own
// DecompressionStream (no library, no request).
async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function startModel() {
  await init(EMBEDDED_WASM ? { module_or_path: await gunzip(base64ToBytes(EMBEDDED_WASM)) } : undefined);
}
