/** The shared scenarios through the unmodified `@azure/event-hubs` against this broker. */
import { after, before, describe } from 'node:test';
import { startEventHubsBroker, type EventHubsBroker } from './index';
import { scenarios } from './scenarios';
import { SCENARIO_HUBS } from './test-support';

describe('Event Hubs test broker through @azure/event-hubs', () => {
  let broker: EventHubsBroker;
  before(async () => {
    broker = await startEventHubsBroker({ hubs: SCENARIO_HUBS.map((hub) => ({ ...hub })) });
  });
  after(async () => {
    await broker.stop();
  });
  scenarios(() => ({
    name: 'test broker',
    connectionString: (hub) => broker.connectionString(hub),
    restart: () => broker.restart(),
  }));
});
