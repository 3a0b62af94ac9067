import type { BoardDTO, ImageDTO, ModelConfig, SetupStatus, UserDTO } from "../lib/api-types";

export function makeUser(overrides: Partial<UserDTO> = {}): UserDTO {
  return {
    user_id: "u-1",
    email: "user@example.com",
    display_name: "User One",
    is_admin: false,
    is_active: true,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    last_login_at: null,
    token_epoch: 0,
    must_change_password: false,
    ...overrides,
  };
}

export const SYSTEM_USER = makeUser({
  user_id: "system",
  email: "system@system.local",
  display_name: "System",
  is_admin: true,
});

export function makeStatus(overrides: Partial<SetupStatus> = {}): SetupStatus {
  return {
    setup_required: false,
    multiuser_enabled: true,
    strict_password_checking: false,
    admin_email: null,
    oidc: { enabled: false, display_name: null },
    password_login: true,
    ...overrides,
  };
}

export function makeBoard(overrides: Partial<BoardDTO> = {}): BoardDTO {
  return {
    board_id: "b-1",
    board_name: "Board",
    user_id: "u-1",
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    deleted_at: null,
    cover_image_name: null,
    archived: false,
    board_visibility: "private",
    image_count: 0,
    asset_count: 0,
    owner_username: null,
    shared_permission: null,
    ...overrides,
  };
}

export function makeImage(overrides: Partial<ImageDTO> = {}): ImageDTO {
  const name = overrides.image_name ?? "img-1.png";
  return {
    image_name: name,
    image_url: `api/v1/images/i/${name}/full`,
    thumbnail_url: `api/v1/images/i/${name}/thumbnail`,
    image_origin: "internal",
    image_category: "general",
    width: 512,
    height: 512,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    deleted_at: null,
    is_intermediate: false,
    starred: false,
    has_workflow: false,
    session_id: null,
    node_id: null,
    board_id: null,
    user_id: "u-1",
    ...overrides,
  };
}

export function makeModel(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    key: "m1",
    hash: "blake3:00",
    path: "tiny-sd",
    file_size: 1000,
    name: "Tiny SD",
    description: null,
    source: "/models/tiny-sd",
    source_type: "path",
    base: "sd-1",
    type: "main",
    format: "diffusers",
    default_settings: null,
    access: "everyone",
    allowed_user_ids: [],
    allowed_group_ids: [],
    ...overrides,
  };
}

/** A JWT-shaped string whose payload carries `sid` (the studio only decodes, never verifies). */
export function fakeToken(sid: string, serial = 0, rememberMe = true): string {
  const payload = btoa(JSON.stringify({ sid, n: serial, remember_me: rememberMe })).replace(/=+$/, "");
  return `eyJhbGciOiJIUzI1NiJ9.${payload}.sig`;
}

/** A fetch stand-in answering by method and path (relative to the app root). */
export function routeFetch(
  routes: Record<string, (init: RequestInit | undefined) => Response | Promise<Response>>,
): typeof fetch & { calls: { method: string; path: string; headers: Record<string, string> }[] } {
  const calls: { method: string; path: string; headers: Record<string, string> }[] = [];
  const stub = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? "GET";
    const path = url.pathname.replace(/^\//, "");
    calls.push({ method, path, headers: { ...(init?.headers as Record<string, string>) } });
    const handler = routes[`${method} ${path}`];
    if (!handler) return json({ detail: `no stub for ${method} ${path}` }, 404);
    return handler(init);
  };
  return Object.assign(stub as typeof fetch, { calls });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
