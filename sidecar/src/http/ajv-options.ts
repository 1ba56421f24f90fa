import type { FastifyServerOptions } from 'fastify';

/**
 * How every request is validated: the options of Fastify's own ajv (app.ts) and of the one that
 * POST /api/v1/bands/series compiles its body validator with (routes/points-fast-path.ts), so the
 * two coerce, default and report alike.
 */
export const AJV_OPTIONS = {
  // allowUnionTypes: `type: ['number', 'null']` is how a schema keeps a null from being coerced to 0.
  customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false, allowUnionTypes: true },
  plugins: [],
} satisfies FastifyServerOptions['ajv'];
