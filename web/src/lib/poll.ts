/**
 * Asks a JSON endpoint again every `everyMs` while a panel is mounted, one request at a time (the
 * next is scheduled when the last has answered), so a slow server never piles requests up.
 * Returns the stop function `onMount` wants.
 */
export function poll<T>(url: string, everyMs: number, onData: (data: T) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout>;
  const refresh = async () => {
    try {
      const res = await fetch(url);
      if (res.ok && !stopped) onData((await res.json()) as T);
    } catch {
      // The next round asks again.
    }
    if (!stopped) timer = setTimeout(refresh, everyMs);
  };
  timer = setTimeout(refresh, everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
