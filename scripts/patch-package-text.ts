import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** One exact replacement in one file of a pinned package. */
export interface TextPatch {
  /** The file, matched against its full path. */
  file: RegExp;
  /** Text that must be in the file exactly once, or the build fails. */
  from: string;
  to: string;
}

/**
 * An esbuild plugin that rewrites exact lines of pinned packages in the bundle (and nowhere else).
 * If a package's text differs (a new version), the build fails and names the patch to review,
 * rather than silently bundling the unpatched code.
 */
export function patchPackageText(name: string, patches: readonly TextPatch[]): Plugin {
  return {
    name,
    setup(build) {
      const applied = new Set<TextPatch>();
      build.onStart(() => applied.clear());
      build.onLoad({ filter: new RegExp(patches.map((patch) => patch.file.source).join('|')) }, async (args) => {
        const mine = patches.filter((patch) => patch.file.test(args.path));
        if (mine.length === 0) return undefined;
        let source = (await readFile(args.path, 'utf8')).replace(/\r\n/g, '\n');
        for (const patch of mine) {
          if (source.split(patch.from).length !== 2) {
            return { errors: [{ text: `"${patch.from.split('\n')[0]}" is not in ${args.path} exactly once: the package changed; review scripts/${name}.ts` }] };
          }
          source = source.replace(patch.from, () => patch.to);
          applied.add(patch);
        }
        return { contents: source, loader: 'js' };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return undefined;
        const missed = patches.filter((patch) => !applied.has(patch));
        return { errors: missed.map((patch) => ({ text: `no bundled file matched ${patch.file}: review scripts/${name}.ts` })) };
      });
    },
  };
}
