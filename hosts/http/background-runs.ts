import type { FastifyRequest } from 'fastify';
import type { Row } from '../../runtime/connector.js';
import type { RunView } from './run-store.js';

/** A `POST /v1/runs` body, checked by the route schema (the connector resolved to its id). */
export interface StartRunSpec {
  connector: string;
  connection?: Record<string, unknown> | undefined;
  settings?: Record<string, unknown> | undefined;
  rows: unknown[];
  concurrency?: number | undefined;
}

export interface RowsPage {
  offset: number;
  rows: Row[];
  available: number;
  done: boolean;
}

/**
 * Where `/v1/runs` keeps background runs: in this process's memory (MemoryRuns), or in Redis with BullMQ workers
 * (durable/DurableRuns), which any replica can answer for. The routes see only this.
 */
export interface BackgroundRuns {
  readonly mode: 'memory' | 'durable';
  /** False when a new run would go over the in-flight cap (429). */
  hasRoom(): Promise<boolean>;
  /** Registers the run and starts it (or queues it); throws a ConfigurationError (400) before anything is kept. */
  start(request: FastifyRequest, spec: StartRunSpec): Promise<RunView>;
  get(id: string): Promise<RunView | undefined>;
  list(): Promise<RunView[]>;
  rows(id: string, offset: number, limit: number): Promise<RowsPage | undefined>;
  /** Cancels a running run and answers once it has stopped; a finished run is left as it is. */
  cancel(id: string, reason: string): Promise<RunView | undefined>;
}
