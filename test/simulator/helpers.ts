import type { LightMyRequestResponse } from 'fastify';
import type { Simulator } from '../../simulator/index.js';

/** Authorization header for the simulator's token. */
export const authOf = (sim: Simulator): { authorization: string } => ({ authorization: `Bearer ${sim.token}` });

export const body = (response: LightMyRequestResponse): Record<string, unknown> => response.json() as Record<string, unknown>;

/** The error body respond.io sends: exactly { code, message }, code = status. */
export function isErrorBody(response: LightMyRequestResponse, status: number): boolean {
  const parsed = body(response);
  return response.statusCode === status && parsed.code === status && typeof parsed.message === 'string' && Object.keys(parsed).length === 2;
}
