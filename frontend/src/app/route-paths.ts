/** Top-level studio routes. index.html's boot script uses them to find the app root under a
 * `base_url` sub-path, so every new top-level route must be listed here. */
export const ROUTE_SEGMENTS = [
  "generate",
  "gallery",
  "queue",
  "models",
  "login",
  "setup",
  "profile",
  "users",
  "groups",
  "quotas",
  "audit",
  "invite",
  "reset",
] as const;

export const paths = {
  home: "/",
  generate: "/generate",
  gallery: "/gallery",
  queue: "/queue",
  models: "/models",
  login: "/login",
  sso: "/login/sso",
  setup: "/setup",
  profile: "/profile",
  users: "/users",
  groups: "/groups",
  quotas: "/quotas",
  audit: "/audit",
  invite: "/invite",
  reset: "/reset",
} as const;
