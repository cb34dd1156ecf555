import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressPoller } from '../../scripts/progress-poller';

/** A question the test answers by hand. */
function pendingQuestion() {
  let answer!: (value: number) => void;
  let fail!: (err: Error) => void;
  const promise = new Promise<number>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  return { promise, answer, fail };
}

describe('progress polling of a command-line script', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks one question at a time, the next only after the last one answered', async () => {
    const questions: ReturnType<typeof pendingQuestion>[] = [];
    const shown: number[] = [];
    const poller = new ProgressPoller(
      () => questions[questions.push(pendingQuestion()) - 1]!.promise,
      (n) => shown.push(n),
      2_000,
    ).start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(questions).toHaveLength(1); // a slow server is not asked again meanwhile
    questions[0]!.answer(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(questions).toHaveLength(2);
    questions[1]!.fail(new Error('deadline exceeded'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(questions).toHaveLength(3); // a failed question only costs its line
    expect(shown).toEqual([1]);
    questions[2]!.answer(3);
    await poller.stop();
  });

  it('stops asking and waits for the question still out, which may then fail harmlessly', async () => {
    const questions: ReturnType<typeof pendingQuestion>[] = [];
    const shown: number[] = [];
    const poller = new ProgressPoller(
      () => questions[questions.push(pendingQuestion()) - 1]!.promise,
      (n) => shown.push(n),
      2_000,
    ).start();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(questions).toHaveLength(1);

    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false); // the connection must not close under it
    questions[0]!.fail(new Error('Channel has been shut down'));
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(questions).toHaveLength(1);
    expect(shown).toEqual([]);
  });

  it('shows no answer that comes after stop', async () => {
    const question = pendingQuestion();
    const shown: number[] = [];
    const poller = new ProgressPoller(
      () => question.promise,
      (n) => shown.push(n),
      2_000,
    ).start();
    await vi.advanceTimersByTimeAsync(2_000);
    const stopping = poller.stop();
    question.answer(42);
    await stopping;
    expect(shown).toEqual([]);
  });
});
