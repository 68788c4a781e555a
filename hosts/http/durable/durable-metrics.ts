import { Gauge, type Registry } from 'prom-client';
import type { DurableRuns } from './durable-runs.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
const RUN_STATES = ['running', 'succeeded', 'succeeded with errors', 'failed', 'cancelled'] as const;

/**
 * Durable mode's gauges, read from Redis at each scrape (so every replica reports the same, whole-cluster figures):
 * the BullMQ queue by job state, and the runs kept by status.
 */
export function registerDurableMetrics(registry: Registry, runs: DurableRuns): void {
  new Gauge({
    name: 'respondio_connectors_queue_jobs',
    help: 'Durable runs in the BullMQ queue by job state (waiting: for a worker; active: carried by one)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await runs.queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'respondio_connectors_durable_runs',
    help: 'Durable runs kept in Redis by status (running, and finished ones until they expire)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await runs.countByStatus();
      for (const status of RUN_STATES) this.set({ status }, counts.get(status) ?? 0);
    },
  });
}
