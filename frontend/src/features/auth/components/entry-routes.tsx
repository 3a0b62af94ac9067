import { Navigate, useLocation } from "react-router";
import { useEntry } from "../hooks/entry-context";
import { returnPath } from "../utils/entry-decision";
import { AuthLayout } from "./auth-layout";
import { LoginPage } from "./login-page";
import { SetupPage } from "./setup-page";

const HOME = "/gallery";

/** `/setup`: only while multi-user mode has no administrator yet. */
export function SetupRoute() {
  const entry = useEntry();
  if (entry.kind !== "setup") return <Navigate to={entry.kind === "login" ? "/login" : "/"} replace />;
  return (
    <AuthLayout title="Welcome to Gesso" subtitle="Create the administrator account to get started">
      <SetupPage strict={entry.status.strict_password_checking} />
    </AuthLayout>
  );
}

/** `/login`: multi-user mode without a valid token. Signed-in users go back where they came from. */
export function LoginRoute() {
  const entry = useEntry();
  const location = useLocation();
  const state: unknown = location.state;
  const from = state && typeof state === "object" && "from" in state ? state.from : undefined;
  if (entry.kind === "setup") return <Navigate to="/setup" replace />;
  if (entry.kind === "single-user" || entry.kind === "authenticated") {
    return <Navigate to={returnPath(from, HOME)} replace />;
  }
  return (
    <AuthLayout title="Sign in to Gesso">
      <LoginPage />
    </AuthLayout>
  );
}
