/**
 * The pipeline as data: every stream stage with its input, outputs, consumer group, transactional
 * ids and state store, plus the sources that write into it and the readers at its ends. Workers,
 * the consumer workflows, `make status`, the web's lag check, the benchmark and the tests all read
 * it here; `npx tsx scripts/topology.ts` prints it and draws it.
 */
import type { Config } from './config';
import { CONSUMER_KINDS, type ConsumerKind } from './consumer-kinds';

export type Guarantee = 'exactly-once' | 'at-least-once';

/** A stage's local key-value state, logged to a compacted changelog partitioned as the input. */
export interface StoreSpec {
  name: string;
  changelog: string;
  /** This worker's folder of the store (LevelDB). */
  dir: string;
}

export interface StageSpec {
  kind: ConsumerKind;
  summary: string;
  input: string;
  /** Topics the stage writes, the dead-letter topic last. */
  outputs: string[];
  /** What the stage changes outside Kafka (a reader's name, or a store of its own), for the diagram. */
  effects: string[];
  guarantee: Guarantee;
  /** The consumer group: the application id, as in Kafka Streams. */
  groupId: string;
  /** Exactly-once stages write through one producer per input partition, `${prefix}-p<partition>`. */
  transactionalIdPrefix: string | null;
  store: StoreSpec | null;
}

/** Something outside the stages that writes into the pipeline or reads from it. */
export interface EndpointSpec {
  name: string;
  summary: string;
  reads: string[];
  writes: string[];
}

export interface Topology {
  sources: EndpointSpec[];
  stages: StageSpec[];
  readers: EndpointSpec[];
}

export const transactionalId = (stage: StageSpec, partition: number): string => {
  if (!stage.transactionalIdPrefix) throw new Error(`stage ${stage.kind} is ${stage.guarantee}: it has no transactional ids`);
  return `${stage.transactionalIdPrefix}-p${partition}`;
};

export function topology(config: Config): Topology {
  const { clientId, topics } = config.kafka;
  const group = (kind: ConsumerKind) => `${clientId}-${kind}`;
  const aggregationGroup = group('aggregation');
  const stages: Record<ConsumerKind, StageSpec> = {
    enrichment: {
      kind: 'enrichment',
      summary: 'joins each click with its product and visitor from Redis, its country and device type',
      input: topics.clicks,
      outputs: [topics.enriched, topics.deadLetter],
      effects: [],
      guarantee: 'exactly-once',
      groupId: group('enrichment'),
      transactionalIdPrefix: group('enrichment'),
      store: null,
    },
    aggregation: {
      kind: 'aggregation',
      summary: 'event-time windows and totals per partition, published to Redis as the dashboard',
      input: topics.enriched,
      outputs: [topics.deadLetter],
      effects: ['Redis dashboard'],
      guarantee: 'exactly-once',
      groupId: aggregationGroup,
      transactionalIdPrefix: aggregationGroup,
      // The state belongs to this group's offsets on this input: both are in the changelog's name.
      store: {
        name: 'aggregates',
        changelog: `${aggregationGroup}-${topics.enriched}-changelog`,
        dir: `${config.stateDir}/aggregation-${config.workerName}`,
      },
    },
    detection: {
      kind: 'detection',
      summary: "signals each visitor's clicks to the visitor's offer workflow",
      input: topics.enriched,
      outputs: [topics.deadLetter],
      effects: ['visitor workflows'],
      guarantee: 'at-least-once',
      groupId: group('detection'),
      transactionalIdPrefix: null,
      store: null,
    },
  };
  return {
    sources: [
      { name: 'replay', summary: 'the 15-day click log, replayed by a Temporal workflow at a chosen pace', reads: [], writes: [topics.clicks] },
      { name: 'shop', summary: "the web shop's clicks (POST /api/clicks)", reads: [], writes: [topics.clicks] },
    ],
    stages: CONSUMER_KINDS.map((kind) => stages[kind]),
    readers: [
      { name: 'visitor workflows', summary: 'the offer state machine per visitor (Temporal), writing offers', reads: [], writes: [topics.offers] },
      {
        name: 'web offers hub',
        summary: "fans offers out to each visitor's open page (a group per web process, from the latest offset)",
        reads: [topics.offers],
        writes: [],
      },
    ],
  };
}

export function stageSpec(config: Config, kind: ConsumerKind): StageSpec {
  return topology(config).stages.find((s) => s.kind === kind)!;
}

/** Every topic the topology names: stage inputs, outputs and changelogs, and what sources and readers read and write. */
export function topologyTopics({ sources, stages, readers }: Topology): string[] {
  const all = [
    ...sources.flatMap((e) => [...e.reads, ...e.writes]),
    ...stages.flatMap((s) => [s.input, ...s.outputs, ...(s.store ? [s.store.changelog] : [])]),
    ...readers.flatMap((e) => [...e.reads, ...e.writes]),
  ];
  return [...new Set(all)];
}

/** A Mermaid flowchart of the topology: topics as rounded nodes, stages as boxes. */
export function topologyMermaid({ sources, stages, readers }: Topology): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
  const lines = ['flowchart LR'];
  const topics = new Set<string>();
  const edge = (from: string, to: string, label?: string) => lines.push(`  ${id(from)} -->${label ? `|${label}|` : ''} ${id(to)}`);
  for (const s of [...sources, ...readers]) lines.push(`  ${id(s.name)}[/"${s.name}"/]`);
  for (const s of stages) {
    const store = s.store ? `<br/>store: ${s.store.name}` : '';
    lines.push(`  ${id(s.kind)}["${s.kind}<br/>${s.guarantee}${store}"]`);
  }
  const topic = (t: string) => {
    if (!topics.has(t)) lines.push(`  ${id(t)}(("${t}"))`);
    topics.add(t);
  };
  /** An edge from a topic, or to one: the topic's node is declared before its first edge. */
  const fromTopic = (t: string, to: string) => {
    topic(t);
    edge(t, to);
  };
  const toTopic = (from: string, t: string, label?: string) => {
    topic(t);
    edge(from, t, label);
  };
  for (const s of sources) for (const t of s.writes) toTopic(s.name, t);
  for (const s of stages) {
    fromTopic(s.input, s.kind);
    for (const t of s.outputs) toTopic(s.kind, t);
    if (s.store) toTopic(s.kind, s.store.changelog, 'changelog');
    for (const e of s.effects) {
      if (!readers.some((r) => r.name === e)) lines.push(`  ${id(e)}[("${e}")]`);
      edge(s.kind, e);
    }
  }
  for (const r of readers) {
    for (const t of r.reads) fromTopic(t, r.name);
    for (const t of r.writes) toTopic(r.name, t);
  }
  return lines.join('\n');
}

const code = (name: string) => `\`${name}\``;
const list = (names: string[]) => names.map(code).join(', ') || '-';
/** A stage's outputs, then what it changes outside Kafka. */
const writesOf = (s: StageSpec) => [...s.outputs.map(code), ...s.effects].join(', ');
const transactionalIds = (s: StageSpec) => (s.transactionalIdPrefix ? `${s.transactionalIdPrefix}-p<partition>` : null);

/** The topology as text for a terminal: each stage, then the sources and the readers. */
export function topologyText({ sources, stages, readers }: Topology): string {
  const lines = ['stages'];
  const row = (label: string, value: string) => lines.push(`    ${label.padEnd(17)}${value}`);
  for (const s of stages) {
    lines.push(`  ${s.kind}: ${s.summary}`);
    row('input', s.input);
    row('outputs', s.outputs.join(', '));
    if (s.effects.length > 0) row('also changes', s.effects.join(', '));
    row('guarantee', s.guarantee);
    row('group id', s.groupId);
    row('transactional id', transactionalIds(s) ?? 'none');
    row('store', s.store ? `${s.store.name} in ${s.store.dir}, changelog ${s.store.changelog}` : 'none');
  }
  const endpoints = (title: string, all: EndpointSpec[]) => {
    lines.push(title);
    const width = Math.max(...all.map((e) => e.name.length)) + 2;
    for (const e of all) {
      const io = [e.reads.length > 0 ? `reads ${e.reads.join(', ')}` : '', e.writes.length > 0 ? `writes ${e.writes.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      lines.push(`  ${e.name.padEnd(width)}${io}: ${e.summary}`);
    }
  };
  endpoints('sources', sources);
  endpoints('readers', readers);
  return lines.join('\n');
}

/** The README's block: the Mermaid diagram, a table of the stages and one of the sources and readers. */
export function topologyMarkdown(t: Topology): string {
  const lines = ['```mermaid', topologyMermaid(t), '```', ''];
  lines.push('| stage | input | writes | guarantee | group id | transactional ids | store (changelog) |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const s of t.stages) {
    const txn = transactionalIds(s);
    const store = s.store ? `${s.store.name} (${code(s.store.changelog)})` : '-';
    lines.push(
      `| **${s.kind}**: ${s.summary} | ${code(s.input)} | ${writesOf(s)} | ${s.guarantee} | ${code(s.groupId)} | ${txn ? code(txn) : '-'} | ${store} |`,
    );
  }
  lines.push('', '| source or reader | reads | writes | what |', '| --- | --- | --- | --- |');
  for (const e of [...t.sources, ...t.readers]) lines.push(`| ${e.name} | ${list(e.reads)} | ${list(e.writes)} | ${e.summary} |`);
  return lines.join('\n');
}
