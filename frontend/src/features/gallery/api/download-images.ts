import { useMutation } from "@tanstack/react-query";
import { apiBlob, ApiError, apiRequest } from "@/lib/api-client";
import type { components } from "@/api/schema.gen";

type ImagesDownloaded = components["schemas"]["ImagesDownloaded"];

const POLL_MS = 400;
const GIVE_UP_MS = 5 * 60_000;

/** Asks for a zip of the images (InvokeAI's bulk download), waits until the server has built it,
 * and returns it with its file name. */
export async function downloadImages(imageNames: string[]): Promise<{ blob: Blob; fileName: string }> {
  const started = await apiRequest<ImagesDownloaded>("api/v1/images/download", { method: "POST", json: { image_names: imageNames } });
  const fileName = started.bulk_download_item_name;
  if (!fileName) throw new Error("The server did not start the download.");
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    try {
      return { blob: await apiBlob(`api/v1/images/download/${encodeURIComponent(fileName)}`), fileName };
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404) || Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function useDownloadImages() {
  return useMutation({ mutationFn: downloadImages });
}
