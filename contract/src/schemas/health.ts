import { Type, type Static } from 'typebox';

/** GET /healthz. */
export const HealthSchema = Type.Object({ status: Type.Literal('ok') });
export type Health = Static<typeof HealthSchema>;

/** GET /readyz: 200 when every dependency answers, 503 (with `message`) otherwise. */
export const ReadinessSchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unready')]),
  checks: Type.Array(
    Type.Object({
      name: Type.String(),
      target: Type.String(),
      ok: Type.Boolean(),
      error: Type.Optional(Type.String()),
    }),
  ),
  message: Type.Optional(Type.String()),
});
export type Readiness = Static<typeof ReadinessSchema>;
