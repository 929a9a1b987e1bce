import type { Database } from 'better-sqlite3';
import { ErrorCode, OomCheckError } from '../../core/errors.js';
import type { RunStore, RunTransition } from '../../core/ports.js';
import { STEP_NAMES, type RunRecord, type RunSpec, type RunTarget, type StepRecord } from '../../core/run.js';
import type { TimelineData } from '../../core/timeline.js';
import type { SqliteIncidentStore } from './sqlite-incident-store.js';

interface RunRow {
  incident_id: number;
  spec: string;
  status: RunRecord['status'];
  verdict: RunRecord['verdict'];
  started_at: string;
  updated_at: string;
}

interface StepRow {
  step: StepRecord['step'];
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
  };
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
    this.db.transaction(() => {
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
    }).immediate();
    return this.getRun(incidentId)!;
  }

  getRun(incidentId: number): RunRecord | undefined {
    const row = this.sql.getRun.get(incidentId) as RunRow | undefined;
    if (!row) return undefined;
    const steps = (this.sql.getSteps.all(incidentId) as StepRow[]).map(
      (step): StepRecord => ({
        step: step.step,
        status: step.status,
        attempts: step.attempts,
        startedAt: step.started_at,
        finishedAt: step.finished_at,
        result: JSON.parse(step.result) as TimelineData,
        error: step.error,
      }),
    );
    return {
      incidentId: row.incident_id,
      spec: JSON.parse(row.spec) as RunSpec,
      status: row.status,
      verdict: row.verdict,
      startedAt: row.started_at,
      updatedAt: row.updated_at,
      steps,
    };
  }

  listUnfinishedRuns(): RunRecord[] {
    return (this.sql.unfinished.all() as Array<{ incident_id: number }>).map((row) => this.getRun(row.incident_id)!);
  }

  findUnfinishedRun(target: RunTarget): RunRecord | undefined {
    const row = this.sql.unfinishedFor.get(target.cluster, target.namespace, target.pod) as { incident_id: number } | undefined;
    return row && this.getRun(row.incident_id);
  }

  transition(incidentId: number, change: RunTransition): RunRecord | null {
    const applied = this.db.transaction((): boolean => {
      const { step } = change;
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
      return true;
    }).immediate();
    return applied ? this.getRun(incidentId)! : null;
  }
}
