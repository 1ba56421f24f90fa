/**
 * A JSON body parser that answers exactly as Fastify's default one (same 400s, same 413, the same
 * refusal of "__proto__" and "constructor" keys through secure-json-parse) with less work on a
 * large body.
 *
 * secure-json-parse tests the whole text against two regular expressions before it trusts
 * JSON.parse's result: about 0.45 ms of a 10,080-point bands body (318 kB). A key can only spell
 * "__proto__" or "constructor" literally or with \u escapes, so a text that contains neither word
 * nor any "\u" cannot match either expression; three substring searches (a tenth of the cost) say
 * so. Any other text, and one that starts with a byte order mark (which the library strips), goes
 * through the library as before.
 */
import { errorCodes, type FastifyInstance } from 'fastify';
import { parse as secureJsonParse } from 'secure-json-parse';

/** Fastify's defaults (onProtoPoisoning, onConstructorPoisoning), which app.ts keeps. */
const POISONING = { protoAction: 'error', constructorAction: 'error' } as const;
const BYTE_ORDER_MARK = 0xfeff;

/** JSON.parse, or a SyntaxError for a body with a "__proto__" or "constructor.prototype" key. */
export function parseJsonText(text: string): unknown {
  const plain =
    text.charCodeAt(0) !== BYTE_ORDER_MARK &&
    !text.includes('\\u') &&
    !text.includes('__proto__') &&
    !text.includes('constructor');
  return plain ? JSON.parse(text) : secureJsonParse(text, undefined, POISONING);
}

/** Installs the parser for application/json in `app`'s context (a route plugin's, or the root's). */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    if (body.length === 0) {
      done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
      return;
    }
    try {
      done(null, parseJsonText(body as string));
    } catch {
      done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), undefined);
    }
  });
}
