import { bearerTokenOf, type TokenPolicy } from '../auth/token-check';
import { errors } from '../errors';
import type { RequestGuard } from '../http/https-app';

const ARM_API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/**
 * ARM checks: a bearer token (the SDK asks for `${endpoint}/.default` up front, no challenge)
 * and an `api-version`. Admin routes (tag `admin`) are open: they exist for test harnesses.
 */
export function armGuards(policy: TokenPolicy): RequestGuard[] {
  return [
    (request, tag) => {
      if (tag === 'admin') return 'continue';
      const token = bearerTokenOf(request.headers.authorization);
      if (token === undefined) throw errors.armMissingToken();
      if (!policy.accepts(token)) throw errors.armInvalidToken();
      const version = (request.query as Record<string, string | undefined>)['api-version'];
      if (version === undefined || !ARM_API_VERSION.test(version)) {
        throw errors.armBadRequest(
          'The api-version query parameter (?api-version=) is required for all requests.',
        );
      }
      return 'continue';
    },
  ];
}
