import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiDouble, kubeConfigFor, tlsSecretObject } from '@akv-replicator/kube-api-double';
import { MemoryCertificateStore, type CertificateStore } from '@akv-replicator/keyvault';
import { createTestCertificate, type TestCertificate } from '@akv-replicator/keyvault/testing';
import {
  CertManagerPush,
  type CertManagerPushOptions,
  type CertManagerResult,
} from './cert-manager-push';

const TOKEN = 'double-token';
const keyOf = (pem: string) => pem.slice(0, pem.indexOf('-----BEGIN CERTIFICATE-----'));
const secretOf = (namespace: string, name: string, cert: TestCertificate, extra = {}) =>
  tlsSecretObject({
    namespace,
    name,
    key: keyOf(cert.value),
    certificateChain: `${cert.leafPem}${cert.caPem ?? ''}`,
    ...(cert.caPem ? { ca: cert.caPem } : {}),
    ...extra,
  });

/** Polls `check`; the generous bound only ends a failing run (a loaded machine is slow). */
async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Resolves once every timer of `delayMs` set before this call has run: Node runs timers of one
 * duration in the order they were set. Waits for a component's own timer (a retry), not a guess.
 */
const afterTimersOf = (delayMs: number) => new Promise((r) => setTimeout(r, delayMs));

/** The store's calls, as `operation name`, to see which objects a step touched. */
function recordCalls(store: CertificateStore): { store: CertificateStore; calls: string[] } {
  const calls: string[] = [];
  const recorded = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(property)} ${String(args[0])}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: recorded, calls };
}

const certs: Record<string, TestCertificate> = {};
before(() => {
  certs.rsa = createTestCertificate({ subject: 'CN=shop', format: 'pem', withChain: true });
  certs.rsaRenewed = createTestCertificate({ subject: 'CN=shop', format: 'pem', withChain: true });
  certs.ec = createTestCertificate({
    subject: 'CN=api',
    keyType: 'EC',
    format: 'pem',
    withChain: true,
  });
  certs.ecRenewed = createTestCertificate({ subject: 'CN=api', keyType: 'EC', format: 'pem' });
});

describe('cert-manager push against the Kubernetes API double', () => {
  let double: KubeApiDouble;
  const running: CertManagerPush[] = [];
  before(async () => {
    double = await new KubeApiDouble({ token: TOKEN }).start();
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await double.close();
  });

  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromString(kubeConfigFor(double.url, TOKEN));
    return kc;
  };
  const options = (over: Partial<CertManagerPushOptions> = {}): CertManagerPushOptions => ({
    namespaces: [],
    annotation: 'cert-manager.io/certificate-name',
    namePrefix: '',
    format: 'PEM',
    onDelete: 'keep',
    lease: { name: 'push', namespace: 'ops', durationSeconds: 2, renewSeconds: 0.25 },
    identity: 'a',
    retryDelaysMs: [50],
    watchRestartDelayMs: 50,
    ...over,
  });
  const start = async (push: CertManagerPush) => {
    running.push(push);
    await push.start();
    return push;
  };
  const lists = () =>
    double.requests.filter((r) => r.query.watch !== 'true' && r.path.endsWith('/secrets'));
  const watches = () => double.requests.filter((r) => r.query.watch === 'true');

  it('imports annotated TLS Secrets of the watched namespaces; renewals become new versions, anything else imports nothing', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    const recorded = recordCalls(kv);
    double.putSecret(secretOf('shop', 'web-tls', certs.rsa!));
    double.putSecret(secretOf('shop', 'hand-made', certs.ec!, { certificateName: null }));
    double.putSecret(secretOf('elsewhere', 'web-tls', certs.ec!));
    double.putSecret({
      metadata: {
        namespace: 'shop',
        name: 'opaque',
        annotations: { 'cert-manager.io/certificate-name': 'x' },
      },
      type: 'Opaque',
      data: {},
    });
    const push = await start(
      new CertManagerPush(
        options({ namespaces: ['shop'], lease: { ...options().lease, name: 'first' } }),
        { kubeConfig: kubeConfig(), store: recorded.store },
      ),
    );
    await until(
      'leadership and the first import',
      async () => push.isLeader && kv.requestCount('import') === 1,
    );
    await push.idle();
    assert.equal((await kv.getCertificate('shop--web-tls')).x5t, certs.rsa!.x5t);
    assert.equal(
      kv.requestCount('import'),
      1,
      'not the unannotated, Opaque or other-namespace Secret',
    );
    assert.equal(lists()[0]?.query.fieldSelector, 'type=kubernetes.io/tls');
    assert.equal(watches()[0]?.query.allowWatchBookmarks, 'true');

    // A label change (MODIFIED, same certificate) neither imports nor asks Key Vault. The watch
    // delivers in order: once a Secret put after it is imported, the label change was handled.
    const callsBefore = recorded.calls.length;
    double.putSecret(secretOf('shop', 'web-tls', certs.rsa!, { labels: { touched: 'yes' } }));
    double.putSecret(secretOf('shop', 'after-the-label-tls', certs.ec!));
    await until('the Secret put after the label change', () => kv.requestCount('import') === 2);
    await push.idle();
    assert.deepEqual(
      recorded.calls.slice(callsBefore).filter((call) => call.endsWith(' shop--web-tls')),
      [],
      'the label change asked Key Vault nothing',
    );

    double.putSecret(secretOf('shop', 'web-tls', certs.rsaRenewed!));
    await until('the renewal', async () => kv.requestCount('import') === 3);
    await push.idle();
    assert.equal((await kv.getCertificate('shop--web-tls')).x5t, certs.rsaRenewed!.x5t);
    await push.stop();
  });

  it('resumes a dropped or ended watch from its resourceVersion (bookmarks included), and re-lists after 410 Gone', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    double.putSecret(secretOf('team', 'api-tls', certs.ec!));
    double.putSecret(secretOf('team', 'old-tls', certs.rsa!));
    const push = await start(
      new CertManagerPush(
        options({
          namespaces: ['team'],
          onDelete: 'delete',
          lease: { ...options().lease, name: 'resume' },
        }),
        {
          kubeConfig: kubeConfig(),
          store: kv,
        },
      ),
    );
    await until('both imports', () => kv.requestCount('import') === 2);
    const listsBefore = lists().length;

    // A BOOKMARK moves the watch on; a cleanly ended watch resumes from the bookmark.
    await until('an open watch', () => double.openWatches() > 0);
    const bookmarked = double.currentResourceVersion();
    assert.ok(double.bookmark() > 0);
    // No pause needed: the BOOKMARK is written before the end, and the client reads its lines
    // in order before it sees the stream close.
    double.endWatches();
    await until('a resumed watch', () =>
      watches().some((w) => w.query.resourceVersion === bookmarked),
    );

    // A dropped connection resumes too; changes made while it was down arrive.
    await until('an open watch', () => double.openWatches() > 0);
    double.dropWatches();
    double.putSecret(secretOf('team', 'api-tls', certs.ecRenewed!));
    await until('the renewal after the drop', () => kv.requestCount('import') === 3);
    assert.equal(lists().length, listsBefore, 'resumed, not re-listed');

    // History compacted while the watch was away: 410 Gone → a new list, deletions included.
    await until('an open watch', () => double.openWatches() > 0);
    double.dropWatches();
    double.putSecret(secretOf('team', 'api-tls', certs.ec!));
    double.deleteSecret('team', 'old-tls');
    double.compact();
    await until('a re-list', () => lists().length > listsBefore);
    await until('the import and the deletion seen by the re-list', async () => {
      await push.idle();
      return kv.requestCount('import') === 4 && kv.requestCount('delete') === 1;
    });
    assert.equal((await kv.getCertificate('team--api-tls')).x5t, certs.ec!.x5t);
    await push.stop();
  });

  it('a Secret deleted while no instance led is acted on by the next leader (onDelete: delete)', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    const lease = { ...options().lease, name: 'sweep' };
    double.putSecret(secretOf('sweep', 'gone-tls', certs.rsa!));
    double.putSecret(secretOf('sweep', 'kept-tls', certs.ec!));
    const first = await start(
      new CertManagerPush(options({ namespaces: ['sweep'], onDelete: 'delete', lease }), {
        kubeConfig: kubeConfig(),
        store: kv,
      }),
    );
    await until('both imports', () => kv.requestCount('import') === 2);
    await first.idle();
    await first.stop();
    double.deleteSecret('sweep', 'gone-tls'); // nobody watching, nobody leading
    await kv.importCertificate('hand-made', {
      value: certs.rsa!.value,
      contentType: 'application/x-pem-file',
      enabled: true,
      tags: { 'k8s-secret': 'sweep/hand-made' },
    }); // names another certificate than its Secret would get: not ours to delete
    const next = await start(
      new CertManagerPush(
        options({ namespaces: ['sweep'], onDelete: 'delete', lease, identity: 'b' }),
        { kubeConfig: kubeConfig(), store: kv },
      ),
    );
    await until('the deletion', async () => {
      await next.idle();
      return kv.requestCount('delete') === 1;
    });
    await assert.rejects(kv.getCertificate('sweep--gone-tls'));
    assert.ok(await kv.getCertificate('sweep--kept-tls'));
    assert.ok(await kv.getCertificate('hand-made'));
    await next.stop();
  });

  it('retries a failed import with the Secret as it is now, never an outdated state', async () => {
    const kv = new MemoryCertificateStore('kv-src');
    let failures = 1;
    let attempts = 0;
    const flaky = new Proxy(kv, {
      get(target, property) {
        if (property === 'importCertificate')
          return (...args: Parameters<CertificateStore['importCertificate']>) => {
            attempts++;
            if (failures-- > 0) return Promise.reject(new Error('Key Vault unavailable'));
            return target.importCertificate(...args);
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    double.putSecret(secretOf('retry', 'web-tls', certs.rsa!));
    const results: CertManagerResult[] = [];
    const retryDelayMs = 400;
    const push = await start(
      new CertManagerPush(
        options({
          namespaces: ['retry'],
          retryDelaysMs: [retryDelayMs],
          lease: { ...options().lease, name: 'retry' },
        }),
        { kubeConfig: kubeConfig(), store: flaky, onResult: (_, result) => results.push(result) },
      ),
    );
    // The failure is reported just before its retry timer is set (no jitter: exactly 400 ms).
    await until('the failed attempt reported', () => attempts === 1 && results.length === 1);
    double.putSecret(secretOf('retry', 'web-tls', certs.rsaRenewed!));
    await until('the renewal imported', () => kv.requestCount('import') === 1);
    await afterTimersOf(retryDelayMs); // the retry's timer has run: it queued the Secret
    await push.idle();
    assert.equal(kv.requestCount('import'), 1, 'the retry found the renewal already in Key Vault');
    assert.equal((await kv.getCertificate('retry--web-tls')).x5t, certs.rsaRenewed!.x5t);
    // The failed attempt is reported (the service publishes it as an outcome), then the import.
    assert.deepEqual(
      results.map((r) => [r.status, r.certificateName]),
      [
        ['failure', 'retry--web-tls'],
        ['success', 'retry--web-tls'],
      ],
    );
    assert.match(results[0]!.reason ?? '', /Key Vault unavailable; retrying in/);
    await push.stop();
  });
});
