import { describe, expect, it } from "vitest";
import { SEED_MAX } from "./params";
import { randomSeeds, seedsFor } from "./seeds";

describe("seedsFor", () => {
  it("draws a fresh random seed for every image", () => {
    let draws = 0;
    const fill = (array: Uint32Array) => {
      draws += 1;
      array.forEach((_, i) => (array[i] = 1000 * draws + i));
      return array;
    };
    expect(seedsFor({ seed: 5, randomSeed: true, runs: 3 }, fill)).toEqual([1000, 1001, 1002]);
    expect(seedsFor({ seed: 5, randomSeed: true, runs: 1 }, fill)).toEqual([2000]);
  });

  it("counts up from a fixed seed, wrapping at the top of the range", () => {
    expect(seedsFor({ seed: 42, randomSeed: false, runs: 1 })).toEqual([42]);
    expect(seedsFor({ seed: 42, randomSeed: false, runs: 3 })).toEqual([42, 43, 44]);
    expect(seedsFor({ seed: SEED_MAX, randomSeed: false, runs: 2 })).toEqual([SEED_MAX, 0]);
  });

  it("makes random seeds in the node's range", () => {
    const seeds = randomSeeds(50);
    expect(seeds).toHaveLength(50);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s <= SEED_MAX)).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(45);
  });
});
