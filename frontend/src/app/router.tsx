import { useState } from "react";
import { createBrowserRouter, Navigate, RouterProvider } from "react-router";
import { InviteRoute, LoginRoute, ResetRoute, SetupRoute, SsoRoute } from "../features/auth/components/entry-routes";
import { RequireAccount, RequireAdmin } from "../features/auth/components/require-admin";
import { RequireSession } from "../features/auth/components/require-session";
import { SessionGate } from "../features/auth/components/session-gate";
import { routerBasename } from "../lib/app-root";
import { paths } from "./route-paths";
import { AuditRoute } from "./routes/audit";
import { GalleryRoute } from "./routes/gallery";
import { GenerateRoute } from "./routes/generate";
import { ModelsRoute } from "./routes/models";
import { NotFoundRoute } from "./routes/not-found";
import { ProfileRoute } from "./routes/profile";
import { QueueRoute } from "./routes/queue";
import { StudioLayout } from "./routes/studio-layout";
import { GroupsRoute } from "./routes/groups";
import { QuotasRoute } from "./routes/quotas";
import { UsersRoute } from "./routes/users";

function createRouter() {
  return createBrowserRouter(
    [
      {
        element: <SessionGate />,
        children: [
          { path: paths.setup, element: <SetupRoute /> },
          { path: paths.login, element: <LoginRoute /> },
          { path: paths.sso, element: <SsoRoute /> },
          { path: paths.invite, element: <InviteRoute /> },
          { path: paths.reset, element: <ResetRoute /> },
          {
            element: <RequireSession />,
            children: [
              {
                element: <StudioLayout />,
                children: [
                  { index: true, element: <Navigate to={paths.gallery} replace /> },
                  { path: `${paths.generate}/:boardId?`, element: <GenerateRoute /> },
                  { path: `${paths.gallery}/:boardId?`, element: <GalleryRoute /> },
                  { path: paths.queue, element: <QueueRoute /> },
                  { path: paths.models, element: <ModelsRoute /> },
                  { element: <RequireAccount />, children: [{ path: paths.profile, element: <ProfileRoute /> }] },
                  {
                    element: <RequireAdmin />,
                    children: [
                      { path: paths.users, element: <UsersRoute /> },
                      { path: paths.groups, element: <GroupsRoute /> },
                      { path: paths.quotas, element: <QuotasRoute /> },
                      { path: paths.audit, element: <AuditRoute /> },
                    ],
                  },
                  { path: "*", element: <NotFoundRoute /> },
                ],
              },
            ],
          },
        ],
      },
    ],
    { basename: routerBasename() },
  );
}

export function AppRouter() {
  const [router] = useState(createRouter);
  return <RouterProvider router={router} />;
}
