import type { Plugin } from 'esbuild';
import { patchPackageText, type TextPatch } from './patch-package-text.js';

/**
 * Bolt (CommonJS) requires every receiver when it loads: its index requires ExpressReceiver
 * (express, body-parser, iconv-lite, mime-db...) and its App requires SocketModeReceiver, which
 * requires @slack/socket-mode (undici, ws). oom-check never builds an ExpressReceiver, and only
 * Socket Mode deployments (SLACK_APP_TOKEN) build a SocketModeReceiver; loading both anyway cost
 * ~20 MB of RSS and ~250 ms of start-up on Node 20 (measured with bundles of each alone).
 *
 * This plugin defers those two requires to first use, in the bundle only, by rewriting exactly
 * these lines of @slack/bolt (pinned in package.json). The code still ships in the bundle and
 * behaves the same once used. If Bolt's text differs, the build fails and says so rather than
 * silently loading everything again or, worse, changing behaviour.
 */
const DEFERRALS: readonly TextPatch[] = [
  {
    // index.js: the ExpressReceiver export becomes a getter that requires it when read.
    file: /[\\/]@slack[\\/]bolt[\\/]dist[\\/]index\.js$/,
    from: 'const ExpressReceiver_1 = __importDefault(require("./receivers/ExpressReceiver"));\nexports.ExpressReceiver = ExpressReceiver_1.default;',
    to: 'Object.defineProperty(exports, "ExpressReceiver", { enumerable: true, get: function () { return __importDefault(require("./receivers/ExpressReceiver")).default; } });',
  },
  {
    // SocketModeReceiver.js reads only socket_mode_1.SocketModeClient, in its constructor.
    file: /[\\/]@slack[\\/]bolt[\\/]dist[\\/]receivers[\\/]SocketModeReceiver\.js$/,
    from: 'const socket_mode_1 = require("@slack/socket-mode");',
    to: 'const socket_mode_1 = { get SocketModeClient() { return require("@slack/socket-mode").SocketModeClient; } };',
  },
];

export function deferBoltReceivers(): Plugin {
  return patchPackageText('defer-bolt-receivers', DEFERRALS);
}
