import { describe, expect, it } from 'vitest';
import { CommitWatermark } from '../../lib/offers/commit-watermark';

const batch = () =>
  new CommitWatermark(
    new Map([
      ['ann', '100'],
      ['bob', '103'],
      ['cid', '107'],
    ]),
    '112',
  );

describe('the detection feed\'s commit watermark', () => {
  it('commits nothing past the first visitor not yet signalled', () => {
    const w = batch();
    expect(w.committable).toBe('100');
    w.signalled('bob');
    w.signalled('cid');
    expect(w.committable).toBe('100'); // ann's clicks from 100 on are not accepted yet
    expect(w.complete).toBe(false);
  });

  it('moves up to the next visitor still in flight as signals are accepted, in any order', () => {
    const w = batch();
    w.signalled('ann');
    expect(w.committable).toBe('103');
    w.signalled('cid');
    expect(w.committable).toBe('103');
    w.signalled('bob');
    expect(w.committable).toBe('112');
    expect(w.complete).toBe(true);
  });

  it('commits a batch with no visitor to forward at once, and refuses a visitor not in it', () => {
    const empty = new CommitWatermark(new Map(), '7');
    expect(empty.complete).toBe(true);
    expect(empty.committable).toBe('7');
    expect(() => batch().signalled('zed')).toThrow(/zed is not in this batch/);
  });
});
