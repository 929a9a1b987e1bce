/**
 * Answers to the read-only commands a client may exec in a running container: memory files under
 * /proc and the cgroup (values follow the container's live memory curve, so sampling smaps_rollup
 * every 100 ms during start-up traces its rise, as the seed's RSS-peak method expects), plus any
 * command the scenario lists. Nothing is executed: no shell exists here, and `sh -c` only unwraps a
 * single plain command.
 */
import type { ExecAnswer } from './behaviour-book.js';
import type { ContainerMemory } from './kubelet.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Set when the runtime could not start the command at all (kubectl: "OCI runtime exec failed"). */
  startError?: string;
}

export interface ExecTarget {
  podName: string;
  containerName: string;
  memory: ContainerMemory;
  answers: readonly ExecAnswer[];
}

const kb = (bytes: number) => Math.round(bytes / 1024);
const pad = (label: string, value: number) => `${`${label}:`.padEnd(16)}${String(value).padStart(8)} kB`;

function smapsRollup(m: ContainerMemory): string {
  const rss = kb(m.rssBytes);
  const anon = Math.round(rss * 0.92);
  const file = rss - anon;
  return [
    '00400000-7ffd4b1fe000 ---p 00000000 00:00 0                          [rollup]',
    pad('Rss', rss),
    pad('Pss', rss - 4),
    pad('Pss_Dirty', anon),
    pad('Pss_Anon', anon),
    pad('Pss_File', file - 4),
    pad('Pss_Shmem', 0),
    pad('Shared_Clean', 8),
    pad('Shared_Dirty', 0),
    pad('Private_Clean', file - 8),
    pad('Private_Dirty', anon),
    pad('Referenced', rss),
    pad('Anonymous', anon),
    pad('LazyFree', 0),
    pad('AnonHugePages', 0),
    pad('ShmemPmdMapped', 0),
    pad('FilePmdMapped', 0),
    pad('Shared_Hugetlb', 0),
    pad('Private_Hugetlb', 0),
    pad('Swap', 0),
    pad('SwapPss', 0),
    pad('Locked', 0),
    '',
  ].join('\n');
}

function procStatus(t: ExecTarget): string {
  const rss = kb(t.memory.rssBytes);
  const hwm = kb(t.memory.peakBytes);
  const anon = Math.round(rss * 0.92);
  return [
    `Name:\t${t.memory.process.slice(0, 15)}`,
    'State:\tS (sleeping)',
    'Pid:\t1',
    'PPid:\t0',
    `VmPeak:\t${String(hwm * 3).padStart(8)} kB`,
    `VmSize:\t${String(rss * 3).padStart(8)} kB`,
    `VmHWM:\t${String(hwm).padStart(8)} kB`,
    `VmRSS:\t${String(rss).padStart(8)} kB`,
    `RssAnon:\t${String(anon).padStart(8)} kB`,
    `RssFile:\t${String(rss - anon).padStart(8)} kB`,
    'RssShmem:\t       0 kB',
    'Threads:\t12',
    '',
  ].join('\n');
}

/**
 * memory.events of the container's own cgroup, as mm/memcontrol.c prints it (cgroup v2, kernel
 * 5.19+ with oom_group_kill). The counters belong to this container instance (a restart gets a new
 * cgroup). A simulated process that reaches its limit is killed in that instant, and the kubelet
 * sets memory.oom.group (1.28+, cgroup v2), so a container that is still running has none to show.
 */
function memoryEvents(): string {
  return ['low 0', 'high 0', 'max 0', 'oom 0', 'oom_kill 0', 'oom_group_kill 0', ''].join('\n');
}

function fileContent(path: string, t: ExecTarget): string | undefined {
  const m = t.memory;
  const proc = /^\/proc\/(?:1|self)\/(smaps_rollup|status)$/.exec(path);
  if (proc) return proc[1] === 'smaps_rollup' ? smapsRollup(m) : procStatus(t);
  switch (path) {
    case '/sys/fs/cgroup/memory.max':
      return `${m.limitBytes ?? 'max'}\n`;
    case '/sys/fs/cgroup/memory.current':
      return `${m.rssBytes}\n`;
    case '/sys/fs/cgroup/memory.peak':
      return `${m.peakBytes}\n`;
    case '/sys/fs/cgroup/memory.events':
      return memoryEvents();
    case '/etc/hostname':
      return `${t.podName}\n`;
    default:
      return undefined;
  }
}

/** `sh -c "cat /proc/1/status"` -> `["cat", "/proc/1/status"]`; undefined if it needs a real shell. */
function unwrapShell(command: string[]): string[] | undefined {
  const shell = (command[0] ?? '').split('/').pop() ?? '';
  if (!['sh', 'bash', 'ash', 'dash'].includes(shell) || command[1] !== '-c') return command;
  const script = (command[2] ?? '').trim();
  if (/[|;&$<>`(){}*?"'\\]/.test(script)) return undefined;
  return script.split(/\s+/).filter(Boolean);
}

export function answerExec(rawCommand: string[], t: ExecTarget): ExecResult {
  const scripted = t.answers.find((a) => JSON.stringify(a.command) === JSON.stringify(rawCommand));
  if (scripted) return { stdout: scripted.stdout, stderr: scripted.stderr, exitCode: scripted.exitCode };
  const command = unwrapShell(rawCommand);
  if (!command) {
    return { stdout: '', stderr: 'sh: the simulator runs single commands only (no pipes, variables or quoting)\n', exitCode: 2 };
  }
  const again = t.answers.find((a) => JSON.stringify(a.command) === JSON.stringify(command));
  if (again) return { stdout: again.stdout, stderr: again.stderr, exitCode: again.exitCode };
  const [program = '', ...args] = command;
  const name = program.split('/').pop();
  if (name === 'cat') {
    let stdout = '';
    let stderr = '';
    for (const file of args) {
      const content = fileContent(file, t);
      if (content === undefined) stderr += `cat: ${file}: No such file or directory\n`;
      else stdout += content;
    }
    return { stdout, stderr, exitCode: stderr ? 1 : 0 };
  }
  if (name === 'hostname') return { stdout: `${t.podName}\n`, stderr: '', exitCode: 0 };
  if (name === 'true') return { stdout: '', stderr: '', exitCode: 0 };
  return {
    stdout: '',
    stderr: '',
    exitCode: 126,
    startError:
      `failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: ` +
      `exec: "${program}": executable file not found in $PATH: unknown`,
  };
}
