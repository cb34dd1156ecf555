/** Creates the project's topics with the configured partition count; existing topics are kept. */
import { loadConfig } from '../lib/config';
import { createKafka, ensureTopics, projectTopics } from '../clients/kafka';
import { ensureReplayPositionsTopic } from '../activities/replay/position-store';

const { kafka } = loadConfig();
const admin = createKafka(kafka, 'admin');
const created = await ensureTopics(admin, kafka);
const kept = projectTopics(kafka).filter((t) => !created.includes(t));
console.log(`topics: created [${created.join(', ')}], already there [${kept.join(', ')}] (${kafka.partitions} partitions for new ones)`);
// Compacted, one partition; the replay also creates it at its first chunk.
await ensureReplayPositionsTopic(admin, kafka);
