import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseEnvelope, ReplicatorError } from '@akv-replicator/core';
import type { Bus, DeadLetter } from '../port/bus';
import { ack, reject, retry } from '../port/handler-result';
import type { BusContractHarness } from './harness';
import { eventually, outcomeEnvelope, sleep, uniqueName } from './helpers';

async function deadLettersOf(
  bus: Bus,
  topic: string,
  subscription: string,
  count: number,
): Promise<readonly DeadLetter[]> {
  return eventually(`${count} dead letter(s)`, async () => {
    const letters = await bus.deadLetters(topic, { subscription });
    return letters.length >= count ? letters : undefined;
  });
}

/** Dead-lettering: after N deliveries, on reject, on non-retryable errors, on invalid envelopes. */
export function failureCases(harness: () => BusContractHarness): void {
  void it('dead-letters after maxDeliveries with the reason, delivery count and original bytes kept', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    const envelope = outcomeEnvelope();
    let calls = 0;
    await bus.subscribe(topic, { subscription: 'worker', maxDeliveries: 3 }, async () => {
      calls++;
      return retry(20, 'vault kv-prod-weu throttled');
    });
    await bus.publish(topic, envelope, { routingKey: 'westeurope', properties: { link: 'l1' } });
    const [letter] = await deadLettersOf(bus, topic, 'worker', 1);
    assert.ok(letter);
    assert.match(letter.reason, /vault kv-prod-weu throttled/);
    assert.equal(letter.deliveryCount, 3);
    assert.equal(letter.envelopeId, envelope.id);
    assert.equal(letter.routingKey, 'westeurope');
    assert.equal(letter.properties['link'], 'l1');
    assert.equal(parseEnvelope(letter.body).id, envelope.id);
    await sleep(150);
    assert.equal(calls, 3, 'no delivery after dead-lettering');
    await bus.close();
  });

  void it('dead-letters at once on reject and on a non-retryable error, and keeps going', async () => {
    const bus = await harness().connect();
    const topic = uniqueName('t');
    const poison = outcomeEnvelope();
    const fatal = outcomeEnvelope();
    const fine = outcomeEnvelope();
    const calls = new Map<string, number>();
    await bus.subscribe(topic, { subscription: 'worker', maxDeliveries: 5 }, async (envelope) => {
      calls.set(envelope.id, (calls.get(envelope.id) ?? 0) + 1);
      if (envelope.id === poison.id) return reject('replica vault does not exist');
      if (envelope.id === fatal.id)
        throw new ReplicatorError('forbidden on kv-dr', { code: 'Forbidden', retryable: false });
      return ack();
    });
    for (const envelope of [poison, fatal, fine]) await bus.publish(topic, envelope);
    const letters = await deadLettersOf(bus, topic, 'worker', 2);
    const byId = new Map(letters.map((letter) => [letter.envelopeId, letter]));
    assert.equal(byId.get(poison.id)?.reason, 'replica vault does not exist');
    assert.equal(byId.get(poison.id)?.deliveryCount, 1);
    assert.match(byId.get(fatal.id)?.reason ?? '', /forbidden on kv-dr/);
    // The cursor is optional in the port; transports that number dead letters must honour it.
    const sequences = letters.map((letter) => letter.sequence).filter((n) => n !== undefined);
    if (sequences.length > 0) {
      const [oldest, newest] = [Math.min(...sequences), Math.max(...sequences)];
      assert.ok(newest > oldest, 'dead-letter sequences increase');
      const after = (afterSequence: number) => bus.deadLetters(topic, { afterSequence });
      assert.deepEqual(await after(newest), [], 'the cursor skips what was read');
      assert.deepEqual(
        (await after(oldest)).map((letter) => letter.sequence),
        [newest],
      );
    }
    await eventually('the good message', () => calls.get(fine.id) === 1);
    assert.equal(calls.get(poison.id), 1);
    assert.equal(calls.get(fatal.id), 1);
    await bus.close();
  });

  void it('dead-letters invalid envelopes with the validation reason and never shows them to the handler', async () => {
    const h = harness();
    const bus = await h.connect();
    const topic = uniqueName('t');
    const handled: string[] = [];
    await bus.subscribe(topic, { subscription: 'worker' }, async (envelope) => {
      handled.push(envelope.id);
      return ack();
    });
    await h.publishRaw(topic, new TextEncoder().encode('{not json'));
    await h.publishRaw(
      topic,
      new TextEncoder().encode(
        JSON.stringify({
          specversion: '1.0',
          id: 'bad-1',
          source: '/x',
          type: 'akv.outcome.v1',
          data: {},
        }),
      ),
    );
    const valid = outcomeEnvelope();
    await bus.publish(topic, valid);
    const letters = await deadLettersOf(bus, topic, 'worker', 2);
    assert.ok(
      letters.every((letter) => /invalid message/.test(letter.reason)),
      letters.map((l) => l.reason).join(' | '),
    );
    assert.equal(
      new TextDecoder().decode(letters.find((l) => l.envelopeId === undefined)?.body),
      '{not json',
    );
    assert.ok(
      letters.some(
        (letter) => letter.envelopeId === 'bad-1' && /data of akv\.outcome\.v1/.test(letter.reason),
      ),
    );
    await eventually('the valid message after the invalid ones', () => handled.includes(valid.id));
    assert.deepEqual(handled, [valid.id]);
    await bus.close();
  });
}
