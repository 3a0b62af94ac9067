import { useMemo, useState } from "react";
import { Navigate, Outlet, useLocation } from "react-router";
import { FullPageLoader } from "@/components/full-page-status";
import { SessionContext, type Session } from "@/lib/session";
import { useMediaCookie } from "../api/refresh-media-cookie";
import { useEntry } from "../hooks/entry-context";
import { useTwoFactor } from "../api/get-two-factor";
import { AuthLayout } from "./auth-layout";
import { ChangePasswordPage } from "./change-password-page";
import { TwoFactorEnrolment } from "./two-factor-enrolment";

/** Protected routes: unauthenticated visitors go to the login page (and come back after it). In
 * multi-user mode the media cookie is refreshed before the studio renders any <img>. */
export function RequireSession() {
  const entry = useEntry();
  const location = useLocation();
  const signedIn = entry.kind === "single-user" || entry.kind === "authenticated";
  const user = signedIn ? entry.user : null;
  const multiuser = entry.kind === "authenticated";
  const strict = signedIn ? entry.status.strict_password_checking : false;
  // While a new password is required the server refuses the cookie (and everything else).
  // With require_2fa the server refuses almost everything until the account has enrolled.
  const twoFactor = useTwoFactor(multiuser && !user?.must_change_password);
  const mustEnrol = twoFactor.data?.required === true && !twoFactor.data.enabled;
  // After enrolling here the recovery codes stay on screen until "Continue".
  const [showCodes, setShowCodes] = useState(false);
  const media = useMediaCookie(
    user?.user_id ?? "",
    user?.token_epoch ?? 0,
    multiuser && !user?.must_change_password && !mustEnrol,
  );

  const session = useMemo<Session | null>(
    () => (user ? { multiuser, strictPasswordChecking: strict, user } : null),
    [user, multiuser, strict],
  );

  if (entry.kind === "setup") return <Navigate to="/setup" replace />;
  if (!session) return <Navigate to="/login" replace state={{ from: location }} />;
  if (multiuser && session.user.must_change_password) {
    return <ChangePasswordPage email={session.user.email} strict={strict} />;
  }
  if (mustEnrol || showCodes) {
    return (
      <AuthLayout title="Set up two-factor authentication" subtitle="This server requires it for your account.">
        <TwoFactorEnrolment onEnabled={() => setShowCodes(true)} onDone={() => setShowCodes(false)} />
      </AuthLayout>
    );
  }
  if (multiuser && twoFactor.isPending && twoFactor.fetchStatus !== "idle") return <FullPageLoader />;
  // A failed cookie refresh only costs thumbnails; the page itself still works.
  if (multiuser && media.isPending && media.fetchStatus !== "idle") return <FullPageLoader />;
  return (
    <SessionContext.Provider value={session}>
      <Outlet />
    </SessionContext.Provider>
  );
}
