import { loadLoadgenConfig } from './config.js';

describe('loadLoadgenConfig', () => {
  it('defaults to the loopback web service and control port', () => {
    const config = loadLoadgenConfig({});
    expect(config.target.href).toBe('http://127.0.0.1:8080/');
    expect(config).toMatchObject({ controlHost: '127.0.0.1', controlPort: 8089, initialProfile: 'normal' });
  });

  it('refuses a non-loopback target unless allowed explicitly', () => {
    expect(() => loadLoadgenConfig({ LOADGEN_TARGET_URL: 'http://web:8080' })).toThrow(
      /LOADGEN_TARGET_URL: "web" is not a loopback address; set LOADGEN_ALLOW_REMOTE_TARGET=true/,
    );
    const config = loadLoadgenConfig({ LOADGEN_TARGET_URL: 'http://web:8080', LOADGEN_ALLOW_REMOTE_TARGET: 'true' });
    expect(config.target.hostname).toBe('web');
  });

  it.each([
    ['LOADGEN_TARGET_URL', 'https://127.0.0.1', /only http:\/\//],
    ['LOADGEN_TARGET_URL', 'not a url', /not a URL/],
    ['LOADGEN_RATE_CAP', '50000', /LOADGEN_RATE_CAP: expected 1\.\.20000/],
    ['LOADGEN_MAX_IN_FLIGHT', '2.5', /LOADGEN_MAX_IN_FLIGHT: expected a whole number/],
    ['LOADGEN_PROFILE', 'chaos', /LOADGEN_PROFILE: expected "normal" or "attack"/],
    ['LOADGEN_DAY_SECONDS', 'ten', /LOADGEN_DAY_SECONDS: expected a number/],
    ['LOADGEN_ALLOW_REMOTE_TARGET', 'maybe', /expected true or false/],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    const env: Record<string, string> = { [name]: value };
    if (name === 'LOADGEN_ALLOW_REMOTE_TARGET') env.LOADGEN_TARGET_URL = 'http://web:8080';
    expect(() => loadLoadgenConfig(env)).toThrow(message);
  });

  it('rejects a day whose peak is below its night', () => {
    expect(() => loadLoadgenConfig({ LOADGEN_NORMAL_MIN_RPS: '50', LOADGEN_NORMAL_MAX_RPS: '5' })).toThrow(
      /maxRps \(5\) must not be below minRps \(50\)/,
    );
  });
});
