import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressReporter, progressBar } from './progress-reporter';

describe('resync progress', () => {
  it('without a terminal, a 9,000-task resync prints a line per 10 %, not per task', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = createProgressReporter({ line: (l) => lines.push(l), now: () => now });
    // 9,000 outcomes arriving 1 ms apart (9 s): the 5 s interval adds at most one line.
    for (let done = 0; done <= 9_000; done++) {
      now = done;
      progress.update(done, 9_000);
    }
    progress.finish();
    assert.ok(
      lines.length >= 11 && lines.length <= 13,
      `${lines.length} lines: ${lines.join('\n')}`,
    );
    assert.equal(lines[0], 'progress: 0/9000 tasks (0 %)');
    assert.ok(lines.includes('progress: 900/9000 tasks (10 %)'));
    assert.equal(lines.at(-1), 'progress: 9000/9000 tasks (100 %)');
  });

  it('without a terminal, a slow resync still prints a line every interval while work moves', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = createProgressReporter({
      line: (l) => lines.push(l),
      now: () => now,
      intervalMs: 5_000,
    });
    progress.update(0, 1_000);
    // One task every 2 s for 40 s: 2 % of the work, no 10 % step crossed.
    for (let done = 1; done <= 20; done++) {
      now = done * 2_000;
      progress.update(done, 1_000);
    }
    // Lines at 0, then at 6, 12, 18, 24, 30, 36 s (the first update at least 5 s after the last).
    assert.deepEqual(
      lines.map((l) => l.split(' ')[1]),
      ['0/1000', '3/1000', '6/1000', '9/1000', '12/1000', '15/1000', '18/1000'],
    );
    // Nothing moves: nothing is printed, however long it waits.
    now = 1_000_000;
    progress.update(20, 1_000);
    progress.update(20, 1_000);
    assert.equal(lines.filter((l) => l.includes(' 20/1000')).length, 1);
  });

  it('on a terminal, redraws one bar in place and ends its line once', () => {
    const written: string[] = [];
    const lines: string[] = [];
    const progress = createProgressReporter({
      line: (l) => lines.push(l),
      terminal: { write: (t) => written.push(t) },
    });
    for (let done = 0; done <= 4; done++) progress.update(done, 4);
    progress.update(4, 4);
    progress.finish();
    assert.deepEqual(lines, []);
    assert.deepEqual(written, [
      `\r${progressBar(0, 4)}`,
      `\r${progressBar(1, 4)}`,
      `\r${progressBar(2, 4)}`,
      `\r${progressBar(3, 4)}`,
      `\r${progressBar(4, 4)}`,
      '\n',
    ]);
    assert.equal(progressBar(2, 4), `[${'#'.repeat(15)}${'-'.repeat(15)}] 2/4`);
  });

  it('an empty resync (0 tasks) is complete', () => {
    const lines: string[] = [];
    createProgressReporter({ line: (l) => lines.push(l) }).update(0, 0);
    assert.deepEqual(lines, ['progress: 0/0 tasks (100 %)']);
  });
});
