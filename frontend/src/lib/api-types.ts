/** Wire types from the generated OpenAPI schema, by InvokeAI's names. */
import type { components } from "../api/schema.gen";

type Schemas = components["schemas"];

export type UserDTO = Schemas["UserDTO"];
export type SetupStatus = Schemas["SetupStatusResponse"];
export type SessionDTO = Schemas["SessionDTO"];
export type BoardDTO = Schemas["BoardDTO"];
export type BoardVisibility = BoardDTO["board_visibility"];
export type ImageDTO = Schemas["ImageDTO"];
export type ImageCategory = ImageDTO["image_category"];

/** `GET /api/v1/images/` declares no response model; this is what it returns. */
export interface ImageListPage {
  limit: number;
  offset: number;
  total: number;
  items: ImageDTO[];
}
