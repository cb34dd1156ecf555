/** What `make up` prints last: where to look. */
import { apiToken } from '../clients/secrets';
import { loadConfig } from '../lib/config';

const c = loadConfig();
const web = `http://127.0.0.1:${c.web.port}`;
const token = apiToken(c.web);
// The link signs the browser in as the operator (a cookie), who may pause and steer the replay.
const operator = token ? `${web}/sign-in?token=${encodeURIComponent(token)}` : `(no operator token: set API_TOKEN or run make up)`;
console.log(`
clickstream is up.
  Shop          ${web}/
  Dashboard     ${web}/dashboard
  Operator      ${operator}
                (signs this browser in to steer the replay; API calls: Authorization: Bearer <the token in ${c.web.apiToken ? 'API_TOKEN' : c.web.apiTokenFile}>)
  HTTP API      ${web}/api/health  (docs/http-api.md)
  Temporal UI   ${c.temporal.uiUrl}/namespaces/${c.temporal.namespace}/workflows
  Prometheus    ${c.observability.prometheus.url}/alerts  (queries: docs/observability.md; each process's metrics: make status)
  Kafka         ${c.kafka.brokers.join(',')}  (topics ${Object.values(c.kafka.topics).join(', ')})
  Redis         ${c.redis.host}:${c.redis.port}
  Data          ${c.data.dir}/
  Status        make status      Stop   make down
`);
