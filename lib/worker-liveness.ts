/**
 * Which Temporal workers are alive, from what the server says of a task queue's pollers. The server
 * lists a poller for minutes after it was last seen, so a killed worker would look up that long: a
 * worker on this host is judged by its process (its identity names its pid and host), one elsewhere
 * by a poll within `POLLER_SILENT_MS` (an idle worker's long poll lasts up to a minute).
 */

export const POLLER_SILENT_MS = 90_000;

/** A worker's identity, as it polls: its name, process and host. */
export const workerIdentity = (name: string, pid: number, host: string) => `${name} (pid ${pid} on ${host})`;

/** The process and host an identity names; null for identities of other shapes. */
export function identityProcess(identity: string): { pid: number; host: string } | null {
  const match = /\(pid (\d+) on ([^)]+)\)$/.exec(identity);
  return match ? { pid: Number(match[1]), host: match[2]! } : null;
}

export interface SeenPoller {
  identity: string;
  /** When the server last saw it poll (ms since the epoch); null when it does not say. */
  lastAccessTime: number | null;
}

/** The identities of the live pollers among `pollers`. */
export function livePollers(pollers: readonly SeenPoller[], now: number, host: string, processAlive: (pid: number) => boolean): string[] {
  return pollers
    .filter(({ identity, lastAccessTime }) => {
      const local = identityProcess(identity);
      if (local && local.host === host) return processAlive(local.pid);
      return lastAccessTime !== null && now - lastAccessTime < POLLER_SILENT_MS;
    })
    .map((p) => p.identity);
}
