import { apiRequest } from "@/lib/api-client";
import type { ImageDTO } from "@/lib/api-types";

/** The canvas's mask or padded image: an intermediate image (kept out of the gallery) that the
 * inpaint graph reads. */
export function uploadIntermediate(blob: Blob, fileName: string, category: "mask" | "general"): Promise<ImageDTO> {
  const form = new FormData();
  form.append("file", blob, fileName);
  return apiRequest<ImageDTO>("api/v1/images/upload", {
    method: "POST",
    form,
    query: { image_category: category, is_intermediate: true },
  });
}
