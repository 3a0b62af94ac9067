import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { boardsKey } from "./list-boards";
import { imagesKey } from "./list-images";

export function deleteImage(imageName: string): Promise<unknown> {
  return apiRequest(`api/v1/images/i/${encodeURIComponent(imageName)}`, { method: "DELETE" });
}

export function useDeleteImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteImage,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: imagesKey });
      void queryClient.invalidateQueries({ queryKey: boardsKey });
    },
  });
}
