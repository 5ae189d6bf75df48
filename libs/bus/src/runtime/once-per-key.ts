/**
 * Runs a setup (create a topic's stream, provision a topic) once per key and shares the result
 * with concurrent callers; a setup that fails is forgotten, so the next call tries again (the
 * broker may just have been restarting).
 */
export class OncePerKey {
  readonly #runs = new Map<string, Promise<void>>();

  run(key: string, setup: () => Promise<void>): Promise<void> {
    let ready = this.#runs.get(key);
    if (!ready) {
      ready = setup();
      ready.catch(() => this.#runs.delete(key));
      this.#runs.set(key, ready);
    }
    return ready;
  }
}
