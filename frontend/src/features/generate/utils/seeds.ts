/** Seeds for one Invoke: a fresh random seed per image, or a fixed seed counting up from the
 * chosen one (seed, seed + 1, …, wrapping at 2³²) so a batch never repeats one picture. */
import { SEED_MAX, type GenerateParams } from "./params";

type RandomFill = (array: Uint32Array) => Uint32Array;

const cryptoFill: RandomFill = (array) => crypto.getRandomValues(array);

export function randomSeeds(count: number, fill: RandomFill = cryptoFill): number[] {
  return Array.from(fill(new Uint32Array(count)));
}

export function seedsFor(params: Pick<GenerateParams, "seed" | "randomSeed" | "runs">, fill: RandomFill = cryptoFill): number[] {
  const count = Math.max(1, params.runs);
  if (params.randomSeed) return randomSeeds(count, fill);
  return Array.from({ length: count }, (_, i) => (params.seed + i) % (SEED_MAX + 1));
}
