/**
 * Lets a fresh SDK client's first request run alone. The SDK learns the vault's auth challenge
 * from the first 401, sending that first request without its body; requests racing it can be
 * retried bodiless after another request completed the challenge (a write then fails with 400,
 * see azure-secret-store.challenge.test.ts). So the first request of a client runs alone; the
 * rest start once it has settled. One gate per client (ClientRequests).
 */
export class FirstRequestGate {
  private first: Promise<void> | undefined;
  private release: (() => void) | undefined;

  /** Runs `request`, after the client's first request has settled unless this is it. */
  async run<T>(request: () => Promise<T>): Promise<T> {
    if (this.first) await this.first;
    else this.first = new Promise<void>((resolve) => (this.release = resolve));
    try {
      return await request();
    } finally {
      this.release?.();
    }
  }
}
