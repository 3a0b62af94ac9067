/// <reference types="vitest/config" />
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { ROUTE_SEGMENTS } from "./src/app/route-paths.ts";

const DEV_SERVER = process.env.GESSO_DEV_SERVER ?? "http://127.0.0.1:9090";
const BOOT_MARKER = "/*__GESSO_BOOT__*/";
const ASSETS_MARKER = "__GESSO_ASSETS__";

/**
 * Inlines src/lib/boot.js into index.html and, in the production build, hands it the entry
 * script and stylesheets instead of leaving them as tags: relative asset URLs may only be
 * resolved once boot.js has found the app root (see that file).
 */
function gessoBoot(): Plugin {
  const source = readFileSync(fileURLToPath(new URL("./src/lib/boot.js", import.meta.url)), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*\n/gm, "")
    .replace(/^export /gm, "")
    .replace(/\n\s*\n/g, "\n")
    .trim();
  let building = false;
  return {
    name: "gesso-boot",
    configResolved(config) {
      building = config.command === "build";
    },
    transformIndexHtml: {
      order: "post",
      handler(html) {
        const scripts: string[] = [];
        const styles: string[] = [];
        let page = html;
        if (building) {
          page = page
            .replace(/\s*<script type="module" crossorigin src="([^"]+)"><\/script>/g, (_m, src: string) => {
              scripts.push(src);
              return "";
            })
            .replace(/\s*<link rel="stylesheet" crossorigin href="([^"]+)">/g, (_m, href: string) => {
              styles.push(href);
              return "";
            })
            .replace(/\s*<link rel="modulepreload" crossorigin href="[^"]+">/g, "");
          if (scripts.length === 0) throw new Error("gesso-boot: no entry script found in index.html");
        }
        const assets = building ? JSON.stringify({ scripts, styles }) : "null";
        const call = `gessoBoot(${JSON.stringify(ROUTE_SEGMENTS)}, ${ASSETS_MARKER});`;
        return page.replace(BOOT_MARKER, `${source}\n${call}`).replace(ASSETS_MARKER, assets);
      },
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), gessoBoot()],
  // `@/…` is `src/…` (also in tsconfig.json): deep relative imports stay readable.
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    outDir: "../gesso/web",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` against a running `gesso serve` (GESSO_DEV_SERVER overrides the address).
    proxy: {
      "/api": DEV_SERVER,
      "/ws": { target: DEV_SERVER, ws: true },
    },
  },
  test: {
    environment: "happy-dom",
    environmentOptions: { happyDOM: { url: "http://localhost:9090/" } },
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/testing/setup.ts"],
    restoreMocks: true,
  },
});
