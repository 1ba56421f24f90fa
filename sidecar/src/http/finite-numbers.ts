/**
 * Refuses any number that is not finite in a request's query, params or body, naming the field.
 *
 * Schemas alone do not hold: when ajv coerces a query string to a number it accepts "Infinity" and
 * "1e400" as integers and then skips `minimum`/`maximum` (it only compares finite numbers), and
 * JSON.parse reads 1e400 as Infinity. Such a value then reaches a handler, or the response
 * serialiser, which throws: a 500. This runs after validation (preHandler), on what the handler
 * would receive.
 */
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../errors.js';

/**
 * Arrays whose every number a validator has already found finite (routes/points-fast-path.ts): a
 * 10,080-point series is 10,080 arrays to walk again, a third of a millisecond, for nothing. Weak,
 * so a request's arrays go with it.
 */
const vouched = new WeakSet<object>();

/** Says that `array` holds only finite numbers and null, nested at most one level (checked by the caller). */
export function vouchFinite(array: readonly unknown[]): void {
  vouched.add(array);
}

/** The first non-finite number in `value`, as a field path ("series[0].points[3][1]"), if any. */
export function nonFiniteField(value: unknown, root: string): string | undefined {
  // Iterative, so a deeply nested body cannot exhaust the stack.
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return path;
    } else if (Array.isArray(item)) {
      if (vouched.has(item)) continue;
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${path}[${i}]`]);
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) stack.push([child, path ? `${path}.${key}` : key]);
    }
  }
  return undefined;
}

/**
 * Whether `value` holds a non-finite number anywhere. The same walk as nonFiniteField without a
 * path per element: a bands body carries tens of thousands of numbers, and building a path string
 * for each cost more than parsing them. Paths are built only once something is found.
 */
export function hasNonFinite(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return true;
    } else if (Array.isArray(item)) {
      if (vouched.has(item)) continue;
      for (let i = 0; i < item.length; i++) {
        const child: unknown = item[i];
        if (typeof child === 'number') {
          if (!Number.isFinite(child)) return true;
        } else if (child !== null && typeof child === 'object') stack.push(child);
      }
    } else if (item !== null && typeof item === 'object') {
      for (const child of Object.values(item)) stack.push(child);
    }
  }
  return false;
}

export function installFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const found = (value: unknown): string | undefined => (hasNonFinite(value) ? nonFiniteField(value, '') : undefined);
    const field = found(request.query) ?? found(request.params) ?? found(request.body);
    if (field !== undefined) throw new BadRequest('must be a finite number', field || 'body');
  });
}
