import { describe, expect, it } from 'vitest';
import { identityProcess, livePollers, POLLER_SILENT_MS, workerIdentity } from '../../lib/worker-liveness';

const NOW = 1_800_000_000_000;

describe('which workers are alive', () => {
  it('names a worker by its process and host, and reads them back', () => {
    const identity = workerIdentity('orchestrator', 4242, 'shop-1');
    expect(identity).toBe('orchestrator (pid 4242 on shop-1)');
    expect(identityProcess(identity)).toEqual({ pid: 4242, host: 'shop-1' });
    expect(identityProcess('4242@shop-1')).toBeNull();
  });

  it('judges a worker of this host by its process at once, however recently the server saw it poll', () => {
    const alive = new Set([1, 2]);
    const pollers = [1, 2, 3].map((pid) => ({ identity: workerIdentity('w', pid, 'here'), lastAccessTime: NOW }));
    expect(livePollers(pollers, NOW, 'here', (pid) => alive.has(pid))).toEqual([workerIdentity('w', 1, 'here'), workerIdentity('w', 2, 'here')]);
  });

  it('judges a worker elsewhere, or of another shape, by its last poll', () => {
    const pollers = [
      { identity: workerIdentity('w', 1, 'elsewhere'), lastAccessTime: NOW - 1_000 },
      { identity: workerIdentity('w', 2, 'elsewhere'), lastAccessTime: NOW - POLLER_SILENT_MS },
      { identity: '77@cli', lastAccessTime: NOW - 5_000 },
      { identity: '78@cli', lastAccessTime: null },
    ];
    expect(livePollers(pollers, NOW, 'here', () => false)).toEqual([workerIdentity('w', 1, 'elsewhere'), '77@cli']);
  });
});
