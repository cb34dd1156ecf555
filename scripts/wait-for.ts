/**
 * Waits until a service answers a real protocol question. Fails fast, naming the service and
 * its log, when the process it watches exits or the timeout passes.
 * usage: tsx scripts/wait-for.ts <kafka|redis|temporal|prometheus> --log FILE [--pid N] [--timeout SECONDS]
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../lib/config';
import { probe, STACK_SERVICES, type ServiceName } from '../clients/probes';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { log: { type: 'string' }, pid: { type: 'string' }, timeout: { type: 'string', default: '90' } },
});
const service = positionals[0] as ServiceName;
if (!STACK_SERVICES.includes(service) || !values.log) {
  console.error(`usage: wait-for.ts <${STACK_SERVICES.join('|')}> --log FILE [--pid N] [--timeout SECONDS]`);
  process.exit(2);
}
const log = values.log;
const config = loadConfig();
const deadline = Date.now() + Number(values.timeout) * 1000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function fail(what: string): never {
  const tail = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '(no log written)';
  console.error(`${service} ${what}; see its log: ${log}\n--- last lines of ${log} ---\n${tail}`);
  process.exit(1);
}

let lastReason = 'not asked yet';
for (;;) {
  if (values.pid && !alive(Number(values.pid))) fail(`exited while starting (pid ${values.pid})`);
  const answer = await probe(service, config, 2_000);
  if (answer.up) {
    console.log(`${service} is up at ${answer.address}: ${answer.detail}`);
    process.exit(0);
  }
  lastReason = answer.reason;
  if (Date.now() > deadline) fail(`did not answer at ${answer.address} within ${values.timeout} s (last error: ${lastReason})`);
  await new Promise((r) => setTimeout(r, 500));
}
