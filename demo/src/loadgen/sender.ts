import { lookup } from 'node:dns/promises';
import { Agent, request } from 'node:http';
import { isIP, connect } from 'node:net';
import type { Transport } from './profiles.js';

export type Outcome = 'ok' | 'http_error' | 'error' | 'timeout';

export interface SenderOptions {
  target: URL;
  maxSockets: number;
  timeoutMs: number;
  /** How often the target's name is resolved again, so replicas added by scaling get traffic. */
  resolveEveryMs?: number;
}

/**
 * Sends one request per call, spreading them over every address the target's name resolves to.
 * Docker's DNS answers a Compose service name with one address per replica; re-resolving lets a
 * scale-out actually take load off the first replica.
 */
export class Sender {
  private readonly agent: Agent;
  private readonly port: number;
  private readonly hostHeader: string;
  private addresses: string[];
  private next = 0;
  private resolvedAt = 0;
  private resolving: Promise<void> | undefined;

  constructor(private readonly options: SenderOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, timeout: options.timeoutMs });
    this.port = Number(options.target.port || 80);
    this.hostHeader = options.target.host;
    this.addresses = [options.target.hostname.replace(/^\[|\]$/g, '')];
  }

  /** Sends one request from `source` and resolves with how it went; never rejects. */
  send(transport: Transport, source: string): Promise<Outcome> {
    this.maybeResolve();
    const host = this.addresses[this.next++ % this.addresses.length]!;
    return transport === 'tiny-connection' ? this.tiny(host, source) : this.page(host, source);
  }

  close(): void {
    this.agent.destroy();
  }

  private maybeResolve(): void {
    const name = this.options.target.hostname;
    if (isIP(name.replace(/^\[|\]$/g, '')) !== 0 || this.resolving) return;
    if (Date.now() - this.resolvedAt < (this.options.resolveEveryMs ?? 5000)) return;
    this.resolving = lookup(name, { all: true })
      .then((found) => {
        if (found.length > 0) this.addresses = found.map((a) => a.address);
      })
      .catch(() => {
        // Keep the last good addresses; the failed requests will show up in the outcome counters.
      })
      .finally(() => {
        this.resolvedAt = Date.now();
        this.resolving = undefined;
      });
  }

  private page(host: string, source: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const req = request(
        {
          host,
          port: this.port,
          path: this.options.target.pathname || '/',
          method: 'GET',
          agent: this.agent,
          headers: { host: this.hostHeader, 'x-forwarded-for': source },
        },
        (response) => {
          response.resume();
          response.once('end', () => resolve(ok(response.statusCode)));
          response.once('error', () => resolve('error'));
        },
      );
      req.setTimeout(this.options.timeoutMs, () => {
        req.destroy();
        resolve('timeout');
      });
      req.once('error', () => resolve('error'));
      req.end();
    });
  }

  /** One tiny request on a fresh TCP connection, closed right after: the small-packet flood. */
  private tiny(host: string, source: string): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      let head = '';
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve(outcome);
      };
      const socket = connect({ host, port: this.port });
      socket.setTimeout(this.options.timeoutMs, () => settle('timeout'));
      socket.once('connect', () => {
        socket.end(
          `GET /t HTTP/1.1\r\nHost: ${this.hostHeader}\r\nX-Forwarded-For: ${source}\r\nConnection: close\r\n\r\n`,
        );
      });
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
        if (status) settle(ok(Number(status[1])));
      });
      socket.once('error', () => settle('error'));
      socket.once('close', () => settle('error'));
    });
  }
}

function ok(status: number | undefined): Outcome {
  return status !== undefined && status >= 200 && status < 400 ? 'ok' : 'http_error';
}
