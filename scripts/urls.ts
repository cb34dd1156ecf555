/** What `make up` prints last: where to look. */
import { loadConfig } from '../lib/config';

const c = loadConfig();
const web = `http://127.0.0.1:${c.web.port}`;
console.log(`
clickstream is up.
  Shop          ${web}/
  Dashboard     ${web}/dashboard
  HTTP API      ${web}/api/health  (README, "HTTP API")
  Temporal UI   ${c.temporal.uiUrl}/namespaces/${c.temporal.namespace}/workflows
  Kafka         ${c.kafka.brokers.join(',')}  (topics ${Object.values(c.kafka.topics).join(', ')})
  Redis         ${c.redis.host}:${c.redis.port}
  Data          ${c.data.dir}/
  Status        make status      Stop   make down
`);
