import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IdempotencyStore, fingerprintOf } from './idempotency.js';

describe('IdempotencyStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-idem-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers a key across a restart, the latest record winning', async () => {
    const store = new IdempotencyStore<{ after: number }>(dir, 60_000);
    const base = { key: 'k1', fingerprint: 'f', createdAt: Date.now(), replicas: 3 };
    await store.put({ ...base, state: 'pending' });
    await store.put({ ...base, state: 'done', response: { after: 3 } });
    await store.close();
    const reopened = new IdempotencyStore<{ after: number }>(dir, 60_000);
    expect(await reopened.get('k1')).toMatchObject({ state: 'done', response: { after: 3 } });
    await reopened.close();
  });

  it('forgets keys after the TTL and compacts them away on start', async () => {
    let now = 1_000_000;
    const store = new IdempotencyStore<unknown>(dir, 10_000, () => now);
    await store.put({ key: 'old', fingerprint: 'f', createdAt: now, state: 'done', replicas: 1 });
    await store.put({ key: 'new', fingerprint: 'f', createdAt: now + 9_000, state: 'done', replicas: 1 });
    await store.close();
    now += 15_000;
    const reopened = new IdempotencyStore<unknown>(dir, 10_000, () => now);
    expect(await reopened.get('old')).toBeUndefined();
    expect(await reopened.get('new')).toBeDefined();
    const lines = readFileSync(path.join(dir, 'idempotency.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).key)).toEqual(['new']);
    await reopened.close();
  });
});

describe('fingerprintOf', () => {
  it('ignores key order and tells different requests apart', () => {
    expect(fingerprintOf({ a: 1, b: 2 })).toBe(fingerprintOf({ b: 2, a: 1 }));
    expect(fingerprintOf({ a: 1, b: undefined })).toBe(fingerprintOf({ a: 1, b: null }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });
});
