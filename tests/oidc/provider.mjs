// A real OpenID Provider for the tests (the `oidc-provider` package from frontend/node_modules).
// Configuration comes as JSON in OIDC_TEST_CONFIG: {port, clients: [{client_id, client_secret,
// redirect_uris}], accounts: {sub: {email, email_verified, name, groups}}}. Sign-in uses the
// package's development pages: any login name that is a key of `accounts`, any password.
//
// To test how a client treats a bad ID token, POST /__test/tamper {mode} makes the token
// endpoint re-sign the next ID tokens with one thing wrong: "wrong_aud", "expired",
// "wrong_nonce", "wrong_iss", "bad_signature" (signed with a key the JWKS does not list), or
// "none" to stop. It prints "ready <issuer>" once listening.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import http from "node:http";

const here = path.dirname(fileURLToPath(import.meta.url));
const requireFromFrontend = createRequire(path.join(here, "..", "..", "frontend", "package.json"));
const load = async (name) => import(pathToFileURL(requireFromFrontend.resolve(name)).href);
const { default: Provider } = await load("oidc-provider");
const jose = await load("jose");

const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? "{}");
const issuer = `http://127.0.0.1:${config.port}`;
const signingKey = await jose.generateKeyPair("RS256", { extractable: true });
const privateJwk = { ...(await jose.exportJWK(signingKey.privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
const strangerKey = await jose.generateKeyPair("RS256");
let tamper = "none";

const provider = new Provider(issuer, {
  clients: (config.clients ?? []).map((client) => ({
    response_types: ["code"],
    grant_types: ["authorization_code"],
    token_endpoint_auth_method: "client_secret_basic",
    ...client,
  })),
  jwks: { keys: [privateJwk] },
  findAccount: async (_ctx, sub) => {
    const account = (config.accounts ?? {})[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
  scopes: ["openid", "offline_access", "email", "profile", "groups"],
  conformIdTokenClaims: false, // put the requested claims in the ID token itself
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["gesso-test-cookie-key"] },
});
provider.proxy = false;

async function retamper(idToken) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  const changed = { ...claims };
  if (tamper === "wrong_aud") changed.aud = "someone-else";
  if (tamper === "expired") Object.assign(changed, { iat: now - 7200, exp: now - 3600 });
  if (tamper === "wrong_nonce") changed.nonce = "not-the-nonce";
  if (tamper === "wrong_iss") changed.iss = "http://127.0.0.1:9/other";
  const key = tamper === "bad_signature" ? strangerKey.privateKey : signingKey.privateKey;
  return new jose.SignJWT(changed).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(key);
}

provider.use(async (ctx, next) => {
  if (ctx.path === "/__test/tamper" && ctx.method === "POST") {
    const body = await new Promise((resolve) => {
      let data = "";
      ctx.req.on("data", (chunk) => (data += chunk));
      ctx.req.on("end", () => resolve(data));
    });
    tamper = JSON.parse(body || "{}").mode ?? "none";
    ctx.body = { mode: tamper };
    return;
  }
  await next();
  if (ctx.path === "/token" && tamper !== "none" && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await retamper(ctx.body.id_token) };
  }
});

const server = http.createServer(provider.callback());
server.listen(config.port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
