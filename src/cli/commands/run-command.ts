import { commandClusters } from '../../adapters/k8s/connect-clusters.js';
import { userInfo } from 'node:os';
import { isClusterError } from '../../core/cluster-error.js';
import { systemClock } from '../../adapters/clock/system-clock.js';
import type { RunRecord } from '../../core/run.js';
import { loadConfig } from '../../config.js';
import { loadRunbook } from '../../runbook/load-runbook.js';
import { checklistSteps } from '../../runbook/checklist-steps.js';
import { outsideSources } from '../../adapters/outside-sources.js';
import { startIncident } from '../../runbook/start-incident.js';
import { wireChecklist, type WiredChecklist } from '../../wire-checklist.js';
import { openPrompt, type Prompt } from '../ask.js';
import { writeLine, type CliIo } from '../cli-io.js';
import { createLogger } from '../../create-logger.js';
import { ExitCode, VERDICT_EXIT_CODES } from '../exit-codes.js';
import { parseFlags, usageError } from '../parse-flags.js';
import { renderUpdate } from '../render-update.js';
import { COMMAND_HELP } from '../usage.js';

/** Asks at the gate until the answer settles it; null when nobody can be asked. */
async function approveAtTerminal(checklist: WiredChecklist, io: CliIo, prompt: Prompt, incidentId: number, actor: string, question: string): Promise<boolean> {
  const offered = checklist.runs.getRun(incidentId)?.steps.find((step) => step.step === 'propose')?.result.downgrade;
  const downgrade = offered ? `, [d] the quick downgrade to ${offered.image}` : '';
  for (;;) {
    const answer = (await prompt.ask(`${question}\n  [y] approve, [n] reject${downgrade}, or type another limit such as 192Mi: `))?.trim();
    if (answer === undefined) return false;
    const request = /^y(es)?$/i.test(answer)
      ? { actor, decision: 'approve' as const }
      : /^n(o)?$/i.test(answer)
        ? { actor, decision: 'reject' as const }
        : /^d(owngrade)?$/i.test(answer)
          ? { actor, decision: 'approve' as const, fix: 'downgrade' as const }
          : { actor, decision: 'approve' as const, limit: answer };
    const settled = checklist.lifecycle.decide(incidentId, request);
    if (settled.outcome !== 'invalid-limit' && settled.outcome !== 'not-offered') return true;
    writeLine(io.stdout, `  ${settled.message}`);
  }
}

async function offerRollback(checklist: WiredChecklist, io: CliIo, prompt: Prompt, run: RunRecord, actor: string): Promise<void> {
  const answer = await prompt.ask('Roll the patch back to the previous limit? [y/N]: ');
  if (answer === null || !/^y(es)?$/i.test(answer.trim())) {
    writeLine(io.stdout, `The patch stays; roll it back with: oom-check rollback ${run.incidentId}`);
    return;
  }
  const result = await checklist.lifecycle.rollback(run.incidentId, actor);
  writeLine(io.stdout, result.outcome === 'rolled-back' ? `rolled back ${result.workload} to ${result.limit ?? 'no limit'}: the OOM kill will return` : `no rollback: ${'message' in result ? result.message : result.outcome}`);
}

export async function runCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseFlags('run', args, {
    yes: { type: 'boolean', short: 'y', default: false },
    context: { type: 'string' },
    cluster: { type: 'string' },
    runbook: { type: 'string' },
  });
  if (values.help) {
    writeLine(io.stdout, COMMAND_HELP.run ?? '');
    return ExitCode.Ok;
  }
  const [target, ...extra] = positionals;
  if (!target) throw usageError('run', 'give the pod as <namespace>/<pod>, e.g. oom-check run shop/checkout-7d9f8-abcde');
  if (extra.length > 0) throw usageError('run', `unexpected argument "${extra[0]}"`);
  const parts = target.split('/');
  const [cluster, namespace, pod] = parts.length === 3 ? parts : [(values.cluster as string | undefined) ?? null, ...parts];
  if (!namespace || !pod || parts.length > 3 || cluster === '') throw usageError('run', `"${target}" is not <namespace>/<pod> or <cluster>/<namespace>/<pod>, e.g. shop/checkout-7d9f8-abcde`);
  if (parts.length === 3 && values.cluster !== undefined) throw usageError('run', 'give the cluster either as <cluster>/<namespace>/<pod> or with --cluster, not both');
  if (cluster !== null && values.context !== undefined) throw usageError('run', '--context picks one kube context and --cluster a cluster of OOM_CHECK_CLUSTERS: give one of them');

  const config = loadConfig(io.env, ['store', 'cluster', 'runbook', 'log', 'prometheus', 'registry', 'policies']);
  const runbook = loadRunbook((values.runbook as string | undefined) ?? config.runbook.path);
  const actor = `cli:${userInfo().username}`;
  const checklist = wireChecklist({
    dbPath: config.store.dbPath,
    cluster: commandClusters(config.cluster, values.context as string | undefined),
    clock: systemClock,
    log: createLogger(config.log.level),
    observers: [{ onUpdate: (update) => update.status !== 'running' && writeLine(io.stdout, renderUpdate(update)) }],
    steps: checklistSteps(outsideSources(config)),
    policies: config.policies.file,
  });
  const prompt = openPrompt(io);
  try {
    const started = await startIncident(checklist, {
      cluster: cluster ?? null,
      namespace,
      pod,
      trigger: 'cli',
      actor,
      runbook,
      maxLimitBytes: config.runbook.maxMemoryLimitBytes,
      allowedNamespaces: config.cluster.namespaces,
    });
    const subject = started.incident.owner ? `${started.incident.owner.kind} ${namespace}/${started.incident.owner.name}` : `pod ${namespace}/${pod}`;
    writeLine(io.stdout, `incident ${started.incident.id} ${started.created ? 'opened' : 'resumed'} for ${subject} (cluster ${started.incident.cluster})`);
    let run = await checklist.runner.advance(started.incident.id);
    if (run.status === 'waiting-approval') {
      const question = checklist.incidents.timeline(run.incidentId).findLast((event) => event.kind === 'step.waiting')?.data.message;
      const settled = values.yes
        ? checklist.lifecycle.decide(run.incidentId, { actor, decision: 'approve', reason: 'approved with --yes' }).outcome !== 'not-waiting'
        : await approveAtTerminal(checklist, io, prompt, run.incidentId, actor, `Approve? ${String(question ?? '')}`);
      if (!settled) {
        writeLine(io.stdout, `incident ${run.incidentId} is waiting for approval: approve it in Slack, or run again with --yes`);
        return ExitCode.NotApproved;
      }
      run = await checklist.runner.advance(run.incidentId);
    }
    if (run.status !== 'finished') {
      writeLine(io.stdout, `incident ${run.incidentId} is not finished: run "oom-check run ${namespace}/${pod}" again to resume it`);
      return ExitCode.ClusterUnavailable;
    }
    if (run.verdict === 'verification-failed') await offerRollback(checklist, io, prompt, run, actor);
    writeLine(io.stdout, `incident ${run.incidentId}: ${run.verdict}. Postmortem: oom-check export ${run.incidentId}`);
    return VERDICT_EXIT_CODES[run.verdict ?? 'failed'];
  } catch (error) {
    if (!isClusterError(error)) throw error;
    writeLine(io.stderr, `oom-check run: ${error.message}`);
    return error.code === 'NotFound' ? ExitCode.NotFound : ExitCode.ClusterUnavailable;
  } finally {
    prompt.close();
    await checklist.close();
  }
}
