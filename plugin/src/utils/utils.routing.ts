import { PLUGIN_BASE_URL } from '../constants';

/** The app URL of one of our pages, e.g. /a/ntma-anomaly-app/audit. */
export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
