import { KubeCluster } from '../../adapters/k8s/kube-cluster.js';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { systemClock } from '../../adapters/clock/system-clock.js';
import { renderPostmortemMarkdown } from '../../core/postmortem/render-markdown.js';
import { describeEvent } from '../../core/postmortem/describe-event.js';
import { relativeTime } from '../../core/postmortem/markdown-text.js';
import { loadConfig } from '../../config.js';
import { loadRunbook } from '../../runbook/load-runbook.js';
import { startIncident } from '../../runbook/start-incident.js';
import { startSimulator } from '../../sim/start-simulator.js';
import { wireChecklist } from '../../wire-checklist.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { prepareDemoFolder } from '../prepare-demo-folder.js';
import { ExitCode, VERDICT_EXIT_CODES } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { renderUpdate } from '../render-update.js';
import { COMMAND_HELP } from '../usage.js';

const DEMO_ACTOR = 'cli:demo-approver';

/**
 * The whole product on the embedded default: the simulator on the seed's scenario, the checklist
 * with approval given, the timeline and the Markdown postmortem. Touches no real cluster or database.
 */
export async function demoCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('demo', args, {
    out: { type: 'string', default: join('data', 'demo') },
    'time-scale': { type: 'string', default: '0.02' },
  });
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.demo ?? '');
    return ExitCode.Ok;
  }
  if (positionals.length > 0) throw usageError('demo', `unexpected argument "${positionals[0]}"`);
  const timeScale = Number(values['time-scale']);
  if (!(timeScale > 0 && timeScale <= 10)) throw usageError('demo', `--time-scale must be a number above 0 and at most 10, not "${String(values['time-scale'])}"`);
  const outDir = values.out as string;
  const config = loadConfig(io.env, ['runbook']);

  prepareDemoFolder(outDir);
  const sim = await startSimulator({ scenario: 'seed-oom', timeScale });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions(sim.kubeconfig());
  const checklist = wireChecklist({
    dbPath: join(outDir, 'oom-check.db'),
    cluster: new KubeCluster(kubeConfig),
    clock: systemClock,
    log: pino({ level: 'silent' }),
    observers: [{ onUpdate: (update) => update.status !== 'running' && writeLine(io.stdout, renderUpdate(update)) }],
  });
  try {
    writeLine(io.stdout, `Kubernetes API simulator at ${sim.url}: ${sim.scenario.description ?? 'seed scenario'}`);
    const isOomKilled = () =>
      sim.listObjects('Pod', 'shop').find((pod) =>
        ((pod.status as { initContainerStatuses?: Array<{ lastState?: { terminated?: { reason?: string } } }> } | undefined)?.initContainerStatuses ?? []).some(
          (status) => status.lastState?.terminated?.reason === 'OOMKilled',
        ),
      );
    await sim.waitFor(() => isOomKilled() !== undefined, 60_000, 'the seed pod to be OOMKilled');
    const pod = isOomKilled()!.metadata.name;
    writeLine(io.stdout, `pod shop/${pod}: initContainer migrate OOMKilled; running the checklist\n`);
    const started = await startIncident(checklist, {
      namespace: 'shop',
      pod,
      trigger: 'cli',
      actor: DEMO_ACTOR,
      runbook: loadRunbook(config.runbook.path),
      maxLimitBytes: config.runbook.maxMemoryLimitBytes,
      allowedNamespaces: [],
    });
    const incidentId = started.incident.id;
    let run = await checklist.runner.advance(incidentId);
    if (run.status === 'waiting-approval') {
      writeLine(io.stdout, `                   (the demo approves as ${DEMO_ACTOR})`);
      checklist.lifecycle.decide(incidentId, { actor: DEMO_ACTOR, decision: 'approve', reason: 'approved by the demo' });
      run = await checklist.runner.advance(incidentId);
    }
    const incident = checklist.incidents.getIncident(incidentId)!;
    const timeline = checklist.incidents.timeline(incidentId);
    writeLine(io.stdout, `\nTimeline of incident ${incidentId}:`);
    for (const event of timeline) writeLine(io.stdout, `  ${relativeTime(event.at, incident.openedAt)}  ${event.actor.padEnd(18)} ${describeEvent(event).what}`);
    const postmortem = join(outDir, `postmortem-incident-${incidentId}.md`);
    writeFileAtomic(postmortem, renderPostmortemMarkdown(incident, timeline));
    writeLine(io.stdout, `\nIncident ${incidentId}: ${run.verdict}. Postmortem written to ${postmortem}`);
    return VERDICT_EXIT_CODES[run.verdict ?? 'failed'];
  } finally {
    await checklist.close();
    await sim.close();
  }
}
