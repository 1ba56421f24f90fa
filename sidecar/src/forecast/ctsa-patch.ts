/**
 * One function of the arima package's WASM (ctsa) left out where nothing reads what it computes.
 *
 * Every fit of an undifferenced order (d = 0) estimates its mean by ctsa's `regress()` first, for the CSS or ML
 * fit's start, once per fit. Besides the coefficient, `regress()` fills a regression summary: R², an F test and
 * 95% confidence limits of each coefficient and of the residual variance. The variance's limits come from
 * `chiinv`, an iterative inverse of the chi-square distribution function (incomplete gamma functions, `pow` and
 * `log` in a loop), whatever the series' length: 2-3 ms of a 3-4 ms stationary fit over 500 points, and as much
 * over 20 (issue 18, spd23). The two limits are stored in the summary's `sigma_lower` and `sigma_upper` and
 * nothing else: cssx and as154x read the coefficient, the package reads the fitted model, never the summary.
 *
 * So the loaded binary's `chiinv` returns NaN at once (its body replaced by `f64.const nan; nop...; end`, the
 * same length, so no section size moves). Pinned to the package's binary by its SHA-256: any other binary
 * (a package update) is loaded as it is, slower and otherwise the same, and ctsa-patch.test.ts fails so that the
 * patch is made again for it. That test checks the patched fits against the shipped binary's to the byte: the
 * fitted model struct and its coefficients, residuals and covariance, over orders with and without differencing,
 * both methods and both optimisers.
 */
import { createHash } from 'node:crypto';

/** SHA-256 of `wasm/native.wasm` in the arima package 0.2.8, the binary the patch was made for. */
export const CTSA_WASM_SHA256 = '8de0e78ab742d7d59fd5ab11651a43fde5155361292a5c86418bd090f5cf1a35';

/**
 * ctsa's `chiinv(p, df)` in that binary: its function index (the module's four imports counted, as in
 * `wasm-objdump`) and the length of its body in bytes.
 */
const CHIINV = {
  index: 91,
  imports: 4,
  bodyBytes: 1047,
} as const;

/** WASM opcodes the replacement body is written with. */
const OP = { f64Const: 0x44, nop: 0x01, end: 0x0b } as const;
const CODE_SECTION = 10;

function leb128(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let pos = at;
  for (;;) {
    const b = bytes[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, next: pos };
  }
}

/** Where the body of the module's `defined`-th own function lies (after its size), or undefined. */
function functionBody(bytes: Uint8Array, defined: number): { start: number; end: number } | undefined {
  let pos = 8; // magic and version
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const size = leb128(bytes, pos + 1);
    const sectionEnd = size.next + size.value;
    if (id === CODE_SECTION) {
      const count = leb128(bytes, size.next);
      if (defined >= count.value) return undefined;
      let at = count.next;
      for (let i = 0; ; i++) {
        const body = leb128(bytes, at);
        if (i === defined) return { start: body.next, end: body.next + body.value };
        at = body.next + body.value;
      }
    }
    pos = sectionEnd;
  }
  return undefined;
}

/**
 * The package's WASM with `chiinv` returning NaN at once, when it is the binary the patch was made for;
 * otherwise the bytes as they are (`patched: false`).
 */
export function withoutChiinv(wasm: Uint8Array): { bytes: Uint8Array; patched: boolean } {
  if (createHash('sha256').update(wasm).digest('hex') !== CTSA_WASM_SHA256) return { bytes: wasm, patched: false };
  const body = functionBody(wasm, CHIINV.index - CHIINV.imports);
  if (!body || body.end - body.start !== CHIINV.bodyBytes) return { bytes: wasm, patched: false };
  const bytes = Uint8Array.from(wasm);
  const view = new DataView(bytes.buffer);
  bytes[body.start] = 0; // no local declarations
  bytes[body.start + 1] = OP.f64Const;
  view.setFloat64(body.start + 2, Number.NaN, true);
  bytes.fill(OP.nop, body.start + 10, body.end - 1);
  bytes[body.end - 1] = OP.end;
  return { bytes, patched: true };
}
