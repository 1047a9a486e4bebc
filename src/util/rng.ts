/**
 * Seedable 32-bit PRNGs. Every stochastic step of pacsmine takes a seed and draws from
 * these, never from Math.random(), so the same seed gives the same result.
 */

/** Mixes a seed into a well-spread 32-bit state (splitmix32 finaliser). */
export function mixSeed(seed: number): number {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return z === 0 ? 0x6d2b79f5 : z >>> 0;
}

/**
 * xorshift128 with a splitmix seeding. Fast, allocation-free after construction, and
 * good enough for Gibbs sampling, sub-sampling and shuffles.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mixSeed(seed);
    this.b = mixSeed(this.a ^ 0x1b873593);
    this.c = mixSeed(this.b ^ 0xcc9e2d51);
    this.d = mixSeed(this.c ^ 0xe6546b64);
  }

  /**
   * The generator's state (4 words), for checkpoints: `Rng.fromState(rng.state())` continues
   * exactly where `rng` stands.
   */
  state(): Uint32Array {
    return Uint32Array.of(this.a, this.b, this.c, this.d);
  }

  /** A generator that continues from a saved `state()`. */
  static fromState(state: ArrayLike<number>): Rng {
    if (state.length !== 4) throw new RangeError(`an Rng state is 4 words, got ${state.length}`);
    const words = Array.from(state, (v) => v >>> 0);
    if (words.every((v) => v === 0)) throw new RangeError('an all-zero Rng state is not a state xorshift128 can reach');
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = words as [number, number, number, number];
    return rng;
  }

  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number {
    let t = this.d;
    const s = this.a;
    this.d = this.c;
    this.c = this.b;
    this.b = s;
    t ^= t << 11;
    t ^= t >>> 8;
    this.a = (t ^ s ^ (s >>> 19)) >>> 0;
    return this.a;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    let u = this.next();
    if (u < 1e-12) u = 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
