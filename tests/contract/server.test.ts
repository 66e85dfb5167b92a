// The contract scenarios against the real server: the app over a fresh SQLite file with the
// demo backups and tokens, on a loopback port, in each configuration the service runs in.
import { scenarioSuite } from './support/scenario-suite.ts';
import { APP_MODES, startTestServer } from '../support/test-server.ts';

for (const mode of APP_MODES) {
  scenarioSuite('server', `contract scenarios: real server (${mode.name} configuration)`, async () => {
    const server = await startTestServer({ config: mode.config });
    return { url: server.url, stop: () => server.close() };
  });
}
