import { Button, Checkbox, Group, Stack, TextInput } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { notifySuccess } from "@/components/notify";
import { useInstallModel } from "../api/install-model";
import { sourceError, sourceKind } from "../utils/models";

/** Install from a diffusers folder or file on the server, or from an http(s) URL. */
export function PathOrUrlTab() {
  const [source, setSource] = useState("");
  const [inplace, setInplace] = useState(true);
  const [touched, setTouched] = useState(false);
  const install = useInstallModel();
  const error = touched ? sourceError(source) : null;
  const isPath = sourceKind(source) === "path";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (sourceError(source)) return;
    install.mutate(
      { source: source.trim(), inplace: isPath && inplace },
      {
        onSuccess: () => {
          notifySuccess("Install started");
          setSource("");
          setTouched(false);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Group align="flex-start" gap="sm" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label="Source"
            description="A diffusers folder or .safetensors file on the server (absolute path), or an http(s) URL"
            placeholder="/srv/models/stable-diffusion-v1-5"
            value={source}
            onChange={(event) => setSource(event.currentTarget.value)}
            onBlur={() => setTouched(source !== "")}
            error={error}
            required
          />
          <Button type="submit" mt={46} loading={install.isPending} leftSection={<IconDownload size={16} />}>
            Install
          </Button>
        </Group>
        {isPath && (
          <Checkbox
            label="In place: use the files where they are instead of copying them into the models folder"
            checked={inplace}
            onChange={(event) => setInplace(event.currentTarget.checked)}
          />
        )}
        <ErrorAlert error={install.error} title="Could not start the install" />
      </Stack>
    </form>
  );
}
