import { useQuery } from "@tanstack/react-query";
import { currentUserQueryOptions } from "../api/get-current-user";
import { setupStatusQueryOptions } from "../api/get-setup-status";
import { decideEntry, needsCurrentUser, type EntryState } from "../utils/entry-decision";
import { useToken } from "@/hooks/use-token";

export function useEntryState(): EntryState {
  const hasToken = useToken() !== null;
  const status = useQuery(setupStatusQueryOptions());
  const user = useQuery({ ...currentUserQueryOptions(), enabled: needsCurrentUser(status.data, hasToken) });
  return decideEntry({
    status: status.data,
    statusError: status.error,
    hasToken,
    user: hasToken || status.data?.multiuser_enabled === false ? user.data : undefined,
    userError: user.error,
  });
}
