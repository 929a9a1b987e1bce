import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** Each UTF-16 unit beyond Latin-1 (an emoji is two). */
const BEYOND_LATIN1 = /[^\x00-\xff]/g;

/**
 * V8 keeps the source of every script it loaded, at one byte per character only if all of them
 * are Latin-1: one '…' stores the whole chunk at two (start-bot's is 1.7 MB, so ~1.7 MB of RSS).
 * esbuild writes other characters as escapes (charset ascii), except in tagged templates, whose
 * raw text it keeps: the bot's md`…` texts. This plugin writes those characters of the project's
 * own sources as \u escapes before esbuild reads them; a tag reads the cooked strings, which are
 * unchanged. A file that reads a template's `.raw`, or has a backslash before such a character,
 * fails the build instead, as the escape would change it.
 */
export function latin1Sources(): Plugin {
  return {
    name: 'latin1-sources',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!/[^\x00-\xff]/.test(source)) return undefined;
        if (/\.raw\b/.test(source) || /\\[^\x00-\xff]/.test(source)) {
          return { errors: [{ text: `${args.path} reads a template's .raw or escapes a character beyond Latin-1: review scripts/latin1-sources.ts` }] };
        }
        const escape = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
        return { contents: source.replace(BEYOND_LATIN1, escape), loader: 'ts' };
      });
    },
  };
}
