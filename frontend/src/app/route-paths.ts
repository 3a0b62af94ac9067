/** Top-level studio routes. index.html's boot script uses them to find the app root under a
 * `base_url` sub-path, so every new top-level route must be listed here. */
export const ROUTE_SEGMENTS = ["gallery", "login", "setup", "profile", "users"] as const;

export const paths = {
  home: "/",
  gallery: "/gallery",
  login: "/login",
  setup: "/setup",
  profile: "/profile",
  users: "/users",
} as const;
