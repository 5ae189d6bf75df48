import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  Watch,
} from '@kubernetes/client-node';
import { KubeApiDouble } from './kube-api-double';
import { kubeConfigFor } from './kube-config';

const tls = (namespace: string, name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { namespace, name },
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': '', 'tls.key': '' },
  ...extra,
});

/** Collects the events of one watch until it ends. */
async function watchEvents(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | boolean>,
  until: (events: { type: string; object: Record<string, unknown> }[]) => boolean,
) {
  const events: { type: string; object: Record<string, unknown> }[] = [];
  let controller: AbortController | undefined;
  const ended = new Promise<unknown>((resolve) => {
    void new Watch(kc)
      .watch(
        path,
        query,
        (type, object: Record<string, unknown>) => {
          events.push({ type, object });
          if (until(events)) controller?.abort();
        },
        resolve,
      )
      .then((c) => {
        controller = c;
        if (until(events)) c.abort();
      });
  });
  return { events, ended };
}

describe('KubeApiDouble through @kubernetes/client-node', () => {
  let double: KubeApiDouble;
  const kc = new KubeConfig();
  before(async () => {
    double = await new KubeApiDouble({ token: 'secret-token' }).start();
    kc.loadFromString(kubeConfigFor(double.url, 'secret-token'));
  });
  after(() => double.close());

  it('lists with field selectors and a list resourceVersion; refuses a missing token', async () => {
    double.putSecret(tls('a', 'one'));
    double.putSecret({ ...tls('a', 'opaque'), type: 'Opaque' });
    double.putSecret(tls('b', 'two'));
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listSecretForAllNamespaces({ fieldSelector: 'type=kubernetes.io/tls' });
    assert.deepEqual(list.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`).sort(), [
      'a/one',
      'b/two',
    ]);
    assert.equal(list.metadata?.resourceVersion, double.currentResourceVersion());
    const inA = await core.listNamespacedSecret({ namespace: 'a' });
    assert.equal(inA.items.length, 2);

    const anonymous = new KubeConfig();
    anonymous.loadFromString(kubeConfigFor(double.url));
    await assert.rejects(
      anonymous.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'a' }),
      (e: unknown) => e instanceof ApiException && e.code === 401,
    );
  });

  it('watches from a resourceVersion, sends bookmarks when allowed, and 410 Gone after compaction', async () => {
    const from = double.currentResourceVersion();
    double.putSecret(tls('a', 'one', { data: { 'tls.crt': 'eA==' } }));
    const replay = await watchEvents(
      kc,
      '/api/v1/namespaces/a/secrets',
      { resourceVersion: from, allowWatchBookmarks: true },
      (events) => events.some((e) => e.type === 'BOOKMARK'),
    );
    // Once the watch is open (its replay arrived; a loaded machine may take a while), one BOOKMARK.
    // Polls with a generous bound, so a watch that never replays fails here and says so.
    const deadline = Date.now() + 30_000;
    while (replay.events.length === 0) {
      assert.ok(Date.now() < deadline, 'the watch replayed nothing within 30 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(double.bookmark(), 1);
    await replay.ended;
    assert.deepEqual(
      replay.events.map((e) => e.type),
      ['MODIFIED', 'BOOKMARK'],
    );
    assert.deepEqual(replay.events[1]!.object, {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { resourceVersion: double.currentResourceVersion() },
    });

    double.compact();
    const gone = await watchEvents(kc, '/api/v1/secrets', { resourceVersion: from }, () => false);
    await gone.ended;
    assert.equal(gone.events.length, 1);
    assert.equal(gone.events[0]!.type, 'ERROR');
    assert.equal(gone.events[0]!.object.code, 410);
    assert.equal(gone.events[0]!.object.reason, 'Expired');
  });

  it('creates and replaces Leases with optimistic concurrency', async () => {
    const leases = kc.makeApiClient(CoordinationV1Api);
    const body = { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } };
    const created = await leases.createNamespacedLease({ namespace: 'ops', body });
    await assert.rejects(
      leases.createNamespacedLease({ namespace: 'ops', body }),
      (e: unknown) => e instanceof ApiException && e.code === 409,
    );
    created.spec = { holderIdentity: 'b' };
    const replaced = await leases.replaceNamespacedLease({
      name: 'l',
      namespace: 'ops',
      body: created,
    });
    assert.equal(replaced.spec?.holderIdentity, 'b');
    await assert.rejects(
      leases.replaceNamespacedLease({ name: 'l', namespace: 'ops', body: created }),
      (e: unknown) =>
        e instanceof ApiException && e.code === 409 && /modified/.test(String(e.body)),
      'a stale resourceVersion conflicts',
    );
    await assert.rejects(
      leases.readNamespacedLease({ name: 'nope', namespace: 'ops' }),
      (e: unknown) => e instanceof ApiException && e.code === 404,
    );
  });
});
