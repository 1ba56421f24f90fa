import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AlertWebhookSchema, AlertsAnswerSchema } from '@ntma/contract/schemas';
import type { AlertSender, Scaler } from '../scale/scaler.js';

export interface AlertsRoutesOptions {
  scaler: Scaler;
}

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
          body: AlertWebhookSchema,
          response: { 200: AlertsAnswerSchema },
        },
      },
      async (request) => ({ decisions: await scaler.handleAlerts(request.body, sender) }),
    );
  }
};
