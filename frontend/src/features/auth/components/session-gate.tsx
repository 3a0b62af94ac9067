import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Outlet } from "react-router";
import { FullPageError, FullPageLoader } from "@/components/full-page-status";
import { useToken } from "@/hooks/use-token";
import { rememberAppRoot } from "@/lib/app-root";
import { tokenSessionId } from "@/lib/auth-token";
import { EntryContext } from "../hooks/entry-context";
import { useEntryState } from "../hooks/use-entry-state";

/** The root of every route: runs the setup checker and shares its decision with the guards. */
export function SessionGate() {
  const entry = useEntryState();
  const queryClient = useQueryClient();
  useForgetDataOnSessionChange();

  useEffect(() => {
    if (entry.kind !== "loading" && entry.kind !== "unreachable") rememberAppRoot();
  }, [entry.kind]);

  if (entry.kind === "loading") return <FullPageLoader />;
  if (entry.kind === "unreachable") {
    return <FullPageError error={entry.error} onRetry={() => void queryClient.refetchQueries({ queryKey: ["auth"] })} />;
  }
  return (
    <EntryContext.Provider value={entry}>
      <Outlet />
    </EntryContext.Provider>
  );
}

/** When the signed-in session ends or changes (logout, 401, another tab), drop every cached
 * answer except the setup status, so the next user never sees the previous user's data. */
function useForgetDataOnSessionChange() {
  const queryClient = useQueryClient();
  const sessionId = tokenSessionId(useToken());
  const previous = useRef(sessionId);
  useEffect(() => {
    if (previous.current && previous.current !== sessionId) {
      queryClient.removeQueries({
        predicate: (query) => !(query.queryKey[0] === "auth" && query.queryKey[1] === "status"),
      });
    }
    previous.current = sessionId;
  }, [queryClient, sessionId]);
}
