/** Wire types from the generated OpenAPI schema, by InvokeAI's names. */
import type { components, operations } from "../api/schema.gen";

type Schemas = components["schemas"];

export type UserDTO = Schemas["UserDTO"];
export type SetupStatus = Schemas["SetupStatusResponse"];
export type SessionDTO = Schemas["SessionDTO"];
export type ApiTokenDTO = Schemas["ApiTokenDTO"];
export type UsageDTO = Schemas["UsageDTO"];
export type QuotaValues = Schemas["QuotaValues"];
export type UserQuotaDTO = Schemas["UserQuotaDTO"];
export type GroupQuotaDTO = Schemas["GroupQuotaDTO"];
export type UserUsagePage = Schemas["OffsetPaginatedResults_UserUsageDTO_"];
export type UserUsageDTO = Schemas["UserUsageDTO"];
export type ApiTokenCreated = Schemas["ApiTokenCreated"];
export type ApiTokenCreateRequest = Schemas["ApiTokenCreateRequest"];
export type ApiTokenScope = ApiTokenDTO["scopes"][number];
export type BoardDTO = Schemas["BoardDTO"];
export type BoardVisibility = BoardDTO["board_visibility"];
export type BoardShareDTO = Schemas["BoardShareDTO"];
export type SharePermission = BoardShareDTO["permission"];
export type ShareKind = BoardShareDTO["kind"];
export type GroupDTO = Schemas["GroupDTO"];
export type ImageDTO = Schemas["ImageDTO"];
export type ImageCategory = ImageDTO["image_category"];

/** `GET /api/v1/images/` declares no response model; this is what it returns. */
export interface ImageListPage {
  limit: number;
  offset: number;
  total: number;
  items: ImageDTO[];
}

export type ModelConfig = Schemas["ModelConfig"];
export type ModelInstallJob = Schemas["ModelInstallJob"];
export type StarterModel = Schemas["StarterModel"];
export type StarterModelResponse = Schemas["StarterModelResponse"];
export type HFTokenStatus = operations["get_hf_login_status"]["responses"][200]["content"]["application/json"];
export type ModelRecordChanges = Schemas["ModelRecordChanges"];
export type MainModelDefaultSettings = Schemas["MainModelDefaultSettings"];
export type SchedulerName = NonNullable<MainModelDefaultSettings["scheduler"]>;
export type SessionQueueItem = Schemas["SessionQueueItem"];
export type SessionQueueAndProcessorStatus = Schemas["SessionQueueAndProcessorStatus"];
export type AuditEvent = Schemas["AuditEventDTO"];
export type AuditPage = Schemas["AuditPage"];
export type AuditAction = Schemas["AuditAction"];
export type LoginResponse = Schemas["LoginResponse"];
export type InviteInfo = Schemas["InviteInfo"];
export type InviteAccept = Schemas["InviteAccept"];
export type InviteDTO = Schemas["InviteDTO"];
export type InviteCreate = Schemas["InviteCreate"];
export type InviteCreated = Schemas["InviteCreated"];
export type ResetInfo = Schemas["ResetInfo"];
export type ResetLinkCreated = Schemas["ResetLinkCreated"];
export type SsoLoginResponse = Schemas["SsoLoginResponse"];
export type TwoFactorStatus = Schemas["TwoFactorStatus"];
export type TwoFactorSetup = Schemas["TwoFactorSetupResponse"];
export type WorkerDTO = Schemas["WorkerDTO"];
export type WorkerState = WorkerDTO["state"];
