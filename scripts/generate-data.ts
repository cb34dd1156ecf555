/**
 * Generates the shop's data from a seed: products.json with an SVG image per product,
 * users.json (NDJSON) and the 15-day click log clicks.csv. The same seed and sizes give
 * byte-identical files. A manifest (.manifest.json) records what each file was generated from,
 * so `--if-missing` regenerates only what is absent or stale.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { generateClickRows } from './datagen/click-log';
import { csvRow } from './datagen/csv';
import { renderProductSvg } from './datagen/product-image';
import { generateProducts, PRODUCT_ID_PATTERN } from './datagen/products';
import { generateVisitors, visitorJsonLine } from './datagen/visitors';
import { loadConfig } from '../lib/config';
import { CLICK_LOG_COLUMNS, type Product, type Visitor } from '../lib/schema';

const USAGE = `Usage: npx tsx scripts/generate-data.ts [options]

Writes products.json, images/products/<id>.svg, users.json and clicks.csv into DATA_DIR.

Options:
  --out DIR                  folder to write into (default: DATA_DIR, "data")
  --seed N                   generator seed (default: DATA_SEED)
  --rows N                   rows of clicks.csv (default: DATA_CLICK_ROWS)
  --users N                  visitors in users.json (default: DATA_USERS)
  --only products|users|clicks   generate just one of them
  --if-missing               skip files that exist and were generated with the same parameters
  --help                     show this help`;

const ARTIFACTS = ['products', 'users', 'clicks'] as const;
type Artifact = (typeof ARTIFACTS)[number];

const MANIFEST = '.manifest.json';
const IMAGE_DIR = 'images/products';
/** Rows per write: few enough syscalls, small enough buffers (about 1 MB). */
const CHUNK_ROWS = 5_000;
const PROGRESS_EVERY_ROWS = 100_000;

interface Params {
  seed: number;
  rows: number;
  users: number;
}

interface Options extends Params {
  dir: string;
  only: Artifact | null;
  ifMissing: boolean;
}

interface FileRecord {
  /** The parameters this file depends on. */
  params: Partial<Params>;
  bytes: number;
  sha256: string;
}

/** The parameters of the last run, and what each file was generated from. */
interface Manifest extends Params {
  files: Record<string, FileRecord>;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      rows: { type: 'string' },
      users: { type: 'string' },
      only: { type: 'string' },
      'if-missing': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;
  const { data } = loadConfig();
  const only = values.only ?? null;
  if (only !== null && !(ARTIFACTS as readonly string[]).includes(only)) {
    throw new UsageError(`--only expects one of ${ARTIFACTS.join(', ')}, got "${only}"`);
  }
  return {
    dir: values.out ?? data.dir,
    seed: integerFlag('--seed', values.seed, data.seed, 0, 2 ** 31 - 1),
    rows: integerFlag('--rows', values.rows, data.clickRows, 1, 50_000_000),
    users: integerFlag('--users', values.users, data.users, 1, 10_000_000),
    only: only as Artifact | null,
    ifMissing: values['if-missing'],
  };
}

function integerFlag(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`${flag} expects a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** Each file depends only on these parameters: new users leave the products alone. */
function paramsOf(artifact: Artifact, { seed, rows, users }: Params): Partial<Params> {
  switch (artifact) {
    case 'products':
      return { seed };
    case 'users':
      return { seed, users };
    case 'clicks':
      return { seed, rows, users };
  }
}

function fileNamesOf(artifact: Artifact, products: readonly Product[]): string[] {
  switch (artifact) {
    case 'products':
      return ['products.json', ...products.map(imageFileName)];
    case 'users':
      return ['users.json'];
    case 'clicks':
      return ['clicks.csv'];
  }
}

function imageFileName(product: Product): string {
  return `${IMAGE_DIR}/${product.id}.svg`;
}

/** What the manifest says about each file; nothing if it is missing or unreadable. */
async function readManifestFiles(dir: string): Promise<Record<string, FileRecord>> {
  const file = path.join(dir, MANIFEST);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const { files } = JSON.parse(text) as Partial<Manifest>;
    if (typeof files === 'object' && files !== null) return files;
  } catch {
    // Reported below, like a manifest of the wrong shape.
  }
  console.error(`warning: ${file} is not a manifest; regenerating everything`);
  return {};
}

function sameParams(a: Partial<Params>, b: Partial<Params>): boolean {
  return a.seed === b.seed && a.rows === b.rows && a.users === b.users;
}

/** Compares sizes, not hashes: re-hashing a large CSV on every start would cost seconds. */
async function isUpToDate(dir: string, names: string[], params: Partial<Params>, files: Record<string, FileRecord>): Promise<boolean> {
  for (const name of names) {
    const record = files[name];
    if (!record?.params || !sameParams(record.params, params)) return false;
    const size = await stat(path.join(dir, name)).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== record.bytes) return false;
  }
  return true;
}

/** Writes through a temporary file, so an interrupted run never leaves a truncated file behind. */
async function writeAtomically(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, data);
  await rename(`${file}.tmp`, file);
}

async function writeWholeFile(dir: string, name: string, content: string, params: Partial<Params>): Promise<FileRecord> {
  const data = Buffer.from(content);
  await writeAtomically(path.join(dir, name), data);
  return { params, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

async function writeProducts(dir: string, products: readonly Product[], params: Partial<Params>): Promise<Record<string, FileRecord>> {
  const written: Record<string, FileRecord> = {};
  let started = performance.now();
  written['products.json'] = await writeWholeFile(dir, 'products.json', `${JSON.stringify(products, null, 2)}\n`, params);
  report(dir, 'products.json', `${products.length} products`, written['products.json'].bytes, started);

  started = performance.now();
  let bytes = 0;
  for (const product of products) {
    const record = await writeWholeFile(dir, imageFileName(product), renderProductSvg(product), params);
    written[imageFileName(product)] = record;
    bytes += record.bytes;
  }
  await removeStaleImages(dir, products);
  report(dir, IMAGE_DIR, `${products.length} images`, bytes, started);
  return written;
}

/** Images of products from another seed would otherwise linger next to the current ones. */
async function removeStaleImages(dir: string, products: readonly Product[]): Promise<void> {
  const current = new Set(products.map((p) => `${p.id}.svg`));
  for (const entry of await readdir(path.join(dir, IMAGE_DIR))) {
    const id = entry.replace(/\.svg$/, '');
    if (entry.endsWith('.svg') && PRODUCT_ID_PATTERN.test(id) && !current.has(entry)) {
      await rm(path.join(dir, IMAGE_DIR, entry));
    }
  }
}

async function writeUsers(dir: string, visitors: readonly Visitor[], params: Partial<Params>): Promise<FileRecord> {
  const started = performance.now();
  const record = await writeWholeFile(dir, 'users.json', visitors.map(visitorJsonLine).join(''), params);
  report(dir, 'users.json', `${visitors.length.toLocaleString('en')} visitors`, record.bytes, started);
  return record;
}

/** Streams the log in chunks, waiting for the stream to drain when its buffer is full. */
async function writeClicks(dir: string, rows: Iterable<string[]>, total: number, params: Partial<Params>): Promise<FileRecord> {
  const file = path.join(dir, 'clicks.csv');
  const temporary = `${file}.tmp`;
  const started = performance.now();
  const out = createWriteStream(temporary);
  const hash = createHash('sha256');
  let bytes = 0;
  let chunk = csvRow(CLICK_LOG_COLUMNS);
  let count = 0;
  const flush = async () => {
    const data = Buffer.from(chunk);
    chunk = '';
    hash.update(data);
    bytes += data.length;
    if (!out.write(data)) await once(out, 'drain');
  };
  try {
    for (const row of rows) {
      chunk += csvRow(row);
      count += 1;
      if (count % CHUNK_ROWS === 0) await flush();
      if (count % PROGRESS_EVERY_ROWS === 0) {
        const perSecond = Math.round(count / ((performance.now() - started) / 1000));
        console.error(`clicks.csv: ${count.toLocaleString('en')} / ${total.toLocaleString('en')} rows (${perSecond.toLocaleString('en')} rows/s)`);
      }
    }
    await flush();
    out.end();
    await finished(out);
    await rename(temporary, file);
  } catch (err) {
    out.destroy();
    await rm(temporary, { force: true });
    throw err;
  }
  report(dir, 'clicks.csv', `${count.toLocaleString('en')} rows`, bytes, started);
  return { params, bytes, sha256: hash.digest('hex') };
}

function report(dir: string, name: string, what: string, bytes: number, started: number): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`wrote ${path.join(dir, name)}: ${what}, ${bytes.toLocaleString('en')} bytes, ${seconds} s`);
}

/** What each artifact is made from; visitors are generated on first use, and only once. */
interface Sources {
  products: readonly Product[];
  visitors(): readonly Visitor[];
}

async function writeArtifact(artifact: Artifact, options: Options, sources: Sources): Promise<Record<string, FileRecord>> {
  const { dir } = options;
  const params = paramsOf(artifact, options);
  switch (artifact) {
    case 'products':
      return writeProducts(dir, sources.products, params);
    case 'users':
      return { 'users.json': await writeUsers(dir, sources.visitors(), params) };
    case 'clicks': {
      const { seed, rows } = options;
      const log = generateClickRows({ seed, rows, products: sources.products, visitors: sources.visitors() });
      return { 'clicks.csv': await writeClicks(dir, log, rows, params) };
    }
  }
}

async function writeManifest(options: Options, files: Record<string, FileRecord>): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
  const manifest: Manifest = { seed: options.seed, rows: options.rows, users: options.users, files: sorted };
  await writeAtomically(path.join(options.dir, MANIFEST), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === null) {
    console.log(USAGE);
    return;
  }
  await mkdir(options.dir, { recursive: true });
  const files = await readManifestFiles(options.dir);
  let visitors: Visitor[] | undefined;
  const sources: Sources = {
    products: generateProducts(options.seed),
    visitors: () => (visitors ??= generateVisitors(options.seed, options.users)),
  };

  for (const artifact of options.only ? [options.only] : ARTIFACTS) {
    const names = fileNamesOf(artifact, sources.products);
    if (options.ifMissing && (await isUpToDate(options.dir, names, paramsOf(artifact, options), files))) {
      console.log(`kept ${path.join(options.dir, names[0]!)}: up to date`);
      continue;
    }
    // Forget the old files first, so an interrupted run leaves no entry vouching for a replaced file.
    for (const name of Object.keys(files)) {
      if (names.includes(name) || (artifact === 'products' && name.startsWith(`${IMAGE_DIR}/`))) delete files[name];
    }
    await writeManifest(options, files);
    Object.assign(files, await writeArtifact(artifact, options, sources));
    await writeManifest(options, files);
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  // parseArgs reports unknown or malformed flags as TypeErrors with an ERR_PARSE_ARGS_* code.
  const badUsage = err instanceof UsageError || (err instanceof TypeError && String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS'));
  console.error(badUsage ? `generate-data: ${message}\n\n${USAGE}` : `generate-data: ${message}`);
  process.exit(badUsage ? 2 : 1);
});
