import { describe, expect, it } from 'vitest';
import { SignalLanes, type LaneSignal } from '../../lib/offers/signal-lanes';

interface Signal extends LaneSignal {
  name: string;
}

const signal = (name: string, userId: string, partition = 0, clicks = 1): Signal => ({ name, userId, partition, clicks });

/** Lanes over a set of running visitors; `takeAll` takes until nothing may go and names what went. */
function lanes(running: Set<string>, limits = { inFlight: 4, startsInFlight: 2 }) {
  const l = new SignalLanes<Signal>(limits, (userId) => running.has(userId));
  const takeAll = () => {
    const taken: Signal[] = [];
    for (let s = l.take(); s; s = l.take()) taken.push(s);
    return taken;
  };
  return { l, takeAll };
}
const names = (signals: Signal[]) => signals.map((s) => s.name);

describe("the detection feed's signal lanes", () => {
  it('sends running visitors first; starts go oldest first, never more than their share of the slots', () => {
    const { l, takeAll } = lanes(new Set(['run1', 'run2']));
    for (const s of [signal('new1', 'n1'), signal('new2', 'n2'), signal('new3', 'n3'), signal('run1', 'run1'), signal('new4', 'n4'), signal('run2', 'run2')])
      l.add(s);
    const first = takeAll();
    expect(names(first)).toEqual(['run1', 'run2', 'new1', 'new2']);
    // Two starts out: the two slots left stay for running visitors.
    l.add(signal('run3', 'run1'));
    expect(takeAll()).toEqual([]); // run1's first signal is still out: their second waits for it
    l.settle(first[0]!);
    expect(names(takeAll())).toEqual(['run3']);
    // A start accepted: the next start goes in its slot, in arrival order.
    l.settle(first[2]!);
    expect(names(takeAll())).toEqual(['new3']);
    expect(l.sending).toBe(4);
  });

  it("keeps each visitor's signals in click order across batches, one at a time", () => {
    const running = new Set<string>();
    const { l, takeAll } = lanes(running);
    l.add(signal('ann-a', 'ann'));
    l.add(signal('bob-a', 'bob'));
    l.add(signal('ann-b', 'ann')); // a later batch
    l.add(signal('ann-c', 'ann'));
    const out = takeAll();
    expect(names(out)).toEqual(['ann-a', 'bob-a']);
    expect(l.has('ann')).toBe(true);
    // ann's start accepted: her workflow runs, so her next signal takes the first lane.
    running.add('ann');
    l.add(signal('cid-a', 'cid'));
    l.settle(out[0]!);
    const next = takeAll();
    expect(names(next)).toEqual(['ann-b', 'cid-a']);
    l.settle(out[1]!);
    expect(takeAll()).toEqual([]); // ann-c waits for ann-b, however many slots are free
    l.settle(next[0]!);
    expect(names(takeAll())).toEqual(['ann-c']);
  });

  it('a visitor whose start was accepted goes ahead of the starts still queued', () => {
    const running = new Set<string>();
    const { l, takeAll } = lanes(running, { inFlight: 3, startsInFlight: 1 });
    for (const s of [signal('ann-1', 'ann'), signal('bob-1', 'bob'), signal('cid-1', 'cid'), signal('ann-2', 'ann')]) l.add(s);
    const [annStart] = takeAll();
    expect(annStart!.name).toBe('ann-1');
    running.add('ann');
    l.settle(annStart!);
    // ann's second click goes before bob's and cid's starts, which share one slot.
    expect(names(takeAll())).toEqual(['ann-2', 'bob-1']);
  });

  it('counts the clicks queued or in flight, and forgets a visitor once all of theirs are accepted', () => {
    const { l, takeAll } = lanes(new Set(['ann']));
    l.add(signal('a', 'ann', 0, 3));
    l.add(signal('b', 'ann', 0, 2));
    expect(l.pendingClicks).toBe(5);
    const [a] = takeAll();
    l.settle(a!);
    expect(l.pendingClicks).toBe(2);
    const [b] = takeAll();
    l.settle(b!);
    expect(l.pendingClicks).toBe(0);
    expect(l.has('ann')).toBe(false);
    expect(() => l.settle(b!)).toThrow(/not in flight/);
  });

  it("drops a partition's queued signals, keeps those in flight, and lets the visitor's next signal go after them", () => {
    const running = new Set(['ann']);
    const { l, takeAll } = lanes(running, { inFlight: 2, startsInFlight: 1 });
    l.add(signal('ann-p0-a', 'ann', 0));
    l.add(signal('ann-p0-b', 'ann', 0));
    l.add(signal('bob-p0', 'bob', 0));
    l.add(signal('cid-p1', 'cid', 1));
    const [annA, bob] = takeAll();
    expect([annA!.name, bob!.name]).toEqual(['ann-p0-a', 'bob-p0']);
    l.add(signal('dan-p0', 'dan', 0)); // waits in the start lane
    expect(l.drop(0)).toBe(2); // ann-p0-b and dan-p0; the two in flight stay
    expect(l.pendingClicks).toBe(3);
    expect(l.has('dan')).toBe(false);
    // The partition claimed again: its records come again, and ann's new signal waits for her old one.
    l.add(signal('ann-again', 'ann', 0));
    expect(takeAll()).toEqual([]);
    l.settle(annA!);
    l.settle(bob!);
    expect(names(takeAll())).toEqual(['ann-again', 'cid-p1']);
  });

  it('refuses limits that leave no slot for running visitors', () => {
    expect(() => new SignalLanes({ inFlight: 4, startsInFlight: 4 }, () => false)).toThrow(/leave slots/);
  });
});
