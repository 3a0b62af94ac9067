import { ActionIcon, Box, Group, PasswordInput, Progress, Text, Tooltip } from "@mantine/core";
import { IconWand } from "@tabler/icons-react";
import { useState, type ReactNode } from "react";
import { passwordStrength } from "../lib/passwords";

const COLORS = ["red", "red", "orange", "yellow", "teal"] as const;

interface PasswordFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Shows a "generate" button; the generated password is made visible so it can be copied. */
  onGenerate?: () => Promise<string> | string;
  description?: ReactNode;
  error?: ReactNode;
  required?: boolean;
  autoComplete?: string;
  showStrength?: boolean;
  placeholder?: string;
}

export function PasswordField({
  label,
  value,
  onChange,
  onGenerate,
  description,
  error,
  required,
  autoComplete = "new-password",
  showStrength = true,
  placeholder,
}: PasswordFieldProps) {
  const [visible, setVisible] = useState(false);
  const [generating, setGenerating] = useState(false);
  const strength = passwordStrength(value);

  const generate = async () => {
    if (!onGenerate) return;
    setGenerating(true);
    try {
      onChange(await onGenerate());
      setVisible(true);
    } finally {
      setGenerating(false);
    }
  };

  return (
    <Box>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <PasswordInput
          style={{ flex: 1 }}
          label={label}
          value={value}
          onChange={(event) => onChange(event.currentTarget.value)}
          visible={visible}
          onVisibilityChange={setVisible}
          description={description}
          error={error}
          required={required}
          autoComplete={autoComplete}
          placeholder={placeholder}
        />
        {onGenerate && (
          <Tooltip label="Generate a strong password">
            <ActionIcon
              variant="default"
              size="input-sm"
              aria-label="Generate password"
              loading={generating}
              onClick={() => void generate()}
              mb={error ? 22 : 0}
            >
              <IconWand size={18} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      {showStrength && value && (
        <Box mt={6} aria-live="polite">
          <Progress
            value={(strength.score + 1) * 20}
            color={COLORS[strength.score]}
            size="sm"
            aria-label="Password strength"
          />
          <Text size="xs" c="dimmed" mt={4}>
            Strength: {strength.label}
          </Text>
        </Box>
      )}
    </Box>
  );
}
