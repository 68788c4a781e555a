import type { Logger } from './logger.js';
import type { ConnectorApi } from './manifest.js';
import type { SchemaRegistry } from './schema-registry.js';

/** A row as the runtime moves it; each connector narrows it with the generated row types. */
export type Row = Record<string, unknown>;

/** What a connector's upstream traffic cost, for the run result and metrics. */
export interface UpstreamStats {
  requests: number;
  retries: number;
  /** 429 answers received from respond.io. */
  rateLimited: number;
  /**
   * Wall-clock milliseconds (whole) during which at least one call of the run was waiting for a rate-limit slot or a
   * Retry-After: the union of the waits, so never more than the run's duration.
   */
  rateLimitWaitMs: number;
  /** The sum of every call's own rate-limit wait (row-milliseconds: 16 rows waiting 1 s together count 16 000). */
  rateLimitWaitRowMs?: number;
  /** Requests by the HTTP status each got (`"none"`: no response came); connectors that make no HTTP call omit it. */
  byStatus?: Record<string, number>;
}

export const noUpstreamStats = (): UpstreamStats => ({ requests: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0, byStatus: {} });

/** Counts one request's answer (an HTTP status, or `'none'` when no response came). */
export function countStatus(stats: UpstreamStats, status: number | 'none'): void {
  const byStatus = (stats.byStatus ??= {});
  byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
}

/** A copy the caller may keep: later requests do not change it. */
export const copyStats = (stats: UpstreamStats): UpstreamStats => ({ ...stats, ...(stats.byStatus ? { byStatus: { ...stats.byStatus } } : {}) });

/** Everything a connector gets for one run. */
export interface RunEnvironment {
  /** The Connection block, already valid against the connector's Connection schema (narrow it with the generated type). */
  connection: Readonly<Record<string, unknown>>;
  /** The Settings block, already valid against the connector's Settings schema, defaults applied. */
  settings: Readonly<Record<string, unknown>>;
  logger: Logger;
  /**
   * Options a host passes through to a connector family (e.g. the respond.io client's timeout, retry policy or clock
   * in tests). Each family documents and validates its own.
   */
  connectorOptions: Readonly<Record<string, unknown>>;
  /** The plugin's schema registry: its one Ajv, for connectors that validate more than their rows. */
  registry: SchemaRegistry;
  /** What the manifest entry says the connector calls, and whether repeating that call is harmless. */
  endpoint: ConnectorEndpoint;
}

/** The manifest entry's `api` and `idempotent`: the respond.io client takes its method, path and retry rule here. */
export interface ConnectorEndpoint extends ConnectorApi {
  idempotent: boolean;
}

/** What a connector gets with each input row. */
export interface RowContext {
  /** Aborted when the run stops or no longer needs this row. */
  signal: AbortSignal;
  /** The input row's number, from 1, as the run result and the logs name it. */
  row: number;
  /**
   * Awaited by the respond.io client right before a request that is not idempotent leaves (after pacing): a
   * checkpointed run records an intent there, so that after a crash a call that may have happened is told from one
   * that did not. A no-op in runs without a checkpoint.
   */
  beforeSend(): Promise<void>;
}

/** One run's worth of a connector: holds the API client of that run. */
export interface ConnectorSession<I extends Row = Row, O extends Row = Row> {
  /**
   * Maps one input row (already valid against the input schema) to one output row (a promise), or to several (an
   * async iterable, e.g. a paginated list: its rows are streamed, pulled as the consumer takes them). Throws a
   * RowError for a failed row — also after rows were yielded: those stay, and the error applies to the input row —
   * a ConfigurationError when every row would fail the same way; never builds error rows itself.
   */
  process(row: I, context: RowContext): Promise<O> | AsyncIterable<O>;
  stats(): UpstreamStats;
  close?(): Promise<void> | void;
}

/** A connector module: its manifest id, and how to open a session for a run. */
export interface Connector<I extends Row = Row, O extends Row = Row> {
  id: string;
  open(environment: RunEnvironment): ConnectorSession<I, O>;
}

/**
 * Declares a connector with the row types generated from its schemas. The runtime only hands it rows that passed
 * its input schema and checks what it returns against its output schema, so the list of connectors can hold every
 * connector as a plain `Connector` without losing the types inside each one.
 */
export function defineConnector<I extends Row, O extends Row>(connector: Connector<I, O>): Connector {
  return connector as unknown as Connector;
}
