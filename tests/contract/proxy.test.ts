// The contract scenarios against the real server behind Prism's validation proxy
// (`prism proxy openapi.yaml <server> --errors`): any violation Prism reports, in its
// sl-violations header or as its own problem+json, fails the scenario with Prism's message.
import { scenarioSuite } from './support/scenario-suite.ts';
import { startValidationProxy } from './support/validation-proxy.ts';
import { startTestServer } from '../support/test-server.ts';

scenarioSuite('proxy', 'contract scenarios: real server behind the Prism validation proxy', async () => {
  const server = await startTestServer();
  try {
    const proxy = await startValidationProxy(server.url);
    return {
      url: proxy.url,
      stop: async () => {
        await proxy.stop();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
});
