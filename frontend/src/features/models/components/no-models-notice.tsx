import { Alert, Anchor, Text } from "@mantine/core";
import { IconBox } from "@tabler/icons-react";
import { Link } from "react-router";
import { useIsModelManagerEnabled } from "../hooks/use-is-model-manager-enabled";

/** What to do when no main model is installed: install one (model managers) or ask. */
export function NoModelsNotice() {
  const canManage = useIsModelManagerEnabled();
  return (
    <Alert color="yellow" variant="light" title="No model installed" icon={<IconBox />} data-testid="no-models">
      {canManage ? (
        <Text size="sm">
          Install a Stable Diffusion model on the{" "}
          <Anchor component={Link} to="/models" size="sm">
            Models page
          </Anchor>{" "}
          to start generating.
        </Text>
      ) : (
        <Text size="sm">Nothing to generate with yet: ask an administrator to install a model.</Text>
      )}
    </Alert>
  );
}
