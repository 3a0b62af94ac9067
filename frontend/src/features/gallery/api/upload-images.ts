import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, errorMessage } from "@/lib/api-client";
import type { ImageDTO } from "@/lib/api-types";
import { boardsKey } from "./list-boards";
import { imagesKey } from "./list-images";

export const UPLOAD_TYPES = ["image/png", "image/jpeg", "image/webp"];

/** One file as a user asset; `boardId` "none" leaves it Uncategorized. */
export function uploadImage(file: File, boardId: string): Promise<ImageDTO> {
  const form = new FormData();
  form.append("file", file, file.name);
  return apiRequest<ImageDTO>("api/v1/images/upload", {
    method: "POST",
    form,
    query: {
      image_category: "user",
      is_intermediate: false,
      board_id: boardId === "none" ? undefined : boardId,
    },
  });
}

export interface UploadOutcome {
  uploaded: ImageDTO[];
  failures: { file: string; message: string }[];
}

export function useUploadImages(onProgress?: (done: number, total: number) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ files, boardId }: { files: File[]; boardId: string }): Promise<UploadOutcome> => {
      const outcome: UploadOutcome = { uploaded: [], failures: [] };
      for (const [index, file] of files.entries()) {
        onProgress?.(index, files.length);
        if (!UPLOAD_TYPES.includes(file.type)) {
          outcome.failures.push({ file: file.name, message: "Only PNG, JPEG and WebP images can be uploaded" });
          continue;
        }
        try {
          outcome.uploaded.push(await uploadImage(file, boardId));
        } catch (error) {
          outcome.failures.push({ file: file.name, message: errorMessage(error) });
        }
      }
      return outcome;
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: imagesKey });
      void queryClient.invalidateQueries({ queryKey: boardsKey });
    },
  });
}
