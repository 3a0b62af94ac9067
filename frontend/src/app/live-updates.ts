/** Socket events → query invalidations, composed from each feature's events.ts (STYLE §12). */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { galleryInvalidations } from "../features/gallery/events";
import { modelsInvalidations } from "../features/models/events";
import { queueInvalidations } from "../features/queue/events";
import { useSession } from "../hooks/use-session";
import { invalidateOnEvents, startSocket, type InvalidationRule } from "../lib/socket";

export const INVALIDATION_RULES: readonly InvalidationRule[] = [queueInvalidations, galleryInvalidations, modelsInvalidations];

/** While the studio is shown: one socket connection, and the cache kept fresh by its events. */
export function useLiveUpdates() {
  const queryClient = useQueryClient();
  const { multiuser } = useSession();
  useEffect(() => invalidateOnEvents(queryClient, INVALIDATION_RULES), [queryClient]);
  useEffect(() => startSocket({ multiuser }), [multiuser]);
}
