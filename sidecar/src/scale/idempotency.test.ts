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

describe('IdempotencyStore pruning', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-idem-prune-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const fileLines = () => readFileSync(path.join(dir, 'idempotency.jsonl'), 'utf8').trim().split('\n').filter(Boolean);

  it('drops expired keys from memory on its own timer and compacts the file once most lines are dead', async () => {
    let now = 1_000_000;
    // A 1 s TTL prunes every second.
    const store = new IdempotencyStore<unknown>(dir, 1_000, () => now);
    for (let i = 0; i < 300; i++) {
      await store.put({ key: `k${i}`, fingerprint: 'f', createdAt: now, state: 'done', replicas: 1 });
    }
    now += 500;
    await store.put({ key: 'young', fingerprint: 'f', createdAt: now, state: 'done', replicas: 1 });
    expect(store.size).toBe(301);
    expect(fileLines()).toHaveLength(301);
    now += 600;
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(store.size).toBe(1);
    expect(fileLines().map((l) => JSON.parse(l).key)).toEqual(['young']);
    // Still appends to the compacted file, and a restart reads it.
    await store.put({ key: 'after', fingerprint: 'f', createdAt: now, state: 'done', replicas: 1 });
    await store.close();
    const reopened = new IdempotencyStore<unknown>(dir, 1_000, () => now);
    expect(await reopened.get('after')).toBeDefined();
    expect(await reopened.get('k7')).toBeUndefined();
    await reopened.close();
  });

  it('leaves a small file alone: compaction waits for more than 100 dead lines', async () => {
    let now = 1_000_000;
    const store = new IdempotencyStore<unknown>(dir, 60_000, () => now);
    for (let i = 0; i < 50; i++) {
      await store.put({ key: `k${i}`, fingerprint: 'f', createdAt: now, state: 'done', replicas: 1 });
    }
    now += 61_000;
    await store.prune();
    expect(store.size).toBe(0);
    expect(fileLines()).toHaveLength(50);
    await store.close();
  });
});

describe('fingerprintOf', () => {
  it('ignores key order and tells different requests apart', () => {
    expect(fingerprintOf({ a: 1, b: 2 })).toBe(fingerprintOf({ b: 2, a: 1 }));
    expect(fingerprintOf({ a: 1, b: undefined })).toBe(fingerprintOf({ a: 1, b: null }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
  });
});
