import type { Publisher } from '@akv-replicator/bus';

type Reply = { code(status: number): { send(body: unknown): unknown } };

/** 400 with every reason: reasons name fields, never values, so nothing is echoed. */
export function badRequest(reply: Reply, reasons: readonly string[]) {
  return reply
    .code(400)
    .send({ error: { code: 'BadRequest', message: reasons[0], details: [...reasons] } });
}

/** A bus failure is the ingress being unavailable: 503, so Event Grid retries the delivery. */
export function busUnavailable(cause: unknown): Error {
  return Object.assign(new Error(`bus unavailable: ${(cause as Error).message}`), {
    statusCode: 503,
    code: 'BusUnavailable',
  });
}

export async function publishOr503(
  publisher: Publisher,
  topic: string,
  envelope: Parameters<Publisher['publish']>[1],
) {
  try {
    return await publisher.publish(topic, envelope);
  } catch (cause) {
    throw busUnavailable(cause);
  }
}
