import type { Connector } from '../../../runtime/connector.js';
import type { RateBudget } from './rate-budget.js';

/**
 * The connector with `budget` as its runs' `rateBudget` hook (client-options.ts), unless a run passes its own in
 * connectorOptions. How the composition (connectors/index.ts) hands one process-wide budget to the respond.io
 * family without the core knowing what a budget is.
 */
export function withRateBudget(connector: Connector, budget: RateBudget): Connector {
  return {
    id: connector.id,
    open: (environment) => connector.open({ ...environment, connectorOptions: { rateBudget: budget, ...environment.connectorOptions } }),
  };
}
