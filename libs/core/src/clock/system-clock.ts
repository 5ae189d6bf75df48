import { sleepOnTimers, type Clock, type TimerHandle } from './clock';

const timers = new Map<number, NodeJS.Timeout>();
let nextTimerId = 1;

/**
 * Node's timers, unref'd: a scheduled callback (a digest flush, a watch restart) never holds
 * the process open on its own.
 */
function setUnrefTimeout(callback: () => void, delayMs: number): TimerHandle {
  const id = nextTimerId++;
  const timer = setTimeout(() => {
    timers.delete(id);
    callback();
  }, delayMs);
  timer.unref();
  timers.set(id, timer);
  return { id };
}

function clearUnrefTimeout(handle: TimerHandle): void {
  clearTimeout(timers.get(handle.id));
  timers.delete(handle.id);
}

/**
 * The real clock: `Date.now()` and Node timers. `sleep` keeps the process alive while it waits
 * (someone awaits it: a retry in progress must not be cut short by the event loop emptying);
 * `setTimeout` callbacks do not.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    sleepOnTimers(
      {
        setTimeout: (callback: () => void, delayMs: number) => {
          const handle = setUnrefTimeout(callback, delayMs);
          timers.get(handle.id)?.ref();
          return handle;
        },
        clearTimeout: clearUnrefTimeout,
      },
      ms,
      signal,
    ),
  setTimeout: setUnrefTimeout,
  clearTimeout: clearUnrefTimeout,
});
