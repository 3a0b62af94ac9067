import { useSession } from "@/hooks/use-session";
import type { Session } from "@/lib/session";

/** Installing, editing and deleting models is for administrators; in single-user mode the one
 * person using the studio is the administrator. Every model-manager control asks this hook. */
export function isModelManagerEnabled(session: Pick<Session, "multiuser" | "user">): boolean {
  return !session.multiuser || session.user.is_admin;
}

export function useIsModelManagerEnabled(): boolean {
  return isModelManagerEnabled(useSession());
}
