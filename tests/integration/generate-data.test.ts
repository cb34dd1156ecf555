/** The real data generator CLI, end to end on temporary folders. Needs no servers. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SMALL = ['--rows', '50000', '--users', '2000'];
const folders: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function generate(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'scripts/generate-data.ts', ...args], { cwd: REPO });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

async function tempFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'clickstream-data-'));
  folders.push(dir);
  return dir;
}

/** Every file under `dir` (relative path) with its sha256. */
async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true })).sort()) {
    const file = path.join(dir, name);
    if ((await stat(file)).isFile())
      out[name] = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
  }
  return out;
}

async function mtimes(dir: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of await readdir(dir, { recursive: true })) out[name] = (await stat(path.join(dir, name))).mtimeMs;
  return out;
}

afterAll(async () => {
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('scripts/generate-data.ts', () => {
  it('writes byte-identical files for the same seed, a different log for another seed, and skips up-to-date files', async () => {
    const [first, second, other] = await Promise.all([tempFolder(), tempFolder(), tempFolder()]);
    const runs = await Promise.all([
      generate('--out', first, '--seed', '7', ...SMALL),
      generate('--out', second, '--seed', '7', ...SMALL),
      generate('--out', other, '--seed', '8', ...SMALL),
    ]);
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(runs[0]!.stdout).toMatch(/clicks\.csv: 50,000 rows/);

    const firstHashes = await hashes(first);
    expect(Object.keys(firstHashes)).toEqual(expect.arrayContaining(['products.json', 'users.json', 'clicks.csv', '.manifest.json']));
    expect(Object.keys(firstHashes).filter((name) => name.endsWith('.svg')).length).toBeGreaterThanOrEqual(30);
    expect(await hashes(second)).toEqual(firstHashes);
    expect((await hashes(other))['clicks.csv']).not.toBe(firstHashes['clicks.csv']);

    const lines = (await readFile(path.join(first, 'clicks.csv'), 'utf8')).split('\n');
    expect(lines[0]).toBe('Unix Timestamp,Visitor Unique ID,IP Address,User Agent,Product Page URL');
    expect(lines).toHaveLength(50_000 + 2); // header, rows, and the empty string after the last '\n'

    const before = await mtimes(first);
    const skipped = await generate('--out', first, '--seed', '7', ...SMALL, '--if-missing');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout.match(/up to date/g)).toHaveLength(3);
    expect(await mtimes(first)).toEqual(before);
  });

  it('with --if-missing, regenerates only what is missing or was made with other parameters', async () => {
    const dir = await tempFolder();
    expect((await generate('--out', dir, '--seed', '7', ...SMALL)).code).toBe(0);
    const original = await hashes(dir);
    await rm(path.join(dir, 'users.json'));

    const run = await generate('--out', dir, '--seed', '7', '--rows', '1000', '--users', '2000', '--if-missing');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/kept .*products\.json: up to date/);
    expect(run.stdout).toMatch(/wrote .*users\.json/);
    expect(run.stdout).toMatch(/wrote .*clicks\.csv: 1,000 rows/);
    const now = await hashes(dir);
    expect(now['users.json']).toBe(original['users.json']);
    expect(now['products.json']).toBe(original['products.json']);
    expect(now['clicks.csv']).not.toBe(original['clicks.csv']);
  });

  it('rejects bad flags with a message and a non-zero exit', async () => {
    const dir = await tempFolder();
    const [badRows, unknown, badOnly] = await Promise.all([
      generate('--out', dir, '--rows', 'many'),
      generate('--out', dir, '--colour', 'blue'),
      generate('--out', dir, '--only', 'everything'),
    ]);
    expect(badRows.code).toBe(2);
    expect(badRows.stderr).toMatch(/--rows expects a whole number/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/colour/);
    expect(badOnly.code).toBe(2);
    expect(badOnly.stderr).toMatch(/--only expects one of products, users, clicks/);
  });
});
