import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * A seeded random source, the same on every machine and every replay: the
 * candidate generator (workflow code) and the data split (activity) both
 * draw from it, so a seed in the pipeline file fixes both.
 */
export class SeededRandom {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.generator);
  }

  /** A float in [0, 1) with 53 random bits. */
  float(): number {
    const high = this.int(0, (1 << 26) - 1);
    const low = this.int(0, (1 << 27) - 1);
    return (high * 134_217_728 + low) / 9_007_199_254_740_992;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('cannot pick from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

/**
 * Spreads a small seed over 32 bits (murmur3's finaliser). xoroshiro128+
 * seeded with 0, 1, 2... draws a first float within 1e-7 of 1, which for a
 * Poisson schedule means a first gap longer than a short test. Existing
 * users (the split, the candidate generator) keep the raw seed, so their
 * recorded runs replay unchanged.
 */
export function spreadSeed(seed: number): number {
  let h = (seed + 0x9e3779b9) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
