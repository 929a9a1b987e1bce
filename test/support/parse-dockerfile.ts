export interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of each stage, FROM first. */
export function stages(instructions: Instruction[]): Instruction[][] {
  return instructions.reduce<Instruction[][]>((all, instruction) => {
    if (instruction.keyword === 'FROM') all.push([]);
    all.at(-1)?.push(instruction);
    return all;
  }, []);
}

/** `KEY=value` pairs of a stage's ENV instructions (the `ENV A=1 B=2` form). */
export function stageEnv(stage: Instruction[]): Record<string, string> {
  return Object.fromEntries(
    stage
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => i.args.split(/\s+/))
      .map((pair) => pair.split('=') as [string, string]),
  );
}

/** The exec-form ENTRYPOINT of a stage, as an argv array. */
export function entrypoint(stage: Instruction[]): string[] {
  const last = stage.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  if (!last) throw new Error('the stage has no ENTRYPOINT');
  return JSON.parse(last.args) as string[];
}

/**
 * How the image runs the bundle: the runtime stage's ENTRYPOINT (node, its flags, `entry`) and
 * its ENV without the keys a run sets itself (the database path, the port). Benches start
 * `node ...nodeArgs entry serve` with this env to measure the image, not a bare node.
 */
export function imageRuntime(dockerfile: string, entry: string, runSets: readonly string[] = ['OOM_CHECK_DB_PATH', 'PORT']): { argv: string[]; nodeArgs: string[]; env: Record<string, string> } {
  const runtime = stages(parseDockerfile(dockerfile)).at(-1);
  if (!runtime) throw new Error('the Dockerfile has no stage');
  const argv = entrypoint(runtime);
  if (argv.at(-1) !== entry) throw new Error(`the Dockerfile's ENTRYPOINT does not run ${entry}: ${JSON.stringify(argv)}`);
  const env = Object.fromEntries(Object.entries(stageEnv(runtime)).filter(([key]) => !runSets.includes(key)));
  return { argv, nodeArgs: argv.slice(1, -1), env };
}
