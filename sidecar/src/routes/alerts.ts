import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AlertSender, Scaler } from '../scale/scaler.js';

export interface AlertsRoutesOptions {
  scaler: Scaler;
}

const Strings = Type.Record(Type.String(), Type.String());

/**
 * Grafana's webhook contact point payload, which extends Alertmanager's webhook body; fields these
 * routes do not use are accepted and ignored.
 */
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
    Type.Literal('duplicate'),
  ]),
  reason: Type.String(),
  before: Type.Optional(Type.Integer()),
  after: Type.Optional(Type.Integer()),
  notes: Type.Optional(Type.Array(Type.String())),
  auditId: Type.Optional(Type.String()),
});

const SENDERS: Record<AlertSender, { path: string; summary: string; setup: string }> = {
  grafana: {
    path: '/api/v1/alerts/grafana',
    summary: 'Grafana webhook contact point: firing alerts drive the automatic scaling policy',
    setup: "set the contact point's Authorization header",
  },
  alertmanager: {
    path: '/api/v1/alerts/alertmanager',
    summary: 'Alertmanager webhook receiver: firing alerts drive the automatic scaling policy',
    setup: "set the receiver's http_config.authorization; rules template the value as the ntma_value annotation",
  },
};

export const alertsRoutes: FastifyPluginAsyncTypebox<AlertsRoutesOptions> = async (app, { scaler }) => {
  for (const [sender, { path, summary, setup }] of Object.entries(SENDERS) as Array<
    [AlertSender, (typeof SENDERS)[AlertSender]]
  >) {
    app.post(
      path,
      {
        config: { auth: 'alert' },
        schema: {
          tags: ['scaling'],
          summary,
          description:
            `Authenticated by NTMA_ALERT_SECRET as the bearer credential (${setup}). ` +
            'Each alert is mapped to a target by its `ntma_target` label (or cadvisor ' +
            'container labels) and put through the automatic policy: opt-in (ntma.scale.auto), cooldown, ' +
            'step, hold on missing or stale data (an alert without the annotation `ntma_observed_at`, its sample ' +
            'time, holds), attack-aware cap, dry-run. A repeated delivery of an alert observation already decided ' +
            '(same fingerprint, start and sample time) is answered `duplicate` and does nothing. Always 200 for a ' +
            'valid payload: the answer lists what was decided for each alert, including failures.',
          security: [{ bearer: [] }],
          body: GrafanaWebhook,
          response: { 200: Type.Object({ decisions: Type.Array(Decision) }) },
        },
      },
      async (request) => ({ decisions: await scaler.handleAlerts(request.body, sender) }),
    );
  }
};
