/**
 * Where a worker's CPU went, from a V8 .cpuprofile (BENCH_CPU_PROFILE_DIR): self time per
 * function and per package, heaviest first. usage: tsx bench/profile-summary.ts <file> [top]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script belongs to (node_modules/<pkg>), "project" for ours, or the V8 pseudo-frame. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'native'})`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return 'node core';
  return 'project';
}

/** Self time (ms) of a profile in all, by function and by package. */
export function selfTime(file: string): { total: number; byFunction: Map<string, number>; byPackage: Map<string, number> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    add(byFunction, `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*\/work\/[^/]+\//, '')}:${lineNumber + 1}`, ms);
    add(byPackage, packageOf(url, functionName), ms);
  }
  return { total: [...selfMs.values()].reduce((a, b) => a + b, 0), byFunction, byPackage };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  const { total, byFunction, byPackage } = selfTime(file);
  const show = (title: string, m: Map<string, number>, top: number) => {
    console.log(`\n${title}`);
    for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
      console.log(`${((ms / total) * 100).toFixed(1).padStart(5)}%  ${Math.round(ms).toString().padStart(7)} ms  ${k}`);
  };
  console.log(`${file}: ${Math.round(total)} ms sampled`);
  show('self time by package', byPackage, 12);
  show('self time by function', byFunction, Number(topArg ?? 25));
}
