import type { Database } from 'better-sqlite3';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import type { ClaimAnswer, RunStore, RunTransition } from '../../core/ports.js';
import { isVerdict, ROUND_STEPS, STEP_NAMES, type RoundRecord, type RunClaim, type RunRecord, type RunSpec, type RunTarget, type StepName, type StepRecord } from '../../core/run.js';
import { parseRunSpec } from '../../core/run-spec.js';
import { parseStoredResult } from '../../core/step-results.js';
import type { SqliteIncidentStore } from './sqlite-incident-store.js';
import { writing } from './writing.js';

interface RunRow {
  incident_id: number;
  spec: string;
  status: RunRecord['status'];
  verdict: RunRecord['verdict'];
  started_at: string;
  updated_at: string;
  round: number;
}

interface StepRow {
  step: StepName;
  status: StepRecord['status'];
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  result: string;
  error: string | null;
}

function prepareStatements(db: Database) {
  return {
    insertRun: db.prepare(`INSERT INTO runs (incident_id, spec, status, started_at, updated_at)
      VALUES (?, ?, 'active', ?, ?)`),
    insertStep: db.prepare('INSERT INTO run_steps (incident_id, position, step) VALUES (?, ?, ?)'),
    getRun: db.prepare('SELECT * FROM runs WHERE incident_id = ?'),
    getSteps: db.prepare('SELECT * FROM run_steps WHERE incident_id = ? ORDER BY position'),
    unfinished: db.prepare("SELECT incident_id FROM runs WHERE status != 'finished' ORDER BY incident_id"),
    waiting: db.prepare("SELECT incident_id FROM runs WHERE status = 'waiting-approval' ORDER BY incident_id"),
    countWaiting: db.prepare("SELECT count(*) AS n FROM runs WHERE status = 'waiting-approval'"),
    unfinishedFor: db.prepare(`SELECT incident_id FROM runs WHERE status != 'finished' AND json_extract(spec, '$.target.cluster') = ?
      AND json_extract(spec, '$.target.namespace') = ? AND json_extract(spec, '$.target.pod') = ? ORDER BY incident_id LIMIT 1`),
    stepStatus: db.prepare('SELECT status FROM run_steps WHERE incident_id = ? AND step = ?'),
    updateStep: db.prepare(`UPDATE run_steps SET status = @status,
        attempts = coalesce(@attempts, attempts),
        started_at = CASE WHEN @setStartedAt THEN @startedAt ELSE started_at END,
        finished_at = CASE WHEN @setFinishedAt THEN @finishedAt ELSE finished_at END,
        result = coalesce(@result, result),
        error = CASE WHEN @setError THEN @error ELSE error END
      WHERE incident_id = @incidentId AND step = @step`),
    updateRun: db.prepare(`UPDATE runs SET status = coalesce(@status, status), verdict = coalesce(@verdict, verdict),
        updated_at = @at WHERE incident_id = @incidentId`),
    setContainer: db.prepare('UPDATE incidents SET container = ? WHERE id = ? AND container IS NULL'),
    getClaim: db.prepare('SELECT owner, until FROM run_claims WHERE incident_id = ?'),
    putClaim: db.prepare(`INSERT INTO run_claims (incident_id, owner, claimed_at, until) VALUES (?, ?, ?, ?)
      ON CONFLICT (incident_id) DO UPDATE SET owner = excluded.owner, claimed_at = excluded.claimed_at, until = excluded.until`),
    release: db.prepare('DELETE FROM run_claims WHERE incident_id = ? AND owner = ?'),
    getRounds: db.prepare('SELECT round, steps, ended_at FROM run_rounds WHERE incident_id = ? ORDER BY round'),
    archiveRound: db.prepare(`INSERT INTO run_rounds (incident_id, round, steps, ended_at)
      SELECT r.incident_id, r.round, json_group_array(json_object('step', s.step, 'status', s.status, 'attempts', s.attempts,
        'started_at', s.started_at, 'finished_at', s.finished_at, 'result', json(s.result), 'error', s.error)), @at
      FROM runs r JOIN (SELECT * FROM run_steps WHERE incident_id = @incidentId ORDER BY position) s ON s.incident_id = r.incident_id
      WHERE r.incident_id = @incidentId AND s.step IN (${ROUND_STEPS.map((step) => `'${step}'`).join(', ')})`),
    resetRoundSteps: db.prepare(`UPDATE run_steps SET status = 'pending', attempts = 0, started_at = NULL, finished_at = NULL, result = '{}', error = NULL
      WHERE incident_id = ? AND step IN (${ROUND_STEPS.map((step) => `'${step}'`).join(', ')})`),
    nextRound: db.prepare('UPDATE runs SET round = round + 1 WHERE incident_id = ?'),
  };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OomCheckError(ErrorCode.RunStateInvalid, `${where}: stored JSON does not parse (${(error as Error).message})`);
  }
}

/** RunStore on the same database as the incidents, so a step change and its timeline rows commit together. */
export class SqliteRunStore implements RunStore {
  private readonly sql: ReturnType<typeof prepareStatements>;

  constructor(
    private readonly db: Database,
    private readonly incidents: SqliteIncidentStore,
  ) {
    this.sql = prepareStatements(db);
  }

  createRun(incidentId: number, spec: RunSpec, at: string): RunRecord {
    writing(() => this.db.transaction(() => {
      try {
        this.sql.insertRun.run(incidentId, JSON.stringify(spec), at, at);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new OomCheckError(ErrorCode.IncidentInvalid, `incident ${incidentId} already has a checklist run`);
        }
        if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
          throw new OomCheckError(ErrorCode.IncidentNotFound, `incident ${incidentId} does not exist`);
        }
        throw error;
      }
      STEP_NAMES.forEach((step, position) => this.sql.insertStep.run(incidentId, position, step));
    }).immediate());
    return this.getRun(incidentId)!;
  }

  /** The run as stored, parsed with the schemas that wrote it: corrupt state is an error that names it. */
  getRun(incidentId: number): RunRecord | undefined {
    const row = this.sql.getRun.get(incidentId) as RunRow | undefined;
    if (!row) return undefined;
    const where = `run of incident ${incidentId}`;
    const steps = (this.sql.getSteps.all(incidentId) as StepRow[]).map((step) => this.toStep(step, parseJson(step.result, where), where));
    const rounds = (this.sql.getRounds.all(incidentId) as Array<{ round: number; steps: string; ended_at: string }>).map(
      (row): RoundRecord => ({ round: row.round, endedAt: row.ended_at, steps: (parseJson(row.steps, where) as Array<StepRow & { result: unknown }>)
        .map((step) => this.toStep(step, step.result, `${where}, round ${row.round}`))
        .sort((a, b) => STEP_NAMES.indexOf(a.step) - STEP_NAMES.indexOf(b.step)) }),
    );
    if (row.verdict !== null && !isVerdict(row.verdict)) throw new OomCheckError(ErrorCode.RunStateInvalid, `${where}: unknown verdict "${row.verdict}"`);
    const claim = this.sql.getClaim.get(incidentId) as RunClaim | undefined;
    return {
      incidentId: row.incident_id,
      spec: parseRunSpec(parseJson(row.spec, where), where),
      status: row.status,
      verdict: row.verdict,
      startedAt: row.started_at,
      updatedAt: row.updated_at,
      claim: claim ? { owner: claim.owner, until: claim.until } : null,
      round: row.round,
      rounds,
      steps,
    };
  }

  private toStep(row: Omit<StepRow, 'result'>, stored: unknown, where: string): StepRecord {
    if (!(STEP_NAMES as readonly string[]).includes(row.step)) throw new OomCheckError(ErrorCode.RunStateInvalid, `${where}: unknown step "${row.step}"`);
    const base = { status: row.status, attempts: row.attempts, startedAt: row.started_at, finishedAt: row.finished_at, error: row.error };
    const result = <N extends StepName>(step: N) => parseStoredResult(step, stored, where);
    // One arm per step keeps each record's result typed by its own step.
    switch (row.step) {
      case 'detect': return { ...base, step: row.step, result: result(row.step) };
      case 'image-info': return { ...base, step: row.step, result: result(row.step) };
      case 'evidence': return { ...base, step: row.step, result: result(row.step) };
      case 'propose': return { ...base, step: row.step, result: result(row.step) };
      case 'approve': return { ...base, step: row.step, result: result(row.step) };
      case 'apply': return { ...base, step: row.step, result: result(row.step) };
      case 'wait': return { ...base, step: row.step, result: result(row.step) };
      case 'health': return { ...base, step: row.step, result: result(row.step) };
    }
  }

  listUnfinishedRuns(): RunRecord[] {
    return (this.sql.unfinished.all() as Array<{ incident_id: number }>).map((row) => this.getRun(row.incident_id)!);
  }

  listWaitingApprovals(): RunRecord[] {
    return (this.sql.waiting.all() as Array<{ incident_id: number }>).map((row) => this.getRun(row.incident_id)!);
  }

  /** Runs whose approval gate waits for a person now. */
  countWaitingApprovals(): number {
    return (this.sql.countWaiting.get() as { n: number }).n;
  }

  findUnfinishedRun(target: RunTarget): RunRecord | undefined {
    const row = this.sql.unfinishedFor.get(target.cluster, target.namespace, target.pod) as { incident_id: number } | undefined;
    return row && this.getRun(row.incident_id);
  }

  transition(incidentId: number, change: RunTransition): RunRecord | null {
    const applied = writing(() => this.db.transaction((): boolean => {
      const { step } = change;
      if (change.owner !== undefined && (this.sql.getClaim.get(incidentId) as RunClaim | undefined)?.owner !== change.owner) return false;
      if (step) {
        const current = this.sql.stepStatus.get(incidentId, step.name) as { status: string } | undefined;
        if (!current) throw new OomCheckError(ErrorCode.IncidentNotFound, `incident ${incidentId} has no checklist run`);
        if (step.expect !== undefined && current.status !== step.expect) return false;
        this.sql.updateStep.run({
          incidentId,
          step: step.name,
          status: step.status,
          attempts: step.attempts ?? null,
          setStartedAt: step.startedAt !== undefined ? 1 : 0,
          startedAt: step.startedAt ?? null,
          setFinishedAt: step.finishedAt !== undefined ? 1 : 0,
          finishedAt: step.finishedAt ?? null,
          result: step.result === undefined ? null : JSON.stringify(step.result),
          setError: step.error !== undefined ? 1 : 0,
          error: step.error ?? null,
        });
      }
      this.sql.updateRun.run({ incidentId, status: change.run?.status ?? null, verdict: change.run?.verdict ?? null, at: change.at });
      if (change.events && change.events.length > 0) this.incidents.appendMany(change.events);
      if (change.container !== undefined) this.sql.setContainer.run(change.container, incidentId);
      if (change.nextRound) {
        this.sql.archiveRound.run({ incidentId, at: change.at });
        this.sql.resetRoundSteps.run(incidentId);
        this.sql.nextRound.run(incidentId);
      }
      return true;
    }).immediate());
    return applied ? this.getRun(incidentId)! : null;
  }

  claim(incidentId: number, claim: RunClaim, at: string, options: { replacing?: string } = {}): ClaimAnswer {
    const holder = writing(() => this.db.transaction((): RunClaim | null => {
      const current = this.sql.getClaim.get(incidentId) as RunClaim | undefined;
      const free = !current || current.owner === claim.owner || current.owner === options.replacing || current.until <= at;
      if (current && !free) return { owner: current.owner, until: current.until };
      this.sql.putClaim.run(incidentId, claim.owner, at, claim.until);
      return null;
    }).immediate());
    if (holder) return { ok: false, holder };
    const run = this.getRun(incidentId);
    if (!run) throw new OomCheckError(ErrorCode.IncidentNotFound, `incident ${incidentId} has no checklist run`);
    return { ok: true, run };
  }

  release(incidentId: number, owner: string): void {
    writing(() => this.sql.release.run(incidentId, owner));
  }
}
