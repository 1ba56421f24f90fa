import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Scaler } from '../scale/scaler.js';

export interface AlertsRoutesOptions {
  scaler: Scaler;
}

const Strings = Type.Record(Type.String(), Type.String());

/** Grafana's webhook contact point payload; fields this route does not use are accepted and ignored. */
const GrafanaAlert = Type.Object(
  {
    status: Type.Optional(Type.String({ description: 'firing or resolved' })),
    labels: Type.Optional(Strings),
    annotations: Type.Optional(Strings),
    startsAt: Type.Optional(Type.String()),
    endsAt: Type.Optional(Type.String()),
    fingerprint: Type.Optional(Type.String()),
    values: Type.Optional(
      Type.Unsafe<Record<string, unknown> | null>({
        type: ['object', 'null'],
        description: 'Evaluated expression values by refId (Grafana 9.5+)',
      }),
    ),
    valueString: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

const GrafanaWebhook = Type.Object(
  {
    receiver: Type.Optional(Type.String({ maxLength: 500 })),
    status: Type.Optional(Type.String()),
    alerts: Type.Array(GrafanaAlert, { maxItems: 1000 }),
  },
  { additionalProperties: true },
);

const Decision = Type.Object({
  alertname: Type.String(),
  fingerprint: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  decision: Type.Union([
    Type.Literal('scaled'),
    Type.Literal('dry_run'),
    Type.Literal('held'),
    Type.Literal('refused'),
    Type.Literal('ignored'),
    Type.Literal('failed'),
  ]),
  reason: Type.String(),
  before: Type.Optional(Type.Integer()),
  after: Type.Optional(Type.Integer()),
  notes: Type.Optional(Type.Array(Type.String())),
  auditId: Type.Optional(Type.String()),
});

export const alertsRoutes: FastifyPluginAsyncTypebox<AlertsRoutesOptions> = async (app, { scaler }) => {
  app.post(
    '/api/v1/alerts/grafana',
    {
      config: { auth: 'alert' },
      schema: {
        tags: ['scaling'],
        summary: 'Grafana webhook contact point: firing alerts drive the automatic scaling policy',
        description:
          "Authenticated by NTMA_ALERT_SECRET as the bearer credential (set the contact point's " +
          'Authorization header). Each alert is mapped to a target by its `ntma_target` label (or cadvisor ' +
          'container labels) and put through the automatic policy: opt-in (ntma.scale.auto), cooldown, ' +
          'step, hold on missing or stale data, attack-aware cap, dry-run. Always 200 for a valid payload: ' +
          'the answer lists what was decided for each alert, including failures.',
        security: [{ bearer: [] }],
        body: GrafanaWebhook,
        response: { 200: Type.Object({ decisions: Type.Array(Decision) }) },
      },
    },
    async (request) => ({ decisions: await scaler.handleAlerts(request.body) }),
  );
};
