import { Paper, Stack, Tabs, Title } from "@mantine/core";
import { IconCloudDownload, IconFolder, IconSparkles } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { modelsKey } from "@/lib/query-keys";
import { useInstallJobs } from "../api/list-install-jobs";
import { useIsModelManagerEnabled } from "../hooks/use-is-model-manager-enabled";
import { HuggingFaceTab } from "./hugging-face-tab";
import { InstallJobs } from "./install-jobs";
import { PathOrUrlTab } from "./path-or-url-tab";
import { StarterModelsTab } from "./starter-models-tab";

type InstallTab = "starters" | "hugging-face" | "path";

/** Adding models (starter models, a Hugging Face repo, a path or URL) and the install jobs with
 * live progress. Model managers only. */
export function InstallModelPanel() {
  const canManage = useIsModelManagerEnabled();
  const [tab, setTab] = useState<InstallTab>("starters");
  const jobs = useInstallJobs(canManage);
  const queryClient = useQueryClient();
  const completed = jobs.data?.filter((job) => job.status === "completed").length ?? 0;

  // Polling sees a job finish even when no socket event arrives: refresh the model lists.
  useEffect(() => {
    if (completed > 0) void queryClient.invalidateQueries({ queryKey: [...modelsKey, "list"] });
  }, [completed, queryClient]);

  if (!canManage) return null;
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="md">
        <Title order={2} size="h4">
          Install a model
        </Title>
        <Tabs value={tab} onChange={(value) => setTab((value as InstallTab | null) ?? "starters")}>
          <Tabs.List>
            <Tabs.Tab value="starters" leftSection={<IconSparkles size={16} />}>
              Starter models
            </Tabs.Tab>
            <Tabs.Tab value="hugging-face" leftSection={<IconCloudDownload size={16} />}>
              Hugging Face
            </Tabs.Tab>
            <Tabs.Tab value="path" leftSection={<IconFolder size={16} />}>
              Path or URL
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="starters" pt="md">
            {tab === "starters" && <StarterModelsTab jobs={jobs.data ?? []} />}
          </Tabs.Panel>
          <Tabs.Panel value="hugging-face" pt="md">
            {tab === "hugging-face" && <HuggingFaceTab />}
          </Tabs.Panel>
          <Tabs.Panel value="path" pt="md">
            {tab === "path" && <PathOrUrlTab />}
          </Tabs.Panel>
        </Tabs>
        <ErrorAlert error={jobs.error} title="Could not load the install jobs" />
        <InstallJobs jobs={jobs.data ?? []} updatedAt={jobs.dataUpdatedAt} />
      </Stack>
    </Paper>
  );
}
