/**
 * FNV-1a, 32 bits: fast, stable across platforms, well mixed for similar ids. Over a text's UTF-16
 * code units, or over bytes (the in-memory broker's keys). The one copy: holdout groups, idle
 * spreads, the data generator's streams and pictures all depend on its exact values.
 */
export function fnv1a(input: string | Uint8Array): number {
  let hash = 0x811c9dc5;
  const units = typeof input === 'string' ? input.length : input.byteLength;
  for (let i = 0; i < units; i++) {
    hash ^= typeof input === 'string' ? input.charCodeAt(i) : input[i]!;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
