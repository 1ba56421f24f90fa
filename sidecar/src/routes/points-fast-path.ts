/**
 * The body validator of POST /api/v1/bands/series, with a fast path for `points`.
 *
 * ajv checks a [t, v] pair as a tuple of two type unions with coercion branches, one pair at a
 * time: 1.6-2 ms of a warm 10,080-point request (the body's arrays are fresh, and the warm-up's
 * [t, null] pairs leave its code polymorphic), as long as the rest of the request's work. Almost
 * every body sends each pair as two JSON numbers (or a number and null), the one form that ajv
 * passes as it is, coercing nothing; checking that needs a plain loop. So each series' `points`
 * that is in that form is set aside while ajv validates the rest of the body, then put back; a
 * series whose points are not (a string, a triple, a non-finite number) goes through ajv whole,
 * which coerces or answers the same 400 as before. Either way ajv sees every other field.
 *
 * The check writes the pairs into columns as it reads them (bands/point-columns.ts), which the
 * handler then uses instead of reading the pairs again; and its numbers being finite is part of the
 * check, so the finite-number walk (http/finite-numbers.ts) is told it need not (vouchFinite).
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler } from 'fastify';
import { AJV_OPTIONS } from '../http/ajv-options.js';
import { plainColumns } from '../bands/point-columns.js';
import { vouchFinite } from '../http/finite-numbers.js';

type RouteSchema = Parameters<FastifySchemaCompiler<unknown>>[0];
/** A compiled validator as Fastify calls it; ajv's also carry `schemaEnv`. */
type Validate = ReturnType<FastifySchemaCompiler<unknown>> & { schemaEnv?: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `validate` (ajv's, for the series body) with each plain `points` array replaced by an empty one
 * while it runs. Fastify reads `errors` off the function it was given, and passes the request as
 * the root's parent when the function has ajv's `schemaEnv`: both are carried over.
 */
export function withPointsFastPath(validate: Validate): Validate {
  const wrapped = ((body: unknown, context?: unknown) => {
    const series = isRecord(body) ? body.series : undefined;
    const held: Array<[Record<string, unknown>, unknown[]]> = [];
    if (Array.isArray(series)) {
      for (const one of series) {
        if (isRecord(one) && Object.hasOwn(one, 'points') && plainColumns(one.points)) {
          held.push([one, one.points as unknown[]]);
          one.points = [];
        }
      }
    }
    let valid: unknown;
    try {
      valid = (validate as (body: unknown, context?: unknown) => unknown)(body, context);
    } finally {
      for (const [one, points] of held) one.points = points;
    }
    wrapped.errors = validate.errors;
    if (valid === true) for (const [, points] of held) vouchFinite(points);
    return valid;
  }) as Validate;
  wrapped.schemaEnv = validate.schemaEnv;
  return wrapped;
}

/**
 * A validator compiler for the series route: ajv with the app's options (its own instance; Fastify
 * does not lend its one to a route), the body's validator wrapped in the fast path.
 */
export function pointsFastPathCompiler(): FastifySchemaCompiler<unknown> {
  const compile = AjvCompiler()({}, AJV_OPTIONS) as unknown as (route: RouteSchema) => Validate;
  return (route) => {
    const validate = compile(route);
    return route.httpPart === 'body' ? withPointsFastPath(validate) : validate;
  };
}
