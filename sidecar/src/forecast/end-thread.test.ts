import { EventEmitter } from 'node:events';
import { endThread, type EndableThread } from './end-thread.js';
import type { WorkerRequest } from './protocol.js';

/** A thread that ends when asked, when terminated, or never, as told. */
class FakeThread extends EventEmitter implements EndableThread {
  readonly requests: WorkerRequest[] = [];
  terminated = 0;
  constructor(
    private readonly onClose: 'exit' | 'ignore' | 'throw',
    private readonly onTerminate: 'exit' | 'hang',
  ) {
    super();
  }
  postMessage(request: WorkerRequest): void {
    if (this.onClose === 'throw') throw new Error('port closed');
    this.requests.push(request);
    if (this.onClose === 'exit') setImmediate(() => this.emit('exit', 0));
  }
  terminate(): Promise<number> {
    this.terminated += 1;
    if (this.onTerminate === 'hang') return new Promise<number>(() => undefined);
    setImmediate(() => this.emit('exit', 1));
    return Promise.resolve(1);
  }
}

const times = { graceMs: 50, terminateWaitMs: 50 };

describe('endThread', () => {
  it('asks the thread to close and does not terminate one that ends on its own', async () => {
    const thread = new FakeThread('exit', 'exit');
    await expect(endThread(thread, times)).resolves.toBe('exited');
    expect(thread.requests).toEqual([{ close: true }]);
    expect(thread.terminated).toBe(0);
  });

  it('terminates a thread that has not ended after the grace time', async () => {
    const thread = new FakeThread('ignore', 'exit');
    const started = Date.now();
    await expect(endThread(thread, times)).resolves.toBe('terminated');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(thread.terminated).toBe(1);
  });

  it('terminates at once when the close request cannot be sent', async () => {
    const thread = new FakeThread('throw', 'exit');
    await expect(endThread(thread, { graceMs: 60_000, terminateWaitMs: 50 })).resolves.toBe('terminated');
    expect(thread.terminated).toBe(1);
  });

  it('gives up on a thread whose terminate() never settles (the Node 20 platform deadlock) instead of hanging', async () => {
    const thread = new FakeThread('ignore', 'hang');
    const started = Date.now();
    await expect(endThread(thread, times)).resolves.toBe('stuck');
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(5000);
    expect(thread.terminated).toBe(1);
  });
});
