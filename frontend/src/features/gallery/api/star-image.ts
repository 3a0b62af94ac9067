import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import { boardsKey } from "./list-boards";
import { imagesKey } from "./list-images";

/** Star or unstar; the server answers with the names it actually changed. */
export function starImage(imageName: string, starred: boolean): Promise<unknown> {
  return apiRequest(starred ? "api/v1/images/star" : "api/v1/images/unstar", {
    method: "POST",
    json: { image_names: [imageName] },
  });
}

export function useStarImage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ imageName, starred }: { imageName: string; starred: boolean }) => starImage(imageName, starred),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: imagesKey });
      void queryClient.invalidateQueries({ queryKey: boardsKey });
    },
  });
}
