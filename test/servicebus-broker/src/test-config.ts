/**
 * The Config.json the broker's own tests run on: short lock durations so expiry tests stay fast.
 * Shaped exactly like the official emulator's file.
 */
import type { EmulatorConfig } from './config';

export const TEST_CONFIG: EmulatorConfig = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [
          {
            Name: 'expiring',
            Properties: {
              DefaultMessageTimeToLive: 'PT0.5S',
              DeadLetteringOnMessageExpiration: true,
            },
          },
          {
            Name: 'jobs',
            Properties: {
              LockDuration: 'PT1S',
              MaxDeliveryCount: 2,
              RequiresDuplicateDetection: true,
              DuplicateDetectionHistoryTimeWindow: 'PT20S',
            },
          },
        ],
        Topics: [
          {
            Name: 'tasks',
            Properties: {
              RequiresDuplicateDetection: true,
              DuplicateDetectionHistoryTimeWindow: 'PT20S',
            },
            Subscriptions: [
              { Name: 'all', Properties: { LockDuration: 'PT1S', MaxDeliveryCount: 3 } },
              {
                Name: 'westeurope',
                Properties: { LockDuration: 'PT1M', MaxDeliveryCount: 5 },
                Rules: [
                  {
                    Name: 'region',
                    Properties: {
                      FilterType: 'Sql',
                      SqlFilter: { SqlExpression: "region = 'westeurope'" },
                    },
                  },
                ],
              },
              {
                Name: 'northeurope',
                Rules: [
                  {
                    Name: 'region',
                    Properties: {
                      FilterType: 'Correlation',
                      CorrelationFilter: { Properties: { region: 'northeurope' } },
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    Logging: { Type: 'Console' },
  },
};
