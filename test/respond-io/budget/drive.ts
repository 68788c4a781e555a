import { Agent, request } from 'node:http';
import type { EndpointBudget } from '../../../connectors/respond-io/budget/rate-budget.js';
import type { RunningSimulator } from '../../../simulator/index.js';

export const CONTACT = 'GET /contact/{identifier}';

/**
 * One paced request the way the attempt loop will make it: acquire → gate → GET → noteSent at the socket write → a
 * 429 penalizes the endpoint. Plain node:http, so these tests exercise the budget, not the respond.io client.
 */
export async function pacedGet(budget: EndpointBudget, limit: number, sim: RunningSimulator, contactId: number, agent: Agent): Promise<number> {
  await budget.acquire(limit);
  const ticket = await budget.gate(limit);
  const { status, retryAfter } = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
    const outgoing = request(`${sim.baseUrl}/contact/id:${contactId}`, { agent, headers: { authorization: `Bearer ${sim.token}` } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] }));
    });
    outgoing.on('error', reject);
    outgoing.once('finish', () => ticket.noteSent(performance.now()));
    outgoing.end();
  });
  if (status === 429) await budget.penalize(Number(retryAfter ?? 1) * 1000);
  return status;
}

/** `count` requests through one "process" (its own budget and agent), `concurrency` at a time. */
export async function runProcess(budget: EndpointBudget, limit: number, sim: RunningSimulator, ids: readonly number[], concurrency: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true });
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as number;
      statuses.push(await pacedGet(budget, limit, sim, id, agent));
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return statuses;
}
