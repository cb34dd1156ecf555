/** The shop visitor in this browser, kept in localStorage so it survives reloads and tabs. */
import { browser } from '$app/environment';
import { parseVisitorIdentity, type VisitorIdentity } from '$shared/lib/web/visitor-identity';

const STORAGE_KEY = 'clickstream.visitor';

class CurrentVisitor {
  value = $state<VisitorIdentity | null>(null);
  /** False until localStorage was read: pages wait for it before deciding there is no visitor. */
  loaded = $state(false);

  load(): void {
    if (!browser) return;
    this.value = parseVisitorIdentity(localStorage.getItem(STORAGE_KEY));
    this.loaded = true;
  }

  set(identity: VisitorIdentity): void {
    this.value = identity;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(identity));
  }

  clear(): void {
    this.value = null;
    localStorage.removeItem(STORAGE_KEY);
  }
}

export const visitor = new CurrentVisitor();
