import type { ConnectorSession } from '../../runtime/connector.js';
import { ControllerPool } from '../../runtime/pipeline/controller-pool.js';
import type { RowWork } from '../../runtime/pipeline/process-row.js';
import { StopRule } from '../../runtime/pipeline/stop-rule.js';

/**
 * What processRow needs for one row: the test's connector session (what it leaves out answers `{}`), the runtime's
 * own controller pool and stop rule, an output check that wants a number in column 'n', and `checkInput` (default:
 * every input row is valid).
 */
export function rowWork(session: Partial<ConnectorSession>, checkInput: RowWork['checkInput'] = () => undefined): RowWork {
  return {
    session: { stats: () => ({ requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 }), process: () => Promise.resolve({}), ...session },
    checkInput,
    checkOutput: (row) => (typeof row.n === 'number' ? undefined : "column 'n' must be a number"),
    controllers: new ControllerPool(),
    stop: new StopRule(new AbortController().signal),
    beforeSend: () => Promise.resolve(),
  };
}
