// @ts-check
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Pin the workspace root: without it Next guesses from lockfiles and may pick a parent directory.
  turbopack: { root },
  outputFileTracingRoot: root,
  // The AWS SDK is large and server-only; load it from node_modules at runtime instead of bundling it.
  // PGlite loads its WebAssembly and data files from its own package directory; pg has optional native parts.
  serverExternalPackages: ['@aws-sdk/client-iot', '@aws-sdk/client-iot-data-plane', '@electric-sql/pglite', 'pg'],
  poweredByHeader: false,
  // NEXT_DIST_DIR lets several builds live side by side (parallel e2e runs); scripts/next-app.ts reads it too.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Type-check only the app during `next build` (see tsconfig.build.json); `npm run typecheck` covers the rest.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  // Headers that suit every response, static files included; proxy.ts adds the CSP (with a nonce) and HSTS
  // (lib/http/security-headers.ts).
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
