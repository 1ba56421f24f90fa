/**
 * The compose stack's files, checked by the tools that will read them: Debian's docker-compose
 * validates docker-compose.yml with .env.example filled in, promtool validates both Prometheus
 * configurations, and the Grafana provisioning files are cross-checked against the compose file
 * and the dashboards' action URLs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { SCALE_ACTION_GLOB } from '../../demo/src/dashboards/grafana-ids.js';
import { JOBS, NATIVE_ONLY_JOBS, NATIVE_PORTS } from '../../demo/src/stack/ports.js';
import { type Component, describeWith, promtool } from '../support/components.js';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

function onPath(binary: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

const dockerCompose: Component = {
  name: 'docker-compose',
  path: onPath('docker-compose'),
  install: 'run scripts/install-deps (Debian package "docker-compose")',
};

const FILLED: Record<string, string> = {
  NTMA_API_TOKEN: 'compose-test-token-0123456789',
  NTMA_ALERT_SECRET: 'compose-test-secret-0123456789',
  GRAFANA_ADMIN_PASSWORD: 'compose-test-password',
  DOCKER_GID: '999',
};

/** .env.example with the required values filled in, as a user would. */
function filledEnv(overrides: Record<string, string | undefined> = {}): string {
  const values = { ...FILLED, ...overrides };
  return read('.env.example')
    .split('\n')
    .map((line) => {
      const match = /^([A-Z_]+)=\s*$/.exec(line);
      if (!match) return line;
      const value = values[match[1]!];
      return value === undefined ? line : `${match[1]}=${value}`;
    })
    .join('\n');
}

interface ComposeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs Debian's docker-compose on the repository's compose file with only `envFile` as its environment. */
function compose(envFile: string, args: string[]): ComposeRun {
  const dir = mkdtempSync(path.join(tmpdir(), 'ntma-compose-'));
  try {
    const file = path.join(dir, '.env');
    writeFileSync(file, envFile);
    // A clean environment: values from the developer's shell must not satisfy the checks.
    const run = spawnSync(
      dockerCompose.path!,
      ['--project-directory', ROOT, '-f', path.join(ROOT, 'docker-compose.yml'), '--env-file', file, ...args],
      { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } },
    );
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Service {
  image?: string;
  command?: string[] | string;
  build?: { context: string; dockerfile: string };
  healthcheck?: { test: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
  environment?: Record<string, string>;
  labels?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  user?: string;
  group_add?: string[];
  network_mode?: string;
}

describeWith([dockerCompose], 'docker-compose.yml under Debian docker-compose', () => {
  let services: Record<string, Service>;

  beforeAll(() => {
    const run = compose(filledEnv(), ['config']);
    if (run.status !== 0) throw new Error(`docker-compose config failed: ${run.stderr}`);
    services = (parse(run.stdout) as { services: Record<string, Service> }).services;
  });

  it('is accepted by `docker-compose config -q` once .env.example is filled in', () => {
    const run = compose(filledEnv(), ['config', '-q']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.each(['NTMA_API_TOKEN', 'NTMA_ALERT_SECRET', 'GRAFANA_ADMIN_PASSWORD', 'DOCKER_GID'])(
    'refuses to start without %s, naming it',
    (variable) => {
      const run = compose(filledEnv({ [variable]: '' }), ['config', '-q']);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(variable);
    },
  );

  it('runs the whole stack: Prometheus, Grafana, node-exporter, cadvisor, sidecar, web, loadgen', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['cadvisor', 'grafana', 'loadgen', 'node-exporter', 'prometheus', 'sidecar', 'web'].sort(),
    );
  });

  it('pins every pulled image to a version, and Grafana to 12 or later', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(`${name}: ${service.image}`).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
    const grafanaMajor = Number(/grafana\/grafana:(\d+)\./.exec(services.grafana!.image!)?.[1]);
    expect(grafanaMajor).toBeGreaterThanOrEqual(12);
    expect(services.prometheus!.image).toMatch(/^prom\/prometheus:/);
  });

  it('runs Prometheus without its lifecycle API, so no request can stop or reconfigure it', () => {
    // --web.enable-lifecycle opens POST /-/quit and /-/reload to anyone who reaches the port,
    // a cross-site form post from a local browser included; nothing in the stack reloads it.
    const command = services.prometheus!.command;
    const args = Array.isArray(command) ? command : (command ?? '').split(/\s+/);
    expect(args).toEqual(expect.arrayContaining([expect.stringMatching(/^--config\.file=/)]));
    expect(args.filter((a) => a.startsWith('--web.enable-lifecycle'))).toEqual([]);
  });

  it('gives every service a healthcheck and every dependency a condition', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(`${name}: ${JSON.stringify(service.healthcheck?.test ?? null)}`).not.toMatch(/: null$/);
      expect(service.healthcheck?.disable).not.toBe(true);
      for (const [dependency, spec] of Object.entries(service.depends_on ?? {})) {
        expect(`${name} -> ${dependency}: ${spec.condition}`).toMatch(
          /: service_(healthy|started|completed_successfully)$/,
        );
      }
    }
    expect(services.grafana!.depends_on).toEqual({
      prometheus: { condition: 'service_healthy' },
      sidecar: { condition: 'service_healthy' },
    });
    expect(services.loadgen!.depends_on?.web?.condition).toBe('service_healthy');
    expect(services.sidecar!.depends_on?.prometheus?.condition).toBe('service_healthy');
  });

  it('loads the plugin unsigned for our three ids only and lets actions POST only to the scale proxy path', () => {
    const env = services.grafana!.environment!;
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',').sort()).toEqual([
      'ntma-anomaly-app',
      'ntma-anomalybands-panel',
      'ntma-bands-datasource',
    ]);
    expect(env.GF_SECURITY_ACTIONS_ALLOW_POST_URL).toBe(SCALE_ACTION_GLOB);
    const mounts = services.grafana!.volumes!.map((v) => v.replace(`${ROOT}/`, './'));
    expect(mounts).toEqual(
      expect.arrayContaining([
        './plugin/dist:/var/lib/grafana/plugins/ntma-anomaly-app:ro',
        './provisioning:/etc/grafana/provisioning:ro',
        './dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
  });

  it('gives Grafana every variable the provisioning files expand', () => {
    const env = services.grafana!.environment!;
    for (const file of ['datasources/prometheus.yml', 'plugins/ntma-anomaly-app.yml', 'dashboards/ntma.yml']) {
      const used = [...read(`provisioning/${file}`).matchAll(/^[^#]*?\$\{?([A-Z_][A-Z0-9_]*)/gm)].map((m) => m[1]!);
      expect(used.length).toBeGreaterThan(0);
      for (const variable of used) expect(`${file}: ${variable}=${env[variable] ?? ''}`).not.toMatch(/=$/);
    }
    expect(env.NTMA_DASHBOARDS_DIR).toBe('/var/lib/grafana/dashboards');
    expect(env.NTMA_SIDECAR_URL).toBe('http://sidecar:8787');
  });

  it('runs the sidecar non-root with the Docker socket, the socket group and the token from .env', () => {
    const sidecar = services.sidecar!;
    expect(sidecar.build?.dockerfile).toBe('sidecar/Dockerfile');
    expect(sidecar.user).toBe('node');
    expect(sidecar.group_add).toEqual(['999']);
    expect(sidecar.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock:rw');
    expect(sidecar.environment!.NTMA_API_TOKEN).toBe(FILLED.NTMA_API_TOKEN);
    expect(sidecar.environment!.PROMETHEUS_URL).toBe('http://prometheus:9090');
    expect(JSON.stringify(sidecar.healthcheck!.test)).toContain('/healthz');
  });

  it('opts the demo web service in to scaling by labels, with limits', () => {
    const labels = services.web!.labels!;
    expect(labels['ntma.scale.enabled']).toBe('true');
    expect(Number(labels['ntma.scale.min'])).toBeGreaterThanOrEqual(1);
    expect(Number(labels['ntma.scale.max'])).toBeGreaterThan(Number(labels['ntma.scale.min']));
    expect(Number(labels['ntma.scale.step'])).toBeGreaterThanOrEqual(1);
    expect(labels['ntma.scale.cooldown']).toBeTruthy();
    // Replicas are clones of this container: a fixed host port would collide.
    expect(services.web!.ports ?? []).toEqual([]);
  });

  it('publishes ports on loopback only', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) expect(`${name}: ${port}`).toMatch(/: 127\.0\.0\.1:/);
    }
  });

  it('puts node-exporter on the host network so it reports the host interfaces', () => {
    expect(services['node-exporter']!.network_mode).toBe('host');
  });
});

describe('Dockerfiles', () => {
  it.each(['sidecar/Dockerfile', 'demo/Dockerfile'])(
    '%s is multi-stage, non-root, and copies only files that exist',
    (file) => {
      const text = read(file);
      expect(text.match(/^FROM /gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
      const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      expect(users.at(-1)).toBeDefined();
      expect(users.at(-1)).not.toMatch(/^(root|0)$/);
      for (const match of text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)) {
        const sources = match[1]!.trim().split(/\s+/).slice(0, -1);
        for (const source of sources)
          expect(`${source}: ${existsSync(path.join(ROOT, source))}`).toBe(`${source}: true`);
      }
    },
  );

  it('gives the sidecar image a healthcheck on /healthz', () => {
    expect(read('sidecar/Dockerfile')).toMatch(/^HEALTHCHECK[\s\S]*\/healthz/m);
  });
});

describe('Grafana provisioning', () => {
  it('declares the Prometheus datasource with uid "prometheus"', () => {
    const { datasources } = parse(read('provisioning/datasources/prometheus.yml')) as {
      datasources: Array<{ uid: string; type: string; url: string }>;
    };
    expect(datasources).toEqual([
      expect.objectContaining({ uid: 'prometheus', type: 'prometheus', url: '$PROMETHEUS_URL' }),
    ]);
  });

  it('enables the app with the sidecar URL and the token from the environment', () => {
    const { apps } = parse(read('provisioning/plugins/ntma-anomaly-app.yml')) as {
      apps: Array<{ type: string; disabled: boolean; jsonData: unknown; secureJsonData: unknown }>;
    };
    expect(apps).toEqual([
      {
        type: 'ntma-anomaly-app',
        org_id: 1,
        disabled: false,
        jsonData: { sidecarUrl: '$NTMA_SIDECAR_URL' },
        secureJsonData: { apiToken: '$NTMA_API_TOKEN' },
      },
    ]);
  });

  it('provisions the dashboards folder as "NTMA"', () => {
    const { providers } = parse(read('provisioning/dashboards/ntma.yml')) as {
      providers: Array<{ folder: string; type: string; options: { path: string } }>;
    };
    expect(providers).toEqual([
      expect.objectContaining({
        folder: 'NTMA',
        type: 'file',
        options: expect.objectContaining({ path: '$NTMA_DASHBOARDS_DIR' }),
      }),
    ]);
  });
});

interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: Array<{ names: string[]; port: number }>;
}

describeWith([promtool], 'Prometheus configurations', () => {
  const composeJobs = (): ScrapeConfig[] =>
    (parse(read('provisioning/prometheus/prometheus.yml')) as { scrape_configs: ScrapeConfig[] }).scrape_configs;
  const nativeJobs = (): ScrapeConfig[] =>
    (parse(read('provisioning/prometheus/prometheus.native.yml')) as { scrape_configs: ScrapeConfig[] }).scrape_configs;

  it.each(['prometheus.yml', 'prometheus.native.yml'])('promtool accepts %s', (file) => {
    const output = execFileSync(promtool.path!, ['check', 'config', path.join(ROOT, 'provisioning/prometheus', file)], {
      encoding: 'utf8',
    });
    expect(output).toMatch(/SUCCESS/);
  });

  it('scrapes node-exporter, cadvisor, the sidecar and web in the compose stack', () => {
    const jobs = Object.fromEntries(composeJobs().map((c) => [c.job_name, c]));
    expect(Object.keys(jobs).sort()).toEqual(Object.values(JOBS).sort());
    expect(jobs[JOBS.cadvisor]!.static_configs![0]!.targets).toEqual(['cadvisor:8080']);
    expect(jobs[JOBS.sidecar]!.static_configs![0]!.targets).toEqual(['sidecar:8787']);
    // Every replica the sidecar adds answers the service name in Docker's DNS.
    expect(jobs[JOBS.web]!.dns_sd_configs![0]).toMatchObject({ names: ['web'], port: 8080 });
  });

  it('uses the same jobs natively, on the loopback ports of demo/src/stack/ports.ts, without cadvisor, with Alertmanager', () => {
    const jobs = Object.fromEntries(nativeJobs().map((c) => [c.job_name, c.static_configs![0]!.targets]));
    expect(Object.keys(jobs).sort()).toEqual(
      [...Object.values(JOBS).filter((j) => j !== JOBS.cadvisor), ...Object.values(NATIVE_ONLY_JOBS)].sort(),
    );
    expect(jobs).toEqual({
      [JOBS.prometheus]: [`127.0.0.1:${NATIVE_PORTS.prometheus}`],
      [JOBS.nodeExporter]: [`127.0.0.1:${NATIVE_PORTS.nodeExporter}`],
      [JOBS.sidecar]: [`127.0.0.1:${NATIVE_PORTS.sidecar}`],
      [JOBS.web]: [`127.0.0.1:${NATIVE_PORTS.web}`],
      [JOBS.loadgen]: [`127.0.0.1:${NATIVE_PORTS.loadgenControl}`],
      [NATIVE_ONLY_JOBS.alertmanager]: [`127.0.0.1:${NATIVE_PORTS.alertmanager}`],
    });
  });

  it('natively evaluates the NTMA alert rules and sends them to the loopback Alertmanager', () => {
    const config = parse(read('provisioning/prometheus/prometheus.native.yml')) as {
      rule_files: string[];
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
    expect(config.rule_files).toEqual(['rules/ntma-alerts.yml']);
    expect(config.alerting.alertmanagers[0]!.static_configs[0]!.targets).toEqual([
      `127.0.0.1:${NATIVE_PORTS.alertmanager}`,
    ]);
  });

  it('uses the same container ports in compose as the native stack', () => {
    const composeYaml = read('docker-compose.yml');
    expect(composeYaml).toContain(`127.0.0.1:${NATIVE_PORTS.prometheus}:9090`);
    expect(composeYaml).toContain(`127.0.0.1:${NATIVE_PORTS.sidecar}:8787`);
    expect(composeYaml).toContain(`127.0.0.1:${NATIVE_PORTS.loadgenControl}:8089`);
    expect(composeYaml).toContain(`WEB_PORT: '${NATIVE_PORTS.web}'`);
  });
});
