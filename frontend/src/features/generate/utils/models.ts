/** Which installed models each picker offers: LoRAs, VAEs and ControlNets of the main model's
 * base, refiners for SDXL, every upscaler. */
import type { ModelConfig } from "@/lib/api-types";

export const lorasFor = (models: readonly ModelConfig[], base: string | undefined) =>
  models.filter((m) => m.type === "lora" && m.base === base);

export const vaesFor = (models: readonly ModelConfig[], base: string | undefined) =>
  models.filter((m) => m.type === "vae" && m.base === base);

export const controlNetsFor = (models: readonly ModelConfig[], base: string | undefined) =>
  models.filter((m) => m.type === "controlnet" && m.base === base);

export const refiners = (models: readonly ModelConfig[]) => models.filter((m) => m.type === "main" && m.base === "sdxl-refiner");

export const upscalers = (models: readonly ModelConfig[]) => models.filter((m) => m.type === "spandrel_image_to_image");
