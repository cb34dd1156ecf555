import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { CONSUMER_KINDS } from '../../lib/consumer-kinds';
import { stageSpec, topology, topologyMermaid, topologyTopics, transactionalId } from '../../lib/topology';

const config = loadConfig({ KAFKA_CLIENT_ID: 'shop-a', TOPIC_ENRICHED: 'enriched-a', STATE_DIR: '/var/state', WORKER_NAME: 'agg-2' });
const t = topology(config);
const { topics } = config.kafka;
/** Mermaid node ids as topologyMermaid writes them. */
const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');

describe('topology', () => {
  it('has one stage per consumer kind, in their order, and stageSpec finds each', () => {
    expect(t.stages.map((s) => s.kind)).toEqual([...CONSUMER_KINDS]);
    for (const kind of CONSUMER_KINDS) expect(stageSpec(config, kind)).toEqual(t.stages.find((s) => s.kind === kind));
  });

  it('gives each stage its own consumer group, named after the client id', () => {
    const groups = t.stages.map((s) => s.groupId);
    expect(new Set(groups).size).toBe(groups.length);
    expect(groups).toEqual(['shop-a-enrichment', 'shop-a-aggregation', 'shop-a-detection']);
  });

  it('feeds every stage from a topic a source or an earlier stage writes', () => {
    t.stages.forEach((stage, i) => {
      const written = [...t.sources.flatMap((s) => s.writes), ...t.stages.slice(0, i).flatMap((s) => s.outputs)];
      expect(written, stage.kind).toContain(stage.input);
    });
    expect(stageSpec(config, 'enrichment')).toMatchObject({ input: topics.clicks, outputs: [topics.enriched, topics.deadLetter] });
    expect(stageSpec(config, 'aggregation').input).toBe('enriched-a');
    expect(stageSpec(config, 'detection').input).toBe('enriched-a');
  });

  it("lists the dead-letter topic last among every stage's outputs", () => {
    for (const s of t.stages) expect(s.outputs.at(-1), s.kind).toBe(topics.deadLetter);
  });

  it('gives exactly-once stages a transactional id per input partition, and at-least-once stages none', () => {
    for (const s of t.stages) {
      if (s.guarantee === 'exactly-once') {
        expect(s.transactionalIdPrefix, s.kind).toBe(s.groupId);
        expect(transactionalId(s, 3)).toBe(`${s.groupId}-p3`);
      } else {
        expect(s.transactionalIdPrefix, s.kind).toBeNull();
        expect(() => transactionalId(s, 3)).toThrow(/at-least-once/);
      }
    }
    expect(t.stages.map((s) => s.guarantee)).toEqual(['exactly-once', 'exactly-once', 'at-least-once']);
  });

  it("names the aggregation's changelog after its group and input, and its store folder after the worker", () => {
    expect(stageSpec(config, 'aggregation').store).toEqual({
      name: 'aggregates',
      changelog: 'shop-a-aggregation-enriched-a-changelog',
      dir: '/var/state/aggregation-agg-2',
    });
    expect(stageSpec(config, 'enrichment').store).toBeNull();
    expect(stageSpec(config, 'detection').store).toBeNull();
  });

  it('names every topic once: the project topics and the changelog', () => {
    expect(topologyTopics(t).sort()).toEqual(
      [topics.clicks, topics.enriched, topics.deadLetter, topics.offers, 'shop-a-aggregation-enriched-a-changelog'].sort(),
    );
  });

  it('reads the offers the visitor workflows write', () => {
    const written = t.readers.flatMap((r) => r.writes);
    for (const r of t.readers) for (const topic of r.reads) expect(written, r.name).toContain(topic);
  });

  it('draws an edge for every input, output and changelog, and one for every source and reader', () => {
    const edges = new Set(
      topologyMermaid(t)
        .split('\n')
        .filter((l) => l.includes('-->'))
        .map((l) => l.trim().replace(/ -->(\|\w+\|)? /, ' -> ')),
    );
    const expected = [
      ...t.sources.flatMap((s) => s.writes.map((topic) => `${id(s.name)} -> ${id(topic)}`)),
      ...t.stages.flatMap((s) => [
        `${id(s.input)} -> ${id(s.kind)}`,
        ...s.outputs.map((topic) => `${id(s.kind)} -> ${id(topic)}`),
        ...(s.store ? [`${id(s.kind)} -> ${id(s.store.changelog)}`] : []),
        ...s.effects.map((e) => `${id(s.kind)} -> ${id(e)}`),
      ]),
      ...t.readers.flatMap((r) => [...r.reads.map((topic) => `${id(topic)} -> ${id(r.name)}`), ...r.writes.map((topic) => `${id(r.name)} -> ${id(topic)}`)]),
    ];
    expect([...edges].sort()).toEqual([...expected].sort());
    expect(topologyMermaid(t)).toContain('aggregation -->|changelog| shop_a_aggregation_enriched_a_changelog');
  });
});
