import { useContext } from "react";
import { SessionContext, type Session } from "../lib/session";

/** The signed-in session; only valid below the auth guard. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() used outside the signed-in part of the studio");
  return session;
}
