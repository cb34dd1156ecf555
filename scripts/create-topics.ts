/** Creates the project's topics with the configured partition count; existing topics are kept. */
import { loadConfig } from '../lib/config';
import { createKafka, ensureTopics, projectTopics } from '../clients/kafka';

const { kafka } = loadConfig();
const created = await ensureTopics(createKafka(kafka, 'admin'), kafka);
const kept = projectTopics(kafka).filter((t) => !created.includes(t));
console.log(`topics: created [${created.join(', ')}], already there [${kept.join(', ')}] (${kafka.partitions} partitions for new ones)`);
