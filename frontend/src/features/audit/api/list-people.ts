import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "@/lib/api-client";
import type { UserDTO } from "@/lib/api-types";

/** Every account, for the "person" filter and to show names instead of ids. */
export const peopleQueryOptions = () =>
  queryOptions({
    queryKey: ["users", "all"] as const,
    queryFn: ({ signal }) => apiRequest<UserDTO[]>("api/v1/auth/users", { signal }),
  });

export function usePeople() {
  return useQuery(peopleQueryOptions());
}
