/** Who is using the studio, provided by the auth guard to every page below it. */
import { createContext } from "react";
import type { UserDTO } from "./api-types";

export interface Session {
  /** false: single-user mode, every request acts as the `system` administrator. */
  multiuser: boolean;
  strictPasswordChecking: boolean;
  user: UserDTO;
}

export const SessionContext = createContext<Session | null>(null);
