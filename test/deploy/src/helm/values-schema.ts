import { z } from 'zod';
import { configSchema } from '@akv-replicator/core';

const positiveInt = { type: 'integer', minimum: 1 };
const kubernetesName = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  maxLength: 63,
};

/** The chart's own values (everything but `config`), strict like the configuration. */
const CHART_VALUES = {
  fullnameOverride: { type: 'string', anyOf: [{ maxLength: 0 }, kubernetesName] },
  image: {
    type: 'object',
    additionalProperties: false,
    required: ['repository'],
    properties: {
      repository: { type: 'string', minLength: 1 },
      tag: { type: 'string' },
      pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
    },
  },
  extraRegions: { type: 'array', items: { type: 'string', minLength: 1 } },
  ingressReplicas: positiveInt,
  // More than 1 only with config.discovery.leaderElection (deployments.yaml fails otherwise).
  discoveryReplicas: positiveInt,
  otlpEndpoint: { type: 'string' },
  serviceMonitor: {
    type: 'object',
    additionalProperties: false,
    properties: {
      enabled: { type: 'boolean' },
      interval: { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
    },
  },
  keda: {
    type: 'object',
    additionalProperties: false,
    properties: {
      enabled: { type: 'boolean' },
      minReplicaCount: { type: 'integer', minimum: 0 },
      maxReplicaCount: positiveInt,
      pollingInterval: positiveInt,
      cooldownPeriod: positiveInt,
      backlogPerReplica: positiveInt,
      natsMonitoringEndpoint: { type: 'string' },
      identityClientId: { type: 'string' },
    },
  },
} as const;

/**
 * `values.schema.json`: the configuration's zod schema (as users write it: defaults optional)
 * under `config`, next to the chart's own values. Helm validates values against it on lint,
 * template, install and upgrade, so a misspelt or mistyped configuration key is refused before
 * any pod starts, naming the key — what `validate-config` does with the same schema.
 */
export function valuesSchema(): Record<string, unknown> {
  const config = z.toJSONSchema(configSchema, {
    io: 'input',
    // Secret references and refinements have no JSON Schema form: accepted here, checked at start.
    unrepresentable: 'any',
    target: 'draft-7',
  }) as Record<string, unknown>;
  delete config.$schema;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'akv-replicator chart values',
    type: 'object',
    additionalProperties: false,
    required: ['config', 'image'],
    properties: { ...CHART_VALUES, config },
  };
}
