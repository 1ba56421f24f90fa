/**
 * A watched model's snapshot in the layout V8 stores most compactly. A snapshot that crossed a
 * thread (or was structured-cloned) holds its arrays of numbers as arrays of boxed numbers: 16
 * bytes of heap number plus a 4-byte pointer each, where an array of doubles takes 8 bytes a
 * number. With one model per watched series (its calibration errors, its seasonal cycles, its
 * filter state) that is a few hundred bytes to kilobytes per series, and every number the filter
 * later writes into a boxed array is a fresh allocation.
 */

/** Plain data (a model snapshot) with every array of numbers rebuilt as an array of doubles. */
export function unboxed<T>(value: T): T {
  if (Array.isArray(value)) {
    // map() builds its result by element kind: numbers become an unboxed double (or small-integer) array.
    return value.every((v) => typeof v === 'number') ? (value.map((v: number) => v) as T) : (value.map(unboxed) as T);
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = unboxed(v);
    return out as T;
  }
  return value;
}
