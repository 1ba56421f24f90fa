/**
 * Ways to spell one path that a router, a proxy or a URL parser may read as the same route, or as a
 * neighbour of it: what an attacker tries against any check that looks at the raw URL.
 */
const hex = (c: string, upper = false): string => {
  const code = c.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${upper ? code.toUpperCase() : code}`;
};
const encodeFirstLetter = (segment: string, upper = false): string => segment.replace(/[a-z]/i, (c) => hex(c, upper));
const encodeLetters = (segment: string): string => segment.replace(/[a-z]/gi, (c) => hex(c));
const capitalise = (segment: string): string => segment.charAt(0).toUpperCase() + segment.slice(1);

export interface Spelling {
  name: string;
  path: string;
}

/** `path` is absolute and has no query, e.g. "/api/v1/targets/x/scale". */
export function spellingsOf(path: string, origin: string): Spelling[] {
  const segments = path.split('/').slice(1);
  const join = (parts: string[]): string => `/${parts.join('/')}`;
  const mapFirst = (f: (s: string) => string): string => join([f(segments[0]!), ...segments.slice(1)]);
  const mapLast = (f: (s: string) => string): string => join([...segments.slice(0, -1), f(segments.at(-1)!)]);
  const head = segments[0]!;
  const rest = segments.slice(1);
  return [
    { name: 'as registered', path },
    { name: 'first letter percent-encoded', path: mapFirst((s) => encodeFirstLetter(s)) },
    { name: 'first letter percent-encoded, upper-case hex', path: mapFirst((s) => encodeFirstLetter(s, true)) },
    { name: 'a later letter percent-encoded', path: mapFirst((s) => s.slice(0, -1) + hex(s.slice(-1))) },
    { name: 'last segment percent-encoded', path: mapLast((s) => encodeFirstLetter(s)) },
    { name: 'every letter percent-encoded', path: join(segments.map(encodeLetters)) },
    { name: 'first segment upper-case', path: mapFirst((s) => s.toUpperCase()) },
    { name: 'whole path upper-case', path: path.toUpperCase() },
    { name: 'segments capitalised', path: join(segments.map(capitalise)) },
    { name: 'leading double slash', path: `/${path}` },
    { name: 'double slash after the first segment', path: join([head, '', ...rest]) },
    { name: 'triple slash inside', path: join([head, '', '', ...rest]) },
    { name: 'trailing slash', path: `${path}/` },
    { name: 'trailing double slash', path: `${path}//` },
    { name: 'leading dot segment', path: `/.${path}` },
    { name: 'dot segment inside', path: join([head, '.', ...rest]) },
    { name: 'dot-dot segment inside', path: join([head, 'zz', '..', ...rest]) },
    { name: 'trailing dot segment', path: `${path}/.` },
    { name: 'percent-encoded dot segment', path: join([head, '%2e', ...rest]) },
    { name: 'percent-encoded dot-dot segment', path: join([head, 'zz', '%2e%2e', ...rest]) },
    { name: 'percent-encoded slashes', path: `/${segments.join('%2f')}` },
    { name: 'backslashes', path: `/${segments.join('\\')}` },
    { name: 'matrix parameter', path: `${path};x=1` },
    { name: 'empty query', path: `${path}?` },
    { name: 'query string', path: `${path}?limit=1&x=y` },
    { name: 'token in the query', path: `${path}?access_token=x&authorization=Bearer%20x` },
    { name: 'fragment', path: `${path}#x` },
    { name: 'encoded first letter with query', path: `${mapFirst((s) => encodeFirstLetter(s))}?limit=1` },
    { name: 'encoded, doubled slash and trailing slash', path: `/${join([encodeFirstLetter(head), '', ...rest])}/` },
    { name: 'double-encoded first letter', path: mapFirst((s) => s.replace(/[a-z]/i, (c) => `%25${hex(c).slice(1)}`)) },
    { name: 'absolute-form request target', path: `${origin}${path}` },
    { name: 'absolute-form with encoded letter', path: `${origin}${mapFirst((s) => encodeFirstLetter(s))}` },
  ];
}
