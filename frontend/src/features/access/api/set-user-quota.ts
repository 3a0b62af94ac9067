import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { QuotaValues, UserQuotaDTO } from "@/lib/api-types";
import { userQuotaKey } from "./get-user-quota";

export function setUserQuota({ userId, values }: { userId: string; values: QuotaValues }): Promise<UserQuotaDTO> {
  return apiRequest<UserQuotaDTO>(`api/v1/quotas/users/${encodeURIComponent(userId)}`, {
    method: "PUT",
    json: values,
  });
}

export function useSetUserQuota() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setUserQuota,
    onSuccess: (quota) => {
      queryClient.setQueryData(userQuotaKey(quota.user_id), quota);
      void queryClient.invalidateQueries({ queryKey: ["usage"] });
    },
  });
}
