import { ErrorCode, OomCheckError } from '../../core/errors.js';

/**
 * Runs a write; a database another process keeps locked past the busy timeout becomes a coded
 * DatabaseBusy error, which callers treat as "try again shortly" rather than as a bug.
 */
export function writing<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
      throw new OomCheckError(ErrorCode.DatabaseBusy, 'the database is locked by another process; oom-check tries again shortly', { cause: error });
    }
    throw error;
  }
}
