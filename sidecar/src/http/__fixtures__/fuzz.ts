/**
 * A small, seeded generator of hostile request parts, driven by a route's own JSON schema: values
 * that nearly fit (boundaries, one field off), values that do not (wrong types, huge numbers, deep
 * nesting, long strings, prototype keys) and bodies that are not JSON at all. Deterministic for a
 * seed, so a failure can be replayed.
 */

/** JSON text spliced in verbatim, for what JSON.stringify cannot write (1e400, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}

type Json = null | boolean | number | string | Raw | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: () => number, lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

const HUGE_NUMBERS: readonly Json[] = [
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  5e-324,
  -0,
  0.5,
  new Raw('1e400'),
  new Raw('-1e400'),
  new Raw('1e-400'),
  new Raw('123456789012345678901234567890'),
];

const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '-1',
  '0x10',
  'null',
  'true',
  '__proto__',
  'constructor',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '\u001b[31mred',
  "' OR 1=1 --",
  '{{7*7}}',
  '${jndi:ldap://x}',
  'compose:x:y',
  'swarm:web',
  'a'.repeat(300),
  'b'.repeat(301),
  'é\u{1F4A9}\u202e',
  '\ud800',
  'up{job=~".+"}',
];

function deep(depth: number, open: string, close: string, leaf = '1'): Raw {
  return new Raw(open.repeat(depth) + leaf + close.repeat(depth));
}

/** Anything at all, with weight on what breaks parsers and handlers. */
export function hostileValue(random: () => number, depth = 0): Json {
  const roll = random();
  if (roll < 0.2) return pick(random, HUGE_NUMBERS);
  if (roll < 0.4) return pick(random, NASTY_STRINGS);
  if (roll < 0.45) return 'x'.repeat(int(random, 1000, 100_000));
  if (roll < 0.5) return pick(random, [null, true, false, 0, 1, -1]);
  if (roll < 0.55) return deep(int(random, 100, 20_000), '[', ']');
  if (roll < 0.6) return deep(int(random, 100, 5_000), '{"a":', '}');
  if (roll < 0.65) return Array.from({ length: int(random, 1000, 10_000) }, () => 0);
  if (roll < 0.7) return { ['__proto__']: { polluted: true }, constructor: { prototype: { polluted: true } } };
  if (depth > 2) return pick(random, NASTY_STRINGS);
  if (roll < 0.85) return Array.from({ length: int(random, 0, 4) }, () => hostileValue(random, depth + 1));
  const object: Record<string, Json> = {};
  for (let i = int(random, 0, 4); i > 0; i--)
    object[pick(random, NASTY_STRINGS) || 'k'] = hostileValue(random, depth + 1);
  return object;
}

function asSchema(value: unknown): Schema | undefined {
  return value !== null && typeof value === 'object' ? (value as Schema) : undefined;
}

/** A value for `schema`: usually close to valid, sometimes a boundary, sometimes hostile. */
export function fromSchema(schema: Schema | undefined, random: () => number, depth = 0): Json {
  if (!schema || depth > 6 || random() < 0.12) return hostileValue(random);
  if ('const' in schema) return random() < 0.8 ? (schema.const as Json) : hostileValue(random);
  const options = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(options) && options.length > 0)
    return fromSchema(asSchema(pick(random, options)), random, depth + 1);
  const type = Array.isArray(schema.type) ? pick(random, schema.type as string[]) : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const properties = (asSchema(schema.properties) ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [key, child] of Object.entries(properties)) {
        if (required.has(key) ? random() < 0.95 : random() < 0.6) out[key] = fromSchema(child, random, depth + 1);
      }
      const pattern = asSchema(schema.patternProperties);
      const values = pattern ? asSchema(Object.values(pattern)[0]) : asSchema(schema.additionalProperties);
      if (values) for (let i = int(random, 0, 3); i > 0; i--) out[`k${i}`] = fromSchema(values, random, depth + 1);
      if (random() < 0.1) out[pick(random, NASTY_STRINGS) || 'extra'] = hostileValue(random);
      return out;
    }
    case 'array': {
      const prefix = schema.prefixItems ?? (Array.isArray(schema.items) ? schema.items : undefined);
      if (Array.isArray(prefix)) return prefix.map((item) => fromSchema(asSchema(item), random, depth + 1));
      const max = Math.min(Number(schema.maxItems ?? 40), 40);
      return Array.from({ length: int(random, 0, max) }, () => fromSchema(asSchema(schema.items), random, depth + 1));
    }
    case 'integer':
    case 'number': {
      const lo = typeof schema.minimum === 'number' ? schema.minimum : -1e6;
      const hi = typeof schema.maximum === 'number' ? schema.maximum : 1e12;
      const roll = random();
      if (roll < 0.5)
        return type === 'integer'
          ? int(random, Math.ceil(lo), Math.floor(Math.min(hi, lo + 1e6)))
          : lo + random() * Math.min(hi - lo, 1e6);
      if (roll < 0.8) return pick(random, [lo, hi, lo - 1, hi + 1, lo - 0.5, hi + 0.5]);
      return pick(random, HUGE_NUMBERS);
    }
    case 'string': {
      const min = Number(schema.minLength ?? 0);
      const max = Math.min(Number(schema.maxLength ?? 64), 64);
      if (random() < 0.3)
        return pick(random, [...NASTY_STRINGS, 'x'.repeat(min + Number(schema.maxLength ?? 10_000) + 1)]);
      if (schema.pattern === undefined && random() < 0.2)
        return pick(random, ['1h', '5m', '30s', '2024-05-01T12:00:00Z', 'up', 'rate(x[5m])']);
      return Array.from({ length: int(random, min, Math.max(min, max)) }, () =>
        String.fromCharCode(int(random, 33, 126)),
      ).join('');
    }
    case 'boolean':
      return random() < 0.8 ? random() < 0.5 : pick(random, ['true', 'yes', 1, null]);
    case 'null':
      return null;
    default:
      return hostileValue(random);
  }
}

/** JSON text of `value`, with Raw parts spliced in. */
export function toJsonText(value: Json): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const MAX_QUERY_CHARS = 8_000;

/** A query string for `schema` (a querystring object schema), with repeats and junk mixed in. */
export function queryFor(schema: Schema | undefined, random: () => number): string {
  const value = fromSchema(schema ?? { type: 'object', properties: {} }, random);
  const pairs: Array<[string, string]> = [];
  const flat = (v: Json): string =>
    v instanceof Raw ? v.text : typeof v === 'string' ? v : toJsonText(v).slice(0, 5000);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Raw)) {
    for (const [key, v] of Object.entries(value)) {
      pairs.push([key, flat(v)]);
      if (random() < 0.1) pairs.push([key, flat(hostileValue(random))]);
    }
  }
  if (random() < 0.2) pairs.push([pick(random, NASTY_STRINGS) || 'x', flat(hostileValue(random))]);
  // Below Node's 16 KiB header limit, so the app sees the query (past it Node answers 431 itself).
  let text = new URLSearchParams(pairs).toString().slice(0, MAX_QUERY_CHARS);
  if (random() < 0.1) text += pick(random, ['&%zz=1', '&a=%', '&&&', '&=x', '&limit[]=1', '&limit[a]=1']);
  return text;
}

/** Generated bodies stay well under the app's 16 MiB limit, so they are parsed and validated. */
const MAX_BODY_CHARS = 2_000_000;

/** A body for `schema`: mostly JSON from the schema, sometimes not JSON or with the wrong type. */
export function bodyFor(schema: Schema | undefined, random: () => number): { text: string; contentType: string } {
  const roll = random();
  if (roll < 0.05) return { text: '', contentType: 'application/json' };
  if (roll < 0.1)
    return {
      text: pick(random, ['{', '[1,', '{"a":}', 'nul', '\u0000', '{"a":1}{"b":2}']),
      contentType: 'application/json',
    };
  if (roll < 0.13)
    return {
      text: 'replicas=1',
      contentType: pick(random, ['application/x-www-form-urlencoded', 'text/plain', 'application/xml']),
    };
  if (roll < 0.16) return { text: toJsonText(hostileValue(random)), contentType: 'application/json; charset=utf-8' };
  const text = toJsonText(fromSchema(schema, random));
  // Bodies past the server's limit are refused unread (one such case is enough, sent separately).
  return {
    text: text.length <= MAX_BODY_CHARS ? text : text.slice(0, MAX_BODY_CHARS),
    contentType: 'application/json',
  };
}

/** A value for a path parameter, encoded for the URL. */
export function paramFor(random: () => number, valid: readonly string[]): string {
  const raw =
    random() < 0.4
      ? pick(random, valid)
      : random() < 0.5
        ? pick(random, NASTY_STRINGS)
        : toJsonText(hostileValue(random)).slice(0, 400);
  let encoded: string;
  try {
    encoded = encodeURIComponent(raw || 'x');
  } catch {
    // A lone surrogate cannot be encoded as UTF-8; send the bytes it would have had.
    encoded = '%ED%A0%80';
  }
  return encoded.replace(/%2F/gi, random() < 0.5 ? '/' : '%2F');
}
