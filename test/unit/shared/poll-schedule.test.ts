import { nextPollMs, pause } from '../../../src/shared/poll-schedule';

describe('poll schedule', () => {
  test('each wait is half as long again as the last, up to the longest', () => {
    const schedule = { firstMs: 1_000, maxMs: 15_000 };
    const waits = [schedule.firstMs];
    while (waits.length < 10) waits.push(nextPollMs(waits.at(-1) ?? 0, schedule));
    expect(waits).toEqual([
      1_000, 1_500, 2_250, 3_375, 5_063, 7_595, 11_393, 15_000, 15_000, 15_000,
    ]);
  });

  test('a fixed schedule stays fixed', () => {
    expect(nextPollMs(250, { firstMs: 250, maxMs: 250 })).toBe(250);
  });

  test('pause ends early when its signal aborts, so a cancelled deployment stops at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pausing = pause(60_000, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await pausing;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
