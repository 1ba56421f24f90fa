import { Type, type Static, type TSchemaOptions } from 'typebox';

export const LabelsSchema = Type.Record(Type.String(), Type.String());
export type Labels = Static<typeof LabelsSchema>;

// Type arrays rather than unions: with the sidecar's coerceTypes, a union would let ajv coerce a
// null into 0 (a fake zero sample) or into the time 1970-01-01 before any branch rejected it.
export const InstantSchema = Type.Unsafe<string | number>({
  type: ['string', 'number'],
  minLength: 1,
  description: 'RFC3339 ("2024-05-01T12:00:00Z") or unix seconds',
});
export const DurationSchema = Type.Unsafe<string | number>({
  type: ['string', 'number'],
  minLength: 1,
  description: 'Prometheus duration ("30s", "5m", "1h30m", "7d") or seconds',
});
export const MaybeNumberSchema = Type.Unsafe<number | null>({ type: ['number', 'null'] });

/** Every error answer: the status, its reason phrase, a stable code and a message naming the field. */
export const ErrorBodySchema = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  code: Type.String(),
  message: Type.String(),
});
export type ErrorBody = Static<typeof ErrorBodySchema>;

/**
 * One of the listed strings, or null, as a type array rather than a union: a bands answer carries one
 * per point, and fast-json-stringify writes a type array without trying each branch of an anyOf.
 */
export function nullableLiteral<const T extends readonly string[]>(values: T) {
  return Type.Unsafe<T[number] | null>({ type: ['string', 'null'], enum: [...values, null] });
}

/**
 * A union of string literals from a constant list, typed as the list's members (Type.Union over a
 * mapped array would type as never). The list stays the one place the values are spelled.
 */
export function literalUnion<const T extends readonly string[]>(values: T, options: TSchemaOptions = {}) {
  return Type.Unsafe<T[number]>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );
}
