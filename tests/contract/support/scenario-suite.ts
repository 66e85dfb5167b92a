// One scenario suite definition for all three targets: a describe block with one test per
// scenario, run in order against a target the caller starts once and always stops.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SCENARIOS } from './scenarios.ts';
import { type Target, formatFailures, runScenario } from './run-scenarios.ts';

export interface RunningTarget {
  url: string;
  stop(): Promise<unknown>;
}

export function scenarioSuite(target: Target, title: string, start: () => Promise<RunningTarget>): void {
  describe(title, () => {
    let running: RunningTarget | undefined;
    before(async () => {
      running = await start();
    });
    after(async () => {
      await running?.stop();
    });

    for (const scenario of SCENARIOS) {
      it(scenario.name, async () => {
        assert.ok(running, `${target} did not start`);
        const outcome = await runScenario(scenario, target, running.url);
        assert.equal(outcome.failures.length, 0, formatFailures(outcome));
      });
    }
  });
}
