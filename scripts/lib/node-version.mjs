// The oldest Node.js NTMA runs on, checked before anything is set up. Not 20.0: the sidecar's Swagger UI serves its
// files with @fastify/static, which require()s content-disposition 3, an ES module; Node loads an ES module with
// require() without a flag from 20.19 (and 22.12). On an older Node the sidecar would stop at start-up with
// ERR_REQUIRE_ESM, long after `npm ci` had printed only an EBADENGINE warning.
export const MIN_NODE = '20.19.0';

const parts = (version) =>
  version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);

/** Whether `version` ("20.19.2", "v22.1.0") is at least `min`. */
export function atLeast(version, min = MIN_NODE) {
  const have = parts(version);
  const need = parts(min);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i];
  }
  return true;
}

/** What to tell a newcomer whose Node is too old, or undefined when it will do. */
export function nodeVersionProblem(version = process.versions.node) {
  if (atLeast(version)) return undefined;
  return (
    `NTMA needs Node.js ${MIN_NODE} or later; this is ${version.replace(/^v/, '')}. ` +
    'The sidecar loads an ES module with require(), which older Node versions refuse (ERR_REQUIRE_ESM). ' +
    'Install a current Node.js 20 or 22 (https://nodejs.org/en/download) and run the command again.'
  );
}
