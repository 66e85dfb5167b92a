// The contract scenarios against the real server: the app over a fresh SQLite file with the
// demo backups and tokens, on a loopback port.
import { scenarioSuite } from './support/scenario-suite.ts';
import { startTestServer } from '../support/test-server.ts';

scenarioSuite('server', 'contract scenarios: real server', async () => {
  const server = await startTestServer();
  return { url: server.url, stop: () => server.close() };
});
