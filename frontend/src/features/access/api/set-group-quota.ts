import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { GroupQuotaDTO, QuotaValues } from "@/lib/api-types";
import { groupQuotaKey } from "./get-group-quota";

export function setGroupQuota({ groupId, values }: { groupId: string; values: QuotaValues }): Promise<GroupQuotaDTO> {
  return apiRequest<GroupQuotaDTO>(`api/v1/quotas/groups/${encodeURIComponent(groupId)}`, {
    method: "PUT",
    json: values,
  });
}

export function useSetGroupQuota() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setGroupQuota,
    onSuccess: (quota) => {
      queryClient.setQueryData(groupQuotaKey(quota.group_id), quota);
      void queryClient.invalidateQueries({ queryKey: ["quotas", "users"] });
      void queryClient.invalidateQueries({ queryKey: ["usage"] });
    },
  });
}
