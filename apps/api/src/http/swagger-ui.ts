import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Files of swagger-ui-dist that the documentation page loads. */
export const SWAGGER_UI_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

let assetFolder: string | undefined;

/** The folder of the swagger-ui-dist copy that @nestjs/swagger depends on. */
export function swaggerUiFolder(): string {
  if (!assetFolder) {
    const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
    assetFolder = dirname(fromSwagger.resolve('swagger-ui-dist/package.json'));
  }
  return assetFolder;
}

export function swaggerUiAssetPath(name: string): string | undefined {
  return SWAGGER_UI_ASSETS[name] ? join(swaggerUiFolder(), name) : undefined;
}

/** The page at /api/docs. It has no inline script, so a strict Content-Security-Policy allows it. */
export const SWAGGER_UI_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Ticket Masala API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/swagger-ui-init.js"></script>
</body>
</html>
`;

export const SWAGGER_UI_INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/api/docs-json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
`;
