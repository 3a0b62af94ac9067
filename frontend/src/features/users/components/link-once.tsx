import { ActionIcon, Alert, CopyButton, Group, TextInput, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";
import { formatDateTime } from "@/lib/format";

/** A freshly made one-time link: the server never shows it again. */
export function LinkOnce({ url, expiresAt, label }: { url: string; expiresAt: string; label: string }) {
  return (
    <>
      <Alert color="blue" variant="light" role="status">
        Copy this link now and pass it on: it is shown only once, works once, and expires{" "}
        {formatDateTime(expiresAt)}.
      </Alert>
      <Group gap="xs" wrap="nowrap" align="end">
        <TextInput label={label} value={url} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton value={url}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? "Copied" : "Copy"}>
              <ActionIcon size="lg" variant="light" onClick={copy} aria-label="Copy link">
                {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </>
  );
}
