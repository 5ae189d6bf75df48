import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, context, trace, TraceFlags } from '@opentelemetry/api';
import { createPinoLogger } from './pino-logger';
import { REDACTED, isSecretFieldName, scrubText } from './redact';

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('pino logger', () => {
  it('writes one JSON object per line with level, time, service, message and fields', () => {
    const lines: string[] = [];
    const log = createPinoLogger({
      level: 'info',
      service: 'replicator',
      destination: (l) => lines.push(l),
    });
    log.debug('hidden');
    log
      .child({ region: 'westeurope' })
      .info('converged', { vault: 'kv-a', objectName: 'db', tasks: 2 });
    const [line] = parse(lines);
    assert.equal(lines.length, 1);
    assert.equal(line!.level, 'info');
    assert.equal(line!.msg, 'converged');
    assert.equal(line!.service, 'replicator');
    assert.equal(line!.region, 'westeurope');
    assert.equal(line!.vault, 'kv-a');
    assert.equal(line!.tasks, 2);
    assert.match(String(line!.time), /^\d{4}-\d\d-\d\dT/);
  });

  it('redacts secret-named fields and secret-looking text, in lines and child bindings', () => {
    const lines: string[] = [];
    const log = createPinoLogger({ level: 'debug', destination: (l) => lines.push(l) });
    const canary = 'CANARY-pino-91b2';
    log
      .child({ token: canary, vault: 'kv-a' })
      .warn(`connect failed: Endpoint=sb://x/;SharedAccessKeyName=root;SharedAccessKey=${canary}`, {
        value: canary,
        clientSecret: canary,
        connectionString: canary,
        authorization: `Bearer ${canary}`,
        apiKey: canary,
        error: `got Bearer ${canary}xyz from upstream`,
        objectName: 'db-password',
      });
    const text = lines.join('\n');
    assert.equal(text.includes(canary), false, text);
    const [line] = parse(lines);
    for (const key of [
      'token',
      'value',
      'clientSecret',
      'connectionString',
      'authorization',
      'apiKey',
    ])
      assert.equal(line![key], REDACTED, key);
    assert.equal(line!.objectName, 'db-password', 'names are not secrets');
    assert.equal(line!.vault, 'kv-a');
    assert.match(String(line!.msg), /SharedAccessKeyName=root;SharedAccessKey=\[redacted\]/);
  });

  it('adds trace_id and span_id of the active span', () => {
    const lines: string[] = [];
    const log = createPinoLogger({ level: 'info', destination: (l) => lines.push(l) });
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    // Without a context manager `context.with` does not propagate; read through a wrapped span instead.
    const active = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    const original = context.active;
    context.active = () => active;
    try {
      log.info('inside');
    } finally {
      context.active = original;
    }
    log.info('outside');
    const [inside, outside] = parse(lines);
    assert.equal(inside!.trace_id, spanContext.traceId);
    assert.equal(inside!.span_id, spanContext.spanId);
    assert.equal(outside!.trace_id, undefined);
  });

  it('names secret fields by their last word', () => {
    for (const name of [
      'value',
      'secret',
      'password',
      'sasToken',
      'client_secret',
      'apiKey',
      'connectionString',
      'Authorization',
    ])
      assert.equal(isSecretFieldName(name), true, name);
    for (const name of ['vault', 'objectName', 'secretName', 'tokenEndpoint', 'keyVault', 'region'])
      assert.equal(isSecretFieldName(name), false, name);
    assert.equal(scrubText('AccountKey=abc;x=1'), `AccountKey=${REDACTED};x=1`);
  });
});

describe('pino logger bindings', () => {
  it('a child that binds a key again replaces it instead of repeating it', () => {
    const lines: string[] = [];
    const log = createPinoLogger({
      level: 'info',
      service: 'akv-replicator',
      destination: (l) => lines.push(l),
    });
    log.child({ service: 'discovery' }).child({ link: 'demo' }).info('planned');
    assert.equal(lines[0]!.match(/"service"/g)?.length, 1, lines[0]);
    assert.equal(parse(lines)[0]!.service, 'discovery');
    assert.equal(parse(lines)[0]!.link, 'demo');
  });

  it('a field named like a binding replaces it instead of repeating it', () => {
    const lines: string[] = [];
    const log = createPinoLogger({
      level: 'info',
      service: 'akv-replicator',
      destination: (l) => lines.push(l),
    });
    log.info('telemetry started', { service: 'otel-name', tracing: false });
    log.child({ service: 'discovery' }).warn('planned', { service: 'replicator', link: 'demo' });
    log.info('plain', { link: 'demo' });
    for (const line of lines) assert.equal(line.match(/"service"/g)?.length, 1, line);
    assert.deepEqual(
      parse(lines).map((l) => [l.level, l.service, l.link]),
      [
        ['info', 'otel-name', undefined],
        ['warn', 'replicator', 'demo'],
        ['info', 'akv-replicator', 'demo'],
      ],
    );
  });
});
