import { Navigate, useLocation } from "react-router";
import { useEntry } from "../hooks/entry-context";
import { returnPath } from "../utils/entry-decision";
import { AcceptInvitePage } from "./accept-invite-page";
import { AuthLayout } from "./auth-layout";
import { LoginPage } from "./login-page";
import { ResetPasswordPage } from "./reset-password-page";
import { SsoPage } from "./sso-page";
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
      <LoginPage
        ssoName={entry.kind === "login" && entry.status.oidc.enabled ? entry.status.oidc.display_name : null}
        passwordLogin={entry.kind !== "login" || entry.status.password_login}
        next={returnPath(from, HOME)}
      />
    </AuthLayout>
  );
}

/** `/invite#token`: public; someone already signed in is sent to the studio. */
export function InviteRoute() {
  const entry = useEntry();
  if (entry.kind === "authenticated" || entry.kind === "single-user") return <Navigate to={HOME} replace />;
  if (entry.kind === "setup") return <Navigate to="/setup" replace />;
  return (
    <AuthLayout title="You are invited to Gesso" subtitle="Create your account">
      <AcceptInvitePage strict={"status" in entry && entry.status.strict_password_checking} />
    </AuthLayout>
  );
}

/** `/reset#token`: public, whether or not someone is signed in on this browser. */
export function ResetRoute() {
  const entry = useEntry();
  if (entry.kind === "single-user") return <Navigate to={HOME} replace />;
  return (
    <AuthLayout title="Reset your password">
      <ResetPasswordPage strict={"status" in entry && entry.status.strict_password_checking} />
    </AuthLayout>
  );
}

/** `/login/sso?code=…`: where single sign-on comes back to. */
export function SsoRoute() {
  return (
    <AuthLayout title="Signing in">
      <SsoPage />
    </AuthLayout>
  );
}
