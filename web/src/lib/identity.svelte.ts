/**
 * The shop visitor in this browser: the id from the server's signed cookie (page data) and the
 * chosen age and gender, kept in localStorage so they survive reloads and tabs.
 */
import { browser } from '$app/environment';
import { parseVisitorProfile, type VisitorIdentity, type VisitorProfile } from '$lib/visitor-identity';

const STORAGE_KEY = 'clickstream.visitor';

class CurrentVisitor {
  private userId = $state<string | null>(null);
  private profile = $state<VisitorProfile | null>(null);
  /** False until localStorage was read: pages wait for it before deciding there is no visitor. */
  loaded = $state(false);

  /** Who the shop thinks this browser is, once it has chosen a profile. */
  get value(): VisitorIdentity | null {
    return this.userId && this.profile ? { userId: this.userId, ...this.profile } : null;
  }

  get id(): string | null {
    return this.userId;
  }

  load(userId: string | null): void {
    this.userId = userId;
    if (!browser || this.loaded) return;
    this.profile = parseVisitorProfile(localStorage.getItem(STORAGE_KEY));
    this.loaded = true;
  }

  set(profile: VisitorProfile): void {
    this.profile = profile;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(profile));
  }
}

export const visitor = new CurrentVisitor();

/** Asks the server for a new visitor id (a new signed cookie); the page data then carries it. */
export async function newVisitor(): Promise<string> {
  const res = await fetch('/api/visitor', { method: 'POST' });
  if (res.status !== 201) throw new Error(`new visitor: HTTP ${res.status}`);
  return ((await res.json()) as { userId: string }).userId;
}
