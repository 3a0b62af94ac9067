import { ActionIcon, Menu, ScrollArea, Text, Textarea, Tooltip } from "@mantine/core";
import { IconHistory } from "@tabler/icons-react";
import { usePromptHistory } from "../hooks/use-prompt-history";
import type { GenerateParams, ParamErrors } from "../utils/params";

interface Props {
  params: GenerateParams;
  errors: ParamErrors;
  onChange: (changes: Partial<GenerateParams>) => void;
}

/** Prompt (with the caller's last 50 prompts a click away) and negative prompt. */
export function PromptFields({ params, errors, onChange }: Props) {
  const { history } = usePromptHistory();
  const historyMenu = (
    <Menu position="bottom-end" width={320} withinPortal>
      <Menu.Target>
        <Tooltip label="Prompt history">
          <ActionIcon variant="subtle" size="sm" aria-label="Prompt history">
            <IconHistory size={16} />
          </ActionIcon>
        </Tooltip>
      </Menu.Target>
      <Menu.Dropdown>
        {history.length === 0 ? (
          <Text size="xs" c="dimmed" p="xs">
            Prompts you invoke appear here.
          </Text>
        ) : (
          <ScrollArea.Autosize mah={320}>
            {history.map((prompt) => (
              <Menu.Item key={prompt} onClick={() => onChange({ prompt })}>
                <Text size="xs" lineClamp={2}>
                  {prompt}
                </Text>
              </Menu.Item>
            ))}
          </ScrollArea.Autosize>
        )}
      </Menu.Dropdown>
    </Menu>
  );
  return (
    <>
      <div style={{ position: "relative" }}>
        <div style={{ position: "absolute", top: 0, right: 0, zIndex: 1 }}>{historyMenu}</div>
        <Textarea
        label="Prompt"
        placeholder="What should the image show?"
        value={params.prompt}
        onChange={(e) => onChange({ prompt: e.currentTarget.value })}
        autosize
        minRows={3}
        maxRows={10}
        error={errors.prompt}
      />
      </div>
      <Textarea
        label="Negative prompt"
        placeholder="What to keep out of it"
        value={params.negativePrompt}
        onChange={(e) => onChange({ negativePrompt: e.currentTarget.value })}
        autosize
        minRows={2}
        maxRows={6}
        error={errors.negativePrompt}
      />
    </>
  );
}
