import { Alert, Anchor, Group, Loader, Stack } from "@mantine/core";
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { errorMessage } from "@/lib/api-client";
import { useExchangeSsoCode } from "../api/exchange-sso-code";
import { safeNextPath } from "../utils/safe-next-path";

/** `/login/sso?code=…`: the end of single sign-on. The one-time code leaves the address bar at
 * once and is exchanged for a session. */
export function SsoPage() {
  const exchange = useExchangeSsoCode();
  const navigate = useNavigate();
  const [code] = useState(() => new URLSearchParams(window.location.search).get("code") ?? "");
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    window.history.replaceState(null, "", window.location.pathname);
    if (!code) return;
    exchange.mutate(code, {
      onSuccess: (result) => void navigate(safeNextPath(result.next) ?? "/gallery", { replace: true }),
    });
  }, [code, exchange, navigate]);

  if (!code || exchange.isError) {
    return (
      <Stack>
        <Alert color="red" variant="light" title="Single sign-on did not finish">
          {code ? errorMessage(exchange.error) : "This page needs the code the sign-in sends; start again."}
        </Alert>
        <Anchor component={Link} to="/login" ta="center">
          Back to sign-in
        </Anchor>
      </Stack>
    );
  }
  return (
    <Group justify="center">
      <Loader aria-label="Signing you in" />
    </Group>
  );
}
