import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8787);
    expect(config.prometheusUrl).toBe('http://127.0.0.1:9090');
    expect(config.apiToken).toBeUndefined();
    expect(config.dockerSocket).toBe('/var/run/docker.sock');
  });

  it('refuses an alert secret shorter than 16 characters, naming the variable', () => {
    expect(() => loadConfig({ NTMA_ALERT_SECRET: 'short-secret' })).toThrow(
      /NTMA_ALERT_SECRET: must be at least 16 characters/,
    );
    expect(loadConfig({ NTMA_ALERT_SECRET: 'sixteen-chars-ok' }).alertSecret).toBe('sixteen-chars-ok');
  });

  it('gives each address ten times the per-client budget unless told otherwise', () => {
    expect(loadConfig({ NTMA_RATE_LIMIT_PER_MINUTE: '50' }).rateLimitPerAddressPerMinute).toBe(500);
    expect(
      loadConfig({ NTMA_RATE_LIMIT_PER_MINUTE: '50', NTMA_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '70' })
        .rateLimitPerAddressPerMinute,
    ).toBe(70);
  });

  it('reads the Prometheus answer caps, naming the variable when one is bad', () => {
    expect(loadConfig({}).prometheusCaps).toEqual({
      maxResponseBytes: 64 * 1024 * 1024,
      maxSeries: 10000,
      maxPoints: 5000000,
    });
    expect(loadConfig({ NTMA_PROMETHEUS_MAX_BYTES: '4096' }).prometheusCaps.maxResponseBytes).toBe(4096);
    expect(() => loadConfig({ NTMA_PROMETHEUS_MAX_SERIES: 'lots' })).toThrow(/NTMA_PROMETHEUS_MAX_SERIES/);
    // A negative count is no whole number to this parser; the message gives the range it wants.
    expect(() => loadConfig({ NTMA_FIT_WORKERS: '-1' })).toThrow(
      /NTMA_FIT_WORKERS: expected a whole number in 1\.\.\d+, got "-1"/,
    );
    expect(() => loadConfig({ NTMA_PROMETHEUS_MAX_POINTS: '0' })).toThrow(/NTMA_PROMETHEUS_MAX_POINTS/);
  });

  it("withholds only attacks from the watchers' models unless NTMA_WATCH_WITHHOLD says every excursion", () => {
    expect(loadConfig({}).watchWithhold).toBe('attacks');
    expect(loadConfig({ NTMA_WATCH_WITHHOLD: 'attacks' }).watchWithhold).toBe('attacks');
    expect(loadConfig({ NTMA_WATCH_WITHHOLD: 'excursions' }).watchWithhold).toBe('excursions');
  });

  it('refuses an unknown NTMA_WATCH_WITHHOLD, naming the variable and the choices', () => {
    expect(() => loadConfig({ NTMA_WATCH_WITHHOLD: 'all' })).toThrow(ConfigError);
    expect(() => loadConfig({ NTMA_WATCH_WITHHOLD: 'Attacks' })).toThrow(
      /NTMA_WATCH_WITHHOLD: expected one of attacks, excursions, got "Attacks"/,
    );
  });

  it('names the variable when a port is not a number', () => {
    expect(() => loadConfig({ NTMA_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ NTMA_PORT: 'eighty' })).toThrow(/NTMA_PORT/);
  });

  it('names the variable when a port is out of range', () => {
    expect(() => loadConfig({ NTMA_PORT: '70000' })).toThrow(/NTMA_PORT: expected 0\.\.65535/);
  });

  it('rejects a Prometheus URL that is not http(s)', () => {
    expect(() => loadConfig({ PROMETHEUS_URL: 'ftp://x' })).toThrow(/PROMETHEUS_URL/);
    expect(() => loadConfig({ PROMETHEUS_URL: 'not a url' })).toThrow(/PROMETHEUS_URL: not a URL/);
  });

  it('drops trailing slashes from the Prometheus URL', () => {
    expect(loadConfig({ PROMETHEUS_URL: 'http://prom:9090/' }).prometheusUrl).toBe('http://prom:9090');
  });

  it('refuses a short API token', () => {
    expect(() => loadConfig({ NTMA_API_TOKEN: 'short' })).toThrow(/NTMA_API_TOKEN/);
  });
});
