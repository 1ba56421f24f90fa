/**
 * `npm run demo:attack`: switches the traffic generator to the attack profile, then prints, as they
 * happen, the attack's stages, each series that leaves its band (`ntma_anomaly` from Prometheus, so
 * the delay is what Grafana would see), the kind it was given, the alert rules' states as
 * Prometheus evaluates them, and the sidecar's anomaly and audit entries (alert-webhook decisions
 * and scale actions). `--normal` switches back instead.
 */
import { type Env, EnvError, httpUrl, integer, text } from './env/env.js';
import { LOOPBACK, NATIVE_PORTS, SCRAPE_INTERVAL_SECONDS } from './stack/ports.js';
import { type Labels, Seen, describeEntry, extractItems, labelsText, sinceOnset } from './attack/report.js';

interface Options {
  control: URL;
  prometheus: URL;
  sidecar: URL;
  token: string | undefined;
  watchSeconds: number;
  normal: boolean;
}

function options(argv: string[], env: Env): Options {
  const watchAt = argv.indexOf('--watch');
  const watchEnv: Env = { ...env };
  if (watchAt >= 0) watchEnv.DEMO_ATTACK_WATCH_SECONDS = argv[watchAt + 1];
  return {
    control: httpUrl(env, 'LOADGEN_CONTROL_URL', `http://${LOOPBACK}:${NATIVE_PORTS.loadgenControl}`),
    prometheus: httpUrl(env, 'PROMETHEUS_URL', `http://${LOOPBACK}:${NATIVE_PORTS.prometheus}`),
    sidecar: httpUrl(env, 'NTMA_SIDECAR_URL', `http://${LOOPBACK}:${NATIVE_PORTS.sidecar}`),
    token: text(env, 'NTMA_API_TOKEN'),
    watchSeconds: integer(watchEnv, 'DEMO_ATTACK_WATCH_SECONDS', 300, 0, 86400),
    normal: argv.includes('--normal'),
  };
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function getJson(url: URL, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  const body: unknown = await response.json().catch(() => undefined);
  return { status: response.status, body };
}

async function promQuery(prometheus: URL, query: string): Promise<Array<{ metric: Labels; value: [number, string] }>> {
  const url = new URL(`${prometheus.href.replace(/\/$/, '')}/api/v1/query`);
  url.searchParams.set('query', query);
  const { status, body } = await getJson(url);
  const data = (body as { data?: { result?: Array<{ metric: Labels; value: [number, string] }> } } | undefined)?.data;
  if (status !== 200 || !data?.result) throw new Error(`Prometheus answered ${status} to ${query}`);
  return data.result;
}

async function sidecarList(opts: Options, what: 'anomalies' | 'audit'): Promise<{ status: number; items: unknown[] }> {
  const url = new URL(`${opts.sidecar.href.replace(/\/$/, '')}/api/v1/${what}`);
  const { status, body } = await getJson(url, opts.token ? { authorization: `Bearer ${opts.token}` } : {});
  return { status, items: status === 200 ? extractItems(body) : [] };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2), process.env);
  const seenSidecar = { anomalies: new Seen(), audit: new Seen() };
  // Entries from before the attack are history, not news: remember them without printing.
  for (const what of ['anomalies', 'audit'] as const) {
    await sidecarList(opts, what).then(
      ({ items }) => seenSidecar[what].fresh(items),
      () => undefined,
    );
  }
  const profileUrl = new URL(`${opts.control.href.replace(/\/$/, '')}/profile`);
  const response = await fetch(profileUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ profile: opts.normal ? 'normal' : 'attack' }),
    signal: AbortSignal.timeout(5000),
  }).catch((error: unknown) => {
    throw new Error(
      `cannot reach the traffic generator at ${profileUrl.href} (${String(error)}); is the demo running (npm start or docker compose up)?`,
    );
  });
  const status = (await response.json()) as { stage?: string; attackStartedAt?: string; message?: string };
  if (!response.ok) throw new Error(`the traffic generator refused: ${status.message ?? response.status}`);
  if (opts.normal) {
    print('loadgen: back to the normal profile');
    return;
  }
  const onset = status.attackStartedAt ? Date.parse(status.attackStartedAt) : Date.now();
  print(
    `attack started at ${new Date(onset).toISOString()} (stage ${status.stage}); watching for ${opts.watchSeconds}s, Ctrl-C stops watching (not the attack)`,
  );

  const seenAnomalies = new Map<string, number>();
  const seenKinds = new Seen();
  const seenAlerts = new Seen();
  const auditBefore = seenSidecar.audit.size;
  const unavailable = new Set<string>();
  let lastStage = status.stage;
  let firstAnomalyAt: number | undefined;
  const kinds = new Set<string>();
  const deadline = onset + opts.watchSeconds * 1000;
  let stopping = false;
  process.once('SIGINT', () => {
    stopping = true;
  });

  const warnOnce = (what: string, why: string): void => {
    if (unavailable.has(what)) return;
    unavailable.add(what);
    print(`(${what} not available: ${why})`);
  };

  while (!stopping && Date.now() < deadline) {
    const now = Date.now();
    try {
      const { body } = await getJson(new URL(`${opts.control.href.replace(/\/$/, '')}/status`));
      const stage = (body as { stage?: string }).stage;
      if (stage && stage !== lastStage) {
        print(`${sinceOnset(onset, now)} loadgen stage ${lastStage} → ${stage}`);
        lastStage = stage;
      }
    } catch (error) {
      warnOnce('loadgen status', String(error));
    }

    try {
      for (const series of await promQuery(opts.prometheus, 'ntma_anomaly != 0')) {
        const key = labelsText(series.metric);
        if (seenAnomalies.has(key)) continue;
        seenAnomalies.set(key, now);
        firstAnomalyAt ??= now;
        print(`${sinceOnset(onset, now)} ANOMALY ntma_anomaly=${series.value[1]} ${key}`);
      }
      // The alert rules' verdicts as Prometheus evaluates them (native stack; Grafana's own rules
      // do not write ALERTS, so on the compose stack only the audit shows their effect).
      for (const series of seenAlerts.fresh(
        (await promQuery(opts.prometheus, 'ALERTS')).map((s) => s.metric),
      ) as Labels[]) {
        const { alertname = '?', alertstate = '?', ...rest } = series;
        print(`${sinceOnset(onset, now)} ALERT ${alertstate} "${alertname}" ${labelsText(rest)}`);
      }
      const kindSeries = await promQuery(opts.prometheus, 'ntma_anomaly_kind_info');
      for (const series of seenKinds.fresh(kindSeries.map((s) => s.metric)) as Labels[]) {
        if (series.kind) kinds.add(series.kind);
        print(`${sinceOnset(onset, now)} KIND ${series.kind ?? '?'} ${labelsText(series)}`);
      }
    } catch (error) {
      warnOnce('Prometheus', String(error));
    }

    for (const what of ['anomalies', 'audit'] as const) {
      try {
        const { status: code, items } = await sidecarList(opts, what);
        if (code !== 200) {
          warnOnce(`sidecar /api/v1/${what}`, `HTTP ${code}`);
          continue;
        }
        for (const entry of seenSidecar[what].fresh(items)) {
          print(`${sinceOnset(onset, now)} ${what === 'audit' ? 'AUDIT' : 'SIDECAR ANOMALY'} ${describeEntry(entry)}`);
        }
      } catch (error) {
        warnOnce(`sidecar /api/v1/${what}`, String(error));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }

  print('--- summary');
  print(
    firstAnomalyAt === undefined
      ? 'no series left its band while watching'
      : `first ntma_anomaly≠0 seen ${sinceOnset(onset, firstAnomalyAt)} after onset (polled every 2 s; Prometheus scrapes every ${SCRAPE_INTERVAL_SECONDS} s)`,
  );
  print(`kinds: ${kinds.size > 0 ? [...kinds].join(', ') : 'none reported'}`);
  print(
    `alert states seen: ${seenAlerts.size}; audit updates during the attack: ${seenSidecar.audit.size - auditBefore}`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof EnvError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`demo:attack: ${message}\n`);
  process.exit(1);
});
