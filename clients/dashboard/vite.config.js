import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The built files go straight into the jar's resources, under the prefix the local cloud serves them from.
export default defineConfig({
  root: fileURLToPath(new URL('./src/main/web', import.meta.url)),
  // Absolute asset URLs: index.html is also the answer for client routes such as /runs/42.
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./target/classes/lackey/dashboard', import.meta.url)),
    emptyOutDir: true,
    // ES2022 browsers (top-level await, class fields): every evergreen browser of the last three years.
    target: 'es2022',
    // Nothing is inlined as data: URLs, so the page's Content-Security-Policy can stay 'self'.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  // `npm run dev`: the page with live reload on http://localhost:5173, the API of a running local cloud behind it
  server: {
    proxy: { '/api': process.env.LACKEY_API ?? 'http://127.0.0.1:8000' },
  },
  logLevel: 'warn',
});
