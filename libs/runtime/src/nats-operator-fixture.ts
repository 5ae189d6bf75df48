// Test fixture: a NATS operator, account and user, signed the way `nsc` signs them, so a test
// can start nats-server in operator (decentralised JWT) mode and connect with a real `.creds`
// file. Formats: https://docs.nats.io/running-a-nats-service/configuration/securing_nats/jwt
// (JWT claims, resolver_preload) and https://docs.nats.io/using-nats/developer/connecting/creds
// (the credentials file). nkeys are Ed25519 keys in base32 with a role prefix and a CRC-16
// (https://github.com/nats-io/nkeys, README "nkeys"); node:crypto signs, so no extra library.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** nkeys prefix bytes: operator 'O', account 'A', user 'U', seed 'S'. */
const PREFIX = { operator: 14 << 3, account: 0, user: 20 << 3 } as const;
const SEED_PREFIX = 18 << 3;

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** CRC-16/XMODEM (polynomial 0x1021), little-endian after the payload as nkeys appends it. */
function withCrc(body: Buffer): Buffer {
  let crc = 0;
  for (const byte of body) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return Buffer.concat([body, Buffer.from([crc & 0xff, crc >> 8])]);
}

export interface NatsKeyPair {
  /** `O…`, `A…` or `U…`. */
  readonly publicKey: string;
  /** `SO…`, `SA…` or `SU…`. */
  readonly seed: string;
  readonly privateKey: KeyObject;
}

export function natsKeyPair(role: keyof typeof PREFIX): NatsKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const prefix = PREFIX[role];
  const raw = (field: string | undefined) => Buffer.from(field ?? '', 'base64url');
  return {
    publicKey: base32(withCrc(Buffer.concat([Buffer.from([prefix]), raw(jwk.x)]))),
    seed: base32(
      withCrc(
        Buffer.concat([Buffer.from([SEED_PREFIX | (prefix >> 5), (prefix & 31) << 3]), raw(jwk.d)]),
      ),
    ),
    privateKey,
  };
}

/** A NATS JWT (`alg: ed25519-nkey`) for `subject`, signed by `issuer`. */
export function natsJwt(
  issuer: NatsKeyPair,
  subject: string,
  name: string,
  nats: Record<string, unknown>,
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims: Record<string, unknown> = {
    jti: '',
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.publicKey,
    name,
    sub: subject,
    nats: { ...nats, version: 2 },
  };
  claims['jti'] = base32(createHash('sha512-256').update(JSON.stringify(claims)).digest());
  const signed = `${encode({ typ: 'JWT', alg: 'ed25519-nkey' })}.${encode(claims)}`;
  return `${signed}.${sign(null, Buffer.from(signed), issuer.privateKey).toString('base64url')}`;
}

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, conn: -1, leaf: -1 };

export interface NatsOperatorSetup {
  /** nats-server configuration lines: operator, system account, memory resolver. */
  readonly serverConfig: string;
  /** A `.creds` file of a user of the JetStream-enabled account. */
  readonly userCreds: string;
}

/** Operator + system account + one JetStream account with one user, all freshly generated. */
export function natsOperatorSetup(): NatsOperatorSetup {
  const operator = natsKeyPair('operator');
  const system = natsKeyPair('account');
  const account = natsKeyPair('account');
  const user = natsKeyPair('user');
  const accountJwt = (key: NatsKeyPair, name: string, jetstream: boolean) =>
    natsJwt(operator, key.publicKey, name, {
      type: 'account',
      limits: {
        ...UNLIMITED,
        wildcards: true,
        ...(jetstream ? { mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 } : {}),
      },
      default_permissions: { pub: {}, sub: {} },
    });
  const operatorJwt = natsJwt(operator, operator.publicKey, 'akvr-test', {
    type: 'operator',
    system_account: system.publicKey,
  });
  const userJwt = natsJwt(account, user.publicKey, 'akvr', {
    type: 'user',
    pub: {},
    sub: {},
    subs: -1,
    data: -1,
    payload: -1,
  });
  return {
    serverConfig: [
      `operator: ${operatorJwt}`,
      `system_account: ${system.publicKey}`,
      'resolver: MEMORY',
      'resolver_preload: {',
      `  ${system.publicKey}: ${accountJwt(system, 'SYS', false)}`,
      `  ${account.publicKey}: ${accountJwt(account, 'akvr', true)}`,
      '}',
    ].join('\n'),
    userCreds: [
      '-----BEGIN NATS USER JWT-----',
      userJwt,
      '------END NATS USER JWT------',
      '',
      '-----BEGIN USER NKEY SEED-----',
      user.seed,
      '------END USER NKEY SEED------',
      '',
    ].join('\n'),
  };
}
