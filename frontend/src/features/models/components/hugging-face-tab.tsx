import { Anchor, Button, Code, Group, Stack, Text, TextInput } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { notifySuccess } from "@/components/notify";
import { useInstallModel } from "../api/install-model";
import { repoIdError } from "../utils/hub";
import { HfTokenForm } from "./hf-token-form";

/** Install by Hugging Face repo id; the token for gated and private repos sits below. */
export function HuggingFaceTab() {
  const [repoId, setRepoId] = useState("");
  const [touched, setTouched] = useState(false);
  const install = useInstallModel();
  const error = touched ? repoIdError(repoId) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (repoIdError(repoId)) return;
    install.mutate(
      { source: repoId.trim(), inplace: false },
      {
        onSuccess: () => {
          notifySuccess("Install started");
          setRepoId("");
          setTouched(false);
        },
      },
    );
  };

  return (
    <Stack gap="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Group align="flex-start" gap="sm" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label="Hugging Face repo"
              description={
                <>
                  <Code>owner/name</Code> for a diffusers model, <Code>owner/name:subfolder</Code> for a part of
                  it, <Code>owner/name::file.safetensors</Code> for one file, or a huggingface.co link
                </>
              }
              placeholder="stabilityai/sdxl-turbo"
              value={repoId}
              onChange={(event) => setRepoId(event.currentTarget.value)}
              onBlur={() => setTouched(repoId !== "")}
              error={error}
              required
              spellCheck={false}
              autoCapitalize="off"
            />
            <Button type="submit" mt={46} loading={install.isPending} leftSection={<IconDownload size={16} />}>
              Install
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            Only .safetensors weights are downloaded (fp16 ones when the server has a GPU). Browse models on{" "}
            <Anchor href="https://huggingface.co/models?library=diffusers" target="_blank" rel="noreferrer">
              huggingface.co
            </Anchor>
            .
          </Text>
          <ErrorAlert error={install.error} title="Could not start the install" />
        </Stack>
      </form>
      <HfTokenForm />
    </Stack>
  );
}
