import type { Plugin } from 'esbuild';
import { patchPackageText } from './patch-package-text.js';

/**
 * node-fetch 2 (the transport of client-node and of the bot's Slack calls) requires whatwg-url,
 * a URL parser for runtimes without one, and uses it only when Node's `url` module has no URL
 * (`Url.URL || whatwgUrl.URL`), which never happens on Node 20. Requiring it still builds tr46's
 * Unicode mapping table: ~2.5 MB of RSS (bench:footprint). In the bundle only, node-fetch (pinned
 * through client-node's lockfile entry) is given Node's URL in its place.
 */
export function nodeFetchOwnUrl(): Plugin {
  return patchPackageText('node-fetch-own-url', [
    {
      file: /[\\/]node-fetch[\\/]lib[\\/]index\.js$/,
      from: "var whatwgUrl = _interopDefault(require('whatwg-url'));",
      to: 'var whatwgUrl = { URL: Url.URL };',
    },
  ]);
}
