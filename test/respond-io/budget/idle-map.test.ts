import t from 'tap';
import { IdleMap, type Idler } from '../../../connectors/respond-io/budget/idle-map.js';
import { FakeClock } from '../../helpers/fake-clock.js';

// IdleMap on entries whose idleSince the test sets: which entries a sweep drops, and when it sweeps at all.

const START = 10_000;
const IDLE_MS = 1000;

class Entry implements Idler {
  constructor(public since: number | undefined) {}
  idleSince(): number | undefined {
    return this.since;
  }
}

/** The entry under `key`, or a new busy one if the map no longer holds it (so the test sees which went). */
const look = (map: IdleMap<Entry>, key: string): Entry => map.get(key, () => new Entry(undefined));

t.test('a sweep drops an entry idle exactly idleMs, keeps one idle idleMs − 1 and a busy one', async (t) => {
  const clock = new FakeClock({ start: START });
  const map = new IdleMap<Entry>(clock, IDLE_MS);
  const old = map.get('old', () => new Entry(START + IDLE_MS / 2 - IDLE_MS));
  const young = map.get('young', () => new Entry(START + IDLE_MS / 2 - IDLE_MS + 1));
  const busy = map.get('busy', () => new Entry(undefined));
  t.equal(map.size, 3, 'no sweep before idleMs / 2 has passed');
  await clock.advance(IDLE_MS / 2);
  t.equal(look(map, 'young'), young, 'idle idleMs − 1: kept (this look-up swept, idleMs / 2 after the last)');
  t.equal(look(map, 'busy'), busy, 'busy: kept');
  t.equal(map.size, 2, 'idle idleMs: dropped');
  t.not(look(map, 'old'), old);
});

t.test('sweeps at most once per idleMs / 2', async (t) => {
  const clock = new FakeClock({ start: START });
  const map = new IdleMap<Entry>(clock, IDLE_MS);
  const entry = map.get('a', () => new Entry(START));
  await clock.advance(600);
  t.equal(look(map, 'a'), entry, 'swept at +600: idle 600 ms, kept');
  await clock.advance(400);
  t.equal(look(map, 'a'), entry, 'idle 1000 ms now, but the last sweep was 400 ms ago: not swept');
  await clock.advance(99);
  t.equal(look(map, 'a'), entry, '499 ms after the last sweep: still not swept');
  await clock.advance(1);
  t.not(look(map, 'a'), entry, '500 ms after the last sweep: swept, and dropped');
});
