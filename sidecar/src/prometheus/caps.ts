/** Caps on one Prometheus answer; past any of them the request answers 422 ANSWER_TOO_LARGE naming it. */
export interface AnswerCaps {
  /** Bytes of one answer, counted after decompression as it streams in (NTMA_PROMETHEUS_MAX_BYTES). */
  maxResponseBytes: number;
  /** Series one answer may hold (NTMA_PROMETHEUS_MAX_SERIES). */
  maxSeries: number;
  /** Values one range answer may hold, series × steps (NTMA_PROMETHEUS_MAX_POINTS). */
  maxPoints: number;
}

/** An answer this big already takes seconds to parse and fit; larger ones are a mistake or an attack. */
export const DEFAULT_ANSWER_CAPS: AnswerCaps = {
  maxResponseBytes: 64 * 1024 * 1024,
  maxSeries: 10000,
  maxPoints: 5_000_000,
};
