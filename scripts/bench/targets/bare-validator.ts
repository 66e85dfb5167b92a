// Benchmark target (2): the bare app behind express-openapi-validator with the options a
// typical user writes: the spec file, request validation on, response validation off,
// everything else at its default. Listens on 127.0.0.1:$PORT.
import { fileURLToPath } from 'node:url';
import express from 'express';
import * as OpenApiValidator from 'express-openapi-validator';

const app = express();
app.use(
  OpenApiValidator.middleware({
    apiSpec: fileURLToPath(new URL('../../../openapi.yaml', import.meta.url)),
    validateRequests: true,
    validateResponses: false,
  }),
);
app.delete('/v3/:project_id/backups/:backup_id', (_req, res) => {
  res.status(204).end();
});
app.listen(Number(process.env.PORT), '127.0.0.1');
