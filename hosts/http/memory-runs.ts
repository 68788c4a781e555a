import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { RunHandle } from '../../runtime/pipeline.js';
import type { BackgroundRuns, RowsPage, StartRunSpec } from './background-runs.js';
import type { RunStore, RunView } from './run-store.js';
import type { RunTracker } from './run-tracker.js';

/** Background runs in this process's memory (the RunStore): what the host does without Redis. */
export class MemoryRuns implements BackgroundRuns {
  readonly mode = 'memory';

  constructor(
    private readonly store: RunStore,
    private readonly tracker: RunTracker,
    private readonly open: (request: FastifyRequest, spec: StartRunSpec, logger: FastifyBaseLogger) => RunHandle,
    private readonly log: FastifyBaseLogger,
  ) {}

  async hasRoom(): Promise<boolean> {
    return this.store.hasRoom();
  }

  async start(request: FastifyRequest, spec: StartRunSpec): Promise<RunView> {
    const view = this.store.start(spec.connector, spec.rows.length, (id) => this.open(request, spec, this.log.child({ runId: id, connector: spec.connector })));
    this.tracker.track(spec.connector, 'background', this.store.handleOf(view.id));
    return view;
  }

  async get(id: string): Promise<RunView | undefined> {
    return this.store.get(id);
  }

  async list(): Promise<RunView[]> {
    return this.store.list();
  }

  async rows(id: string, offset: number, limit: number): Promise<RowsPage | undefined> {
    return this.store.rows(id, offset, limit);
  }

  cancel(id: string, reason: string): Promise<RunView | undefined> {
    return this.store.cancel(id, reason);
  }
}
