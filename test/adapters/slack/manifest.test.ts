import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../../src/paths.js';

/** How the source calls each Web API method, and the bot scope Slack requires for it (null: none). */
const METHOD_SCOPES: Record<string, string | null> = {
  'chat.postMessage(': 'chat:write',
  'chat.update(': 'chat:write',
  'chat.postEphemeral(': 'chat:write',
  'filesUploadV2(': 'files:write',
  'usergroups.users.list(': 'usergroups:read',
  'usergroups.list(': 'usergroups:read',
  'users.info(': 'users:read',
  'chat.getPermalink(': null,
  'views.open(': null,
};

interface Manifest {
  features: { slash_commands: Array<{ command: string; url: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[]; request_url: string }; interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('slack/manifest.yaml', () => {
  const manifest = parse(readFileSync(join(packageRoot, 'slack', 'manifest.yaml'), 'utf8')) as Manifest;
  const source = sourceFiles(join(packageRoot, 'src')).map((file) => readFileSync(file, 'utf8')).join('\n');

  test('declares the slash command, interactivity and thread-message events on /slack/events', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/oom-check']);
    for (const url of [manifest.features.slash_commands[0]!.url, manifest.settings.interactivity.request_url, manifest.settings.event_subscriptions.request_url]) {
      expect(url).toMatch(/\/slack\/events$/);
    }
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['message.channels', 'message.groups']));
    expect(typeof manifest.settings.socket_mode_enabled).toBe('boolean');
  });

  test('asks for exactly the scopes of the methods the bot calls', () => {
    const calls = new Set([...source.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+|filesUploadV2)\(/g)].map((match) => `${match[1]}(`));
    expect([...calls].filter((call) => !(call in METHOD_SCOPES))).toEqual([]);
    const called = Object.keys(METHOD_SCOPES).filter((call) => source.includes(call));
    expect(called.sort()).toEqual(Object.keys(METHOD_SCOPES).sort());
    const needed = new Set(['commands', 'channels:history', 'groups:history', ...called.map((m) => METHOD_SCOPES[m]).filter((s): s is string => s !== null)]);
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });
});
