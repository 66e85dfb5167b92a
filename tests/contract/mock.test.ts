// The contract scenarios against the Prism mock of openapi.yaml (`npm run mock`). Where only
// state could decide, a scenario sends `Prefer: code=..., example=...`; the answers the mock
// cannot give are checked to be the documented ones (scenarios.ts).
import { scenarioSuite } from './support/scenario-suite.ts';
import { startMock } from '../support/processes.ts';

scenarioSuite('mock', 'contract scenarios: Prism mock', async () => {
  const mock = await startMock();
  return { url: mock.url, stop: () => mock.stop() };
});
